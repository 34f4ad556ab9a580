// The fleet API as a reseller frontend uses it: customers and sites, printer registration and
// credentials through GraphQL, filters, ordering and cursor pagination in both directions, jobs.
import { randomUUID } from 'node:crypto';
import { exampleDirectReport } from '@plotmeter/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { newReseller } from '../support/factories';
import { sendSigned } from '../support/signed';

let app: TestApp;
let key: string;
let customerA: string;
let customerB: string;
const printers: Array<{ id: string; serial: string; keyId: string; secret: string }> = [];

type Page = {
  totalCount: number;
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    endCursor: string | null;
    startCursor: string | null;
  };
  edges: Array<{ cursor: string; node: { serialNumber: string } }>;
};

beforeAll(async () => {
  app = await startTestApp();
  key = (await newReseller(app.services.orm.em)).apiKey;
  const a = await app.gql<{ createCustomer: { id: string } }>(
    `mutation { createCustomer(input: {name: "Atelier Nord", externalRef: "ERP-1"}) { id } }`,
    {},
    key,
  );
  const b = await app.gql<{ createCustomer: { id: string } }>(
    `mutation { createCustomer(input: {name: "Bureau Sud"}) { id } }`,
    {},
    key,
  );
  customerA = a.data!.createCustomer.id;
  customerB = b.data!.createCustomer.id;
  for (let i = 0; i < 7; i++) {
    const serial = `FLEET${String(i).padStart(3, '0')}`;
    const result = await app.gql<{
      registerPrinter: { printer: { id: string }; credential: { keyId: string; secret: string } };
    }>(
      `mutation($i: RegisterPrinterInput!) { registerPrinter(input: $i) { printer { id } credential { keyId secret } } }`,
      {
        i: {
          customerId: i < 4 ? customerA : customerB,
          serialNumber: serial,
          productNumber: i % 2 ? '2RQ50A' : '4VW95A',
          productName: i % 2 ? 'HP DesignJet T1700' : 'HP PageWide XL 5200',
        },
      },
      key,
    );
    expect(result.errors).toBeUndefined();
    printers.push({
      id: result.data!.registerPrinter.printer.id,
      serial,
      ...result.data!.registerPrinter.credential,
    });
  }
});
afterAll(async () => app?.close());

describe('customers and sites', () => {
  it('creates, lists, updates and archives, validating input', async () => {
    const site = await app.gql<{ createSite: { id: string; timeZone: string } }>(
      `mutation { createSite(input: {customerId: "${customerA}", name: "Print room", timeZone: "Europe/Paris"}) { id timeZone } }`,
      {},
      key,
    );
    expect(site.data!.createSite.timeZone).toBe('Europe/Paris');
    const badZone = await app.gql(
      `mutation { createSite(input: {customerId: "${customerA}", name: "X", timeZone: "Paris"}) { id } }`,
      {},
      key,
    );
    expect(badZone.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'timeZone' });
    const empty = await app.gql(`mutation { createCustomer(input: {name: "   "}) { id } }`, {}, key);
    expect(empty.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });

    const search = await app.gql<{
      customers: { totalCount: number; edges: Array<{ node: { name: string } }> };
    }>(`{ customers(filter: {search: "erp-1"}) { totalCount edges { node { name } } } }`, {}, key);
    expect(search.data!.customers).toEqual({ totalCount: 1, edges: [{ node: { name: 'Atelier Nord' } }] });

    const assigned = await app.gql<{ updatePrinter: { site: { id: string } } }>(
      `mutation { updatePrinter(id: "${printers[0]!.id}", input: {siteId: "${site.data!.createSite.id}", displayName: "Plotter 1"}) { site { id } } }`,
      {},
      key,
    );
    expect(assigned.data!.updatePrinter.site.id).toBe(site.data!.createSite.id);
    const wrongCustomer = await app.gql(
      `mutation { updatePrinter(id: "${printers[5]!.id}", input: {siteId: "${site.data!.createSite.id}"}) { id } }`,
      {},
      key,
    );
    expect(wrongCustomer.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'siteId' });

    const temp = await app.gql<{ createCustomer: { id: string } }>(
      `mutation { createCustomer(input: {name: "Temporary"}) { id } }`,
      {},
      key,
    );
    await app.gql(
      `mutation { archiveCustomer(id: "${temp.data!.createCustomer.id}") { archivedAt } }`,
      {},
      key,
    );
    const listed = await app.gql<{ customers: { edges: Array<{ node: { name: string } }> } }>(
      `{ customers { edges { node { name } } } }`,
      {},
      key,
    );
    expect(listed.data!.customers.edges.map((e) => e.node.name)).toEqual(['Atelier Nord', 'Bureau Sud']);
  });
});

