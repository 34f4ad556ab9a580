// /export/v1/jobs and /export/v1/usage over the real server: authorisation as for statements, tenant
// scope, period and customer/site/printer filters, CSV parsed back by a CSV library (formula guard,
// exact numbers), JSON, more rows than one cursor fetch, deltas and resets across the period start, and
// a client that hangs up halfway.
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/lib/ids';
import { DEFAULT_FETCH_ROWS } from '../../src/services/cursor-stream';
import { startTestApp, type TestApp } from '../support/app';
import { newCustomer, newDirectPrinter, newReseller } from '../support/factories';
import { insertReading, newBillingReseller, utc } from '../billing/billing-fixtures';

let app: TestApp;
let resellerId: string;
let adminKey: string;
let billingKey: string;
let viewerKey: string;
let otherKey: string;
let customer1: string;
let customer2: string;
let site1: string;
let printer1: { printerId: string; serialNumber: string };
let printer2: { printerId: string; serialNumber: string };
let otherPrinter: { printerId: string; serialNumber: string };
const octoberJobs: string[] = [];

async function job(
  reseller: string,
  customer: string,
  printer: string,
  completedAt: string,
  extra: { name?: string; mediaAreaM2?: number; sequenceNumber?: string; pages?: number } = {},
): Promise<string> {
  const id = uuidv7();
  await app.services.orm.em.fork().execute(
    `insert into printer_job (id, completed_at, reseller_id, printer_id, customer_id, uuid, sequence_number, kind, name, status, pages, copies,
       ink_by_color, ink_total_ml, media_area_m2, categories, raw_report_id, created_at)
     values (?, ?, ?, ?, ?, ?, ?, 'print', ?, 'completed', ?, 1, '[{"color":"cyan","ml":0.25}]', 0.25, ?, '[]', ?, now())`,
    [
      id,
      utc(completedAt),
      reseller,
      printer,
      customer,
      `uuid-${id}`,
      extra.sequenceNumber ?? null,
      extra.name ?? 'job',
      extra.pages ?? 1,
      extra.mediaAreaM2 ?? 1.5,
      uuidv7(),
    ],
  );
  return id;
}

beforeAll(async () => {
  app = await startTestApp({ roles: ['api'] });
  const em = app.services.orm.em.fork();
  ({ resellerId, adminKey, billingKey, viewerKey } = await newBillingReseller(em));
  customer1 = (await newCustomer(em, resellerId, 'One')).id;
  customer2 = (await newCustomer(em, resellerId, 'Two')).id;
  site1 = uuidv7();
  await em.execute(
    `insert into site (id, reseller_id, customer_id, name, time_zone, created_at) values (?, ?, ?, 'HQ', 'UTC', now())`,
    [site1, resellerId, customer1],
  );
  printer1 = await newDirectPrinter(em, resellerId, customer1);
  printer2 = await newDirectPrinter(em, resellerId, customer2);
  await em.execute(`update printer set site_id = ? where id = ?`, [site1, printer1.printerId]);

  const other = await newReseller(em, 'Other');
  otherKey = other.apiKey;
  const otherCustomer = await newCustomer(em, other.reseller.id);
  otherPrinter = await newDirectPrinter(em, other.reseller.id, otherCustomer.id);
  await job(other.reseller.id, otherCustomer.id, otherPrinter.printerId, '2026-10-10T10:00:00');

  octoberJobs.push(
    await job(resellerId, customer1, printer1.printerId, '2026-10-01T00:00:00', {
      name: '=HYPERLINK("http://x")',
      sequenceNumber: '9007199254740993',
    }),
    await job(resellerId, customer2, printer2.printerId, '2026-10-15T08:30:00', { name: 'Plan, "rev B"' }),
    await job(resellerId, customer1, printer1.printerId, '2026-10-31T23:59:59.999', { mediaAreaM2: 1e-7 }),
  );
  // Outside October (UTC): the last millisecond of September and the first of November.
  await job(resellerId, customer1, printer1.printerId, '2026-09-30T23:59:59.999');
  await job(resellerId, customer1, printer1.printerId, '2026-11-01T00:00:00');
});
afterAll(async () => {
  await app?.close();
});

function get(path: string, key: string | null = billingKey): Promise<Response> {
  return fetch(`${app.url}${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
}

describe('authorisation and input', () => {
  it('asks for credentials, and refuses roles other than admin and billing', async () => {
    expect((await get('/export/v1/jobs?period=2026-10', null)).status).toBe(401);
    const viewer = await get('/export/v1/usage?period=2026-10', viewerKey);
    expect(viewer.status).toBe(403);
    expect(((await viewer.json()) as { detail: string }).detail).toMatch(/billing or admin/);
    expect((await get('/export/v1/jobs?period=2026-10', adminKey)).status).toBe(200);
  });

  it('names every bad parameter', async () => {
    const response = await get('/export/v1/jobs?period=2026-13&format=xml&printerId=nope&bom=yes');
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const body = (await response.json()) as { errors: Array<{ path: string }> };
    expect(body.errors.map((e) => e.path).sort()).toEqual(['bom', 'format', 'period', 'printerId']);

    const missing = (await (await get('/export/v1/usage')).json()) as { errors: Array<{ path: string }> };
    expect(missing.errors.map((e) => e.path)).toEqual(['from', 'to']);
    const local = (await (await get('/export/v1/usage?from=2026-10-01T00:00:00&to=2026-10-02')).json()) as {
      errors: Array<{ path: string; message: string }>;
    };
    expect(local.errors.map((e) => e.path)).toEqual(['from', 'to']);
    const reversed = await get('/export/v1/usage?from=2026-10-02T00:00:00Z&to=2026-10-01T00:00:00Z');
    expect(((await reversed.json()) as { errors: Array<{ path: string }> }).errors[0]!.path).toBe('to');
    const tooLong = await get('/export/v1/jobs?from=2025-01-01T00:00:00Z&to=2026-06-01T00:00:00Z');
    expect(tooLong.status).toBe(400);
    const both = await get('/export/v1/jobs?period=2026-10&from=2026-10-01T00:00:00Z');
    expect(both.status).toBe(400);
  });

  it("answers 404 for another tenant's or an unknown printer, customer or site", async () => {
    for (const query of [
      `printerId=${otherPrinter.printerId}`,
      `customerId=${uuidv7()}`,
      `siteId=${uuidv7()}`,
    ]) {
      const response = await get(`/export/v1/jobs?period=2026-10&${query}`);
      expect(response.status).toBe(404);
      const key = query.split('=')[0];
      expect(((await response.json()) as { errors: Array<{ path: string }> }).errors[0]!.path).toBe(key);
    }
  });
});

describe('GET /export/v1/jobs', () => {
  it("streams the tenant's jobs of the UTC month as CSV, oldest first, guarded and exact", async () => {
    const response = await get('/export/v1/jobs?period=2026-10&format=csv');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(
      'attachment; filename="jobs-2026-10-01-2026-11-01.csv"',
    );
    const text = await response.text();
    expect(text.endsWith('\r\n')).toBe(true);
    const records = parse(text, { columns: true }) as Array<Record<string, string>>;
    expect(records.map((r) => r.job_id)).toEqual(octoberJobs);
    expect(records[0]).toMatchObject({
      name: `'=HYPERLINK("http://x")`,
      printer_id: printer1.printerId,
      serial_number: printer1.serialNumber,
      customer_id: customer1,
      site_id: site1,
      sequence_number: '9007199254740993',
      completed_at_utc: '2026-10-01T00:00:00.000Z',
      ink_total_ml: '0.25',
      media_area_m2: '1.5',
      pages: '1',
    });
    expect(records[1]).toMatchObject({ name: 'Plan, "rev B"', site_id: '', customer_id: customer2 });
    expect(records[2]!.media_area_m2).toBe('0.0000001');
  });

  it('filters by customer, site and printer', async () => {
    const ids = async (query: string) =>
      (
        parse(await (await get(`/export/v1/jobs?period=2026-10&${query}`)).text(), {
          columns: true,
        }) as Array<Record<string, string>>
      ).map((r) => r.job_id);
    expect(await ids(`customerId=${customer2}`)).toEqual([octoberJobs[1]]);
    expect(await ids(`siteId=${site1}`)).toEqual([octoberJobs[0], octoberJobs[2]]);
    expect(await ids(`printerId=${printer1.printerId}&customerId=${customer1}`)).toEqual([
      octoberJobs[0],
      octoberJobs[2],
    ]);
    expect(await ids(`printerId=${printer1.printerId}&customerId=${customer2}`)).toEqual([]);
  });

  it('gives the same jobs as JSON, with a from/to range', async () => {
    const response = await get(
      '/export/v1/jobs?format=json&from=2026-10-15T10:30:00%2B02:00&to=2026-11-01T00:00:00Z',
      adminKey,
    );
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const body = (await response.json()) as { jobs: Array<Record<string, unknown>> };
    expect(body.jobs.map((j) => j.id)).toEqual([octoberJobs[1], octoberJobs[2]]);
    expect(body.jobs[0]).toMatchObject({
      name: 'Plan, "rev B"',
      completedAt: '2026-10-15T08:30:00.000Z',
      inkByColor: [{ color: 'cyan', ml: 0.25 }],
      mediaAreaM2: 1.5,
      siteId: null,
    });
  });

  it('answers an empty month with the header only, or an empty list', async () => {
    const csv = await (await get('/export/v1/jobs?period=2025-01')).text();
    expect(csv.split('\r\n')).toHaveLength(2);
    expect(csv.startsWith('job_id,job_uuid,printer_id,')).toBe(true);
    expect(await (await get('/export/v1/jobs?period=2025-01&format=json')).json()).toEqual({ jobs: [] });
  });

  it('streams more rows than one cursor fetch holds, each exactly once, and survives a client hanging up', async () => {
    const count = DEFAULT_FETCH_ROWS * 2 + 17;
    const printer = await newDirectPrinter(app.services.orm.em.fork(), resellerId, customer2);
    await app.services.orm.em.fork().execute(
      `insert into printer_job (id, completed_at, reseller_id, printer_id, customer_id, uuid, kind, name, status, pages, copies,
         ink_by_color, ink_total_ml, categories, raw_report_id, created_at)
       select gen_random_uuid(), timestamptz '2026-12-01T00:00:00Z' + g * interval '1 second', ?, ?, ?, 'u' || g, 'print', 'bulk ' || g,
         'completed', g, 1, '[]', 0, '[]', gen_random_uuid(), now() from generate_series(1, ?) g`,
      [resellerId, printer.printerId, customer2, count],
    );
    // A client that reads the first chunk and goes away: the server must stop and stay healthy.
    const controller = new AbortController();
    const partial = await fetch(`${app.url}/export/v1/jobs?period=2026-12&format=json`, {
      headers: { authorization: `Bearer ${billingKey}` },
      signal: controller.signal,
    });
    await partial.body!.getReader().read();
    controller.abort();

    const body = (await (await get('/export/v1/jobs?period=2026-12&format=json')).json()) as {
      jobs: Array<{ name: string; pages: number }>;
    };
    expect(body.jobs).toHaveLength(count);
    expect(body.jobs.map((j) => j.pages)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
    const csv = parse(await (await get('/export/v1/jobs?period=2026-12')).text(), { columns: true }) as Array<
      Record<string, string>
    >;
    expect(new Set(csv.map((r) => r.job_id)).size).toBe(count);
  });
});