describe('printers', () => {
  it('refuses a duplicate serial and finds a printer by serial', async () => {
    const duplicate = await app.gql(
      `mutation { registerPrinter(input: {customerId: "${customerA}", serialNumber: "FLEET000", productNumber: "X1"}) { printer { id } } }`,
      {},
      key,
    );
    expect(duplicate.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'serialNumber' });
    const found = await app.gql<{ printerBySerial: { id: string; customer: { name: string } } }>(
      `{ printerBySerial(serialNumber: "FLEET003") { id customer { name } } }`,
      {},
      key,
    );
    expect(found.data!.printerBySerial).toEqual({ id: printers[3]!.id, customer: { name: 'Atelier Nord' } });
    // Not found or not yours: null. Not an id at all: BAD_USER_INPUT naming the argument (docs/security.md).
    expect(
      (await app.gql<{ printer: null }>(`{ printer(id: "${randomUUID()}") { id } }`, {}, key)).data!.printer,
    ).toBeNull();
    expect(
      (await app.gql(`{ printer(id: "not-a-uuid") { id } }`, {}, key)).errors?.[0]?.extensions,
    ).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'id',
    });
  });

  it('filters by customer, model, search and open alerts', async () => {
    const q = async (filter: string) =>
      (
        await app.gql<{ printers: Page }>(
          `{ printers(filter: ${filter}) { totalCount edges { cursor node { serialNumber } } pageInfo { hasNextPage hasPreviousPage endCursor startCursor } } }`,
          {},
          key,
        )
      ).data!.printers;
    expect((await q(`{customerId: "${customerB}"}`)).totalCount).toBe(3);
    expect((await q(`{model: "pagewide"}`)).edges.map((e) => e.node.serialNumber)).toEqual([
      'FLEET000',
      'FLEET002',
      'FLEET004',
      'FLEET006',
    ]);
    expect((await q(`{search: "plotter"}`)).edges.map((e) => e.node.serialNumber)).toEqual(['FLEET000']);
    // A report with an alert gives FLEET001 an open alert.
    const p = printers[1]!;
    await sendSigned(
      app.url,
      { keyId: p.keyId, secret: p.secret },
      '/ingest/v1/reports',
      exampleDirectReport({ serialNumber: p.serial, reportId: randomUUID() }),
    );
    await eventually(async () => (await q(`{hasOpenAlerts: true}`)).totalCount === 1);
    expect((await q(`{hasOpenAlerts: true}`)).edges.map((e) => e.node.serialNumber)).toEqual(['FLEET001']);
    expect((await q(`{hasOpenAlerts: false}`)).totalCount).toBe(6);
    expect(
      (await q(`{engineState: "idle", connectionType: DIRECT}`)).edges.map((e) => e.node.serialNumber),
    ).toEqual(['FLEET001']);
  });

  it('pages forward and backward with cursors, in both orders', async () => {
    const page = async (args: string) =>
      (
        await app.gql<{ printers: Page }>(
          `{ printers(${args}) { totalCount edges { cursor node { serialNumber } } pageInfo { hasNextPage hasPreviousPage endCursor startCursor } } }`,
          {},
          key,
        )
      ).data!.printers;
    const first = await page('first: 3');
    expect(first.edges.map((e) => e.node.serialNumber)).toEqual(['FLEET000', 'FLEET001', 'FLEET002']);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const second = await page(`first: 3, after: "${first.pageInfo.endCursor}"`);
    expect(second.edges.map((e) => e.node.serialNumber)).toEqual(['FLEET003', 'FLEET004', 'FLEET005']);
    const third = await page(`first: 3, after: "${second.pageInfo.endCursor}"`);
    expect(third.edges.map((e) => e.node.serialNumber)).toEqual(['FLEET006']);
    expect(third.pageInfo.hasNextPage).toBe(false);
    const back = await page(`last: 2, before: "${second.pageInfo.startCursor}"`);
    expect(back.edges.map((e) => e.node.serialNumber)).toEqual(['FLEET001', 'FLEET002']);
    expect(back.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
    const desc = await page('first: 2, orderBy: {field: SERIAL_NUMBER, direction: DESC}');
    expect(desc.edges.map((e) => e.node.serialNumber)).toEqual(['FLEET006', 'FLEET005']);
    expect(desc.totalCount).toBe(7);
    const bad = await app.gql(`{ printers(after: "garbage!") { totalCount } }`, {}, key);
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('rotates a credential through GraphQL, returning the grace period', async () => {
    const rotated = await app.gql<{
      rotatePrinterCredential: { keyId: string; secret: string; previousValidUntil: string };
    }>(
      `mutation { rotatePrinterCredential(printerId: "${printers[2]!.id}") { keyId secret previousValidUntil } }`,
      {},
      key,
    );
    const hours =
      (Date.parse(rotated.data!.rotatePrinterCredential.previousValidUntil) - Date.now()) / 3600_000;
    expect(hours).toBeGreaterThan(23.9);
    expect(hours).toBeLessThanOrEqual(24);
    expect(rotated.data!.rotatePrinterCredential.secret.length).toBeGreaterThanOrEqual(40);
  });
});

describe('collectors', () => {
  it('validates configuration with clear messages and stores a valid one', async () => {
    const token = await app.gql<{ createCollectorEnrollment: { token: string; expiresAt: string } }>(
      `mutation { createCollectorEnrollment(customerId: "${customerA}") { token expiresAt } }`,
      {},
      key,
    );
    const days = (Date.parse(token.data!.createCollectorEnrollment.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeCloseTo(7, 1);
    const enroll = await fetch(`${app.url}/ingest/v1/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        token: token.data!.createCollectorEnrollment.token,
        hostname: 'pc',
        version: '1.0.0',
      }),
    });
    const { collectorId } = (await enroll.json()) as { collectorId: string };

    const invalid = await app.gql<unknown>(
      `mutation { updateCollectorConfig(collectorId: "${collectorId}", input: {ipRanges: ["10.0.0.300/24"], pollIntervalMinutes: 10}) { id } }`,
      {},
      key,
    );
    const error = invalid.errors![0]! as {
      message: string;
      extensions: { code: string; errors: Array<{ field: string }> };
    };
    expect(error.extensions.code).toBe('BAD_USER_INPUT');
    expect(error.extensions.errors.map((e) => e.field)).toEqual(
      expect.arrayContaining(['input.ipRanges.0', 'input.pollIntervalMinutes']),
    );
    expect(error.message).toContain('10.0.0.300');

    const valid = await app.gql<{
      updateCollectorConfig: {
        config: {
          ipRanges: string[];
          pollIntervalMinutes: number;
          proxy: { url: string; hasPassword: boolean };
        };
      };
    }>(
      `mutation { updateCollectorConfig(collectorId: "${collectorId}", input: {ipRanges: ["10.0.0.0/22", "192.168.1.10-192.168.1.50"], pollIntervalMinutes: 60, proxy: {url: "http://proxy.lan:3128", username: "u", password: "p"}}) { config { ipRanges pollIntervalMinutes proxy { url hasPassword } } } }`,
      {},
      key,
    );
    expect(valid.errors).toBeUndefined();
    expect(valid.data!.updateCollectorConfig.config).toEqual({
      ipRanges: ['10.0.0.0/22', '192.168.1.10-192.168.1.50'],
      pollIntervalMinutes: 60,
      proxy: { url: 'http://proxy.lan:3128', hasPassword: true },
    });
    expect(JSON.stringify(valid)).not.toContain('"p"');
  });
});

describe('jobs', () => {
  it('lists jobs newest first with filters and cursor pages', async () => {
    const p = printers[4]!;
    const report = exampleDirectReport({
      serialNumber: p.serial,
      reportId: randomUUID(),
      sentAt: '2026-11-15T12:00:00Z',
    });
    await sendSigned(app.url, { keyId: p.keyId, secret: p.secret }, '/ingest/v1/reports', report);
    const JOBS = `query($f: JobFilter, $after: String) { jobs(first: 2, after: $after, filter: $f) { totalCount edges { node { uuid completedAt printer { serialNumber } customer { name } } } pageInfo { endCursor hasNextPage } } }`;
    const filter = { printerId: p.id, from: '2026-11-01T00:00:00Z', to: '2026-12-01T00:00:00Z' };
    await eventually(
      async () =>
        (await app.gql<{ jobs: { totalCount: number } }>(JOBS, { f: filter }, key)).data?.jobs.totalCount ===
        report.printers[0]!.jobs.length,
    );
    const page1 = await app.gql<{
      jobs: {
        edges: Array<{ node: { uuid: string; completedAt: string; customer: { name: string } } }>;
        pageInfo: { endCursor: string; hasNextPage: boolean };
      };
    }>(JOBS, { f: filter }, key);
    const page2 = await app.gql<{ jobs: { edges: Array<{ node: { uuid: string; completedAt: string } }> } }>(
      JOBS,
      { f: filter, after: page1.data!.jobs.pageInfo.endCursor },
      key,
    );
    const all = [...page1.data!.jobs.edges, ...page2.data!.jobs.edges].map((e) => e.node);
    expect(all.map((j) => j.uuid).sort()).toEqual(report.printers[0]!.jobs.map((j) => j.uuid).sort());
    const times = all.map((j) => Date.parse(j.completedAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(page1.data!.jobs.edges[0]!.node.customer.name).toBe('Bureau Sud');
    const none = await app.gql<{ jobs: { totalCount: number } }>(
      JOBS,
      { f: { ...filter, from: '2026-12-01T00:00:00Z', to: '2027-01-01T00:00:00Z' } },
      key,
    );
    expect(none.data!.jobs.totalCount).toBe(0);
  });
});