describe('GET /export/v1/usage', () => {
  let readings: string[];
  beforeAll(async () => {
    const em = app.services.orm.em.fork();
    const reading = (at: string, pages: number | null, mediaAreaM2: number) =>
      insertReading(em, resellerId, printer1.printerId, {
        at: utc(at),
        serial: printer1.serialNumber,
        pages,
        mediaAreaM2,
      });
    readings = [
      await reading('2026-09-20T00:00:00', 50, 10),
      await reading('2026-09-30T12:00:00', 100, 20.25),
      await reading('2026-10-05T00:00:00', 160, 30.5),
      await reading('2026-10-20T00:00:00', 5, 31), // main board swapped: pages start again
      await reading('2026-10-25T00:00:00', null, 32),
      await reading('2026-11-01T00:00:00', 9, 33),
    ];
    await insertReading(em, resellerId, printer2.printerId, {
      at: utc('2026-10-10T00:00:00'),
      serial: printer2.serialNumber,
      pages: 1,
      mediaAreaM2: 1,
    });
  });

  it("lists the period's readings with deltas since each printer's previous reading, resets flagged", async () => {
    const response = await get(`/export/v1/usage?period=2026-10&printerId=${printer1.printerId}`);
    expect(response.status).toBe(200);
    const records = parse(await response.text(), { columns: true }) as Array<Record<string, string>>;
    expect(records.map((r) => r.reading_id)).toEqual(readings.slice(2, 5));
    expect(records[0]).toMatchObject({
      serial_number: printer1.serialNumber,
      customer_id: customer1,
      site_id: site1,
      collected_at_utc: '2026-10-05T00:00:00.000Z',
      previous_collected_at_utc: '2026-09-30T12:00:00.000Z',
      pages: '160',
      pages_delta: '60',
      media_area_m2: '30.5',
      media_area_m2_delta: '10.25',
      counter_reset: 'false',
    });
    expect(records[1]).toMatchObject({
      pages: '5',
      pages_delta: '',
      media_area_m2_delta: '0.5',
      counter_reset: 'true',
    });
    expect(records[2]).toMatchObject({
      pages: '',
      pages_delta: '',
      media_area_m2_delta: '1',
      counter_reset: 'false',
    });
  });

  it("gives every printer of the tenant as JSON, and nothing of another tenant's", async () => {
    const body = (await (await get('/export/v1/usage?period=2026-10&format=json')).json()) as {
      usage: Array<{ printerId: string; deltas: Record<string, number | null>; counterReset: boolean }>;
    };
    expect(body.usage.filter((u) => u.printerId === printer1.printerId)).toHaveLength(3);
    const second = body.usage.filter((u) => u.printerId === printer2.printerId);
    expect(second).toHaveLength(1);
    // No earlier reading: nothing to take a difference from.
    expect(second[0]!.deltas.pages).toBeNull();
    const theirs = (await (await get('/export/v1/usage?period=2026-10&format=json', otherKey)).json()) as {
      usage: unknown[];
    };
    expect(theirs.usage).toEqual([]);
    const byCustomer = (await (
      await get(`/export/v1/usage?period=2026-10&format=json&customerId=${customer2}`)
    ).json()) as {
      usage: Array<{ printerId: string }>;
    };
    expect(byCustomer.usage.map((u) => u.printerId)).toEqual([printer2.printerId]);
  });
});
