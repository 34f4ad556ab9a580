// Changing the printers of a running contract: a replacement printer joins, the old one's coverage ends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app';
import { newCustomer, newDirectPrinter, newReseller } from '../support/factories';

let app: TestApp;
let key: string;
let resellerId: string;
let customerId: string;

const PRINTERS = `query($id: ID!) { contract(id: $id) { printers { printerId coveredFrom coveredTo } } }`;
const ADD = `mutation($c: ID!, $p: ID!, $from: DateTimeISO!) { addContractPrinter(contractId: $c, printerId: $p, from: $from) { id } }`;
const END = `mutation($c: ID!, $p: ID!, $at: DateTimeISO!) { endContractPrinter(contractId: $c, printerId: $p, at: $at) { id } }`;

beforeAll(async () => {
  app = await startTestApp({ roles: ['api'] });
  const created = await newReseller(app.services.orm.em);
  key = created.apiKey;
  resellerId = created.reseller.id;
  customerId = (await newCustomer(app.services.orm.em, resellerId)).id;
});
afterAll(async () => app?.close());

async function contractWith(printerIds: string[]): Promise<string> {
  const result = await app.gql<{ createContract: { id: string } }>(
    `mutation($input: CreateContractInput!) { createContract(input: $input) { id } }`,
    {
      input: {
        customerId,
        name: 'PPU',
        currency: 'EUR',
        validFrom: '2026-10-01T00:00:00Z',
        printerIds,
        priceLines: [{ meter: 'MEDIA_AREA_M2', unitPriceMinor: '4.5' }],
      },
    },
    key,
  );
  expect(result.errors).toBeUndefined();
  return result.data!.createContract.id;
}

describe('contract printers', () => {
  it('replaces a printer: the old coverage ends and the new one starts at the same instant', async () => {
    const old = await newDirectPrinter(app.services.orm.em, resellerId, customerId);
    const replacement = await newDirectPrinter(app.services.orm.em, resellerId, customerId);
    const contractId = await contractWith([old.printerId]);
    const at = '2026-11-15T12:00:00.000Z';
    expect((await app.gql(END, { c: contractId, p: old.printerId, at }, key)).errors).toBeUndefined();
    expect(
      (await app.gql(ADD, { c: contractId, p: replacement.printerId, from: at }, key)).errors,
    ).toBeUndefined();
    const printers = await app.gql<{
      contract: { printers: Array<{ printerId: string; coveredFrom: string; coveredTo: string | null }> };
    }>(PRINTERS, { id: contractId }, key);
    const byId = new Map(printers.data!.contract.printers.map((p) => [p.printerId, p]));
    expect(byId.get(old.printerId)).toMatchObject({ coveredFrom: '2026-10-01T00:00:00.000Z', coveredTo: at });
    expect(byId.get(replacement.printerId)).toMatchObject({ coveredFrom: at, coveredTo: null });
    const audits = await app.services.orm.em
      .fork()
      .execute<{ action: string }[]>(`select action from audit_event where target_id = ? order by at`, [
        contractId,
      ]);
    expect(audits.map((a) => a.action)).toEqual(
      expect.arrayContaining(['contract.printer.end', 'contract.printer.add']),
    );
  });

  it('refuses overlaps, other customers, dates outside the contract and ends before the start', async () => {
    const printer = await newDirectPrinter(app.services.orm.em, resellerId, customerId);
    const contractId = await contractWith([printer.printerId]);
    const overlap = await app.gql(
      ADD,
      { c: contractId, p: printer.printerId, from: '2026-11-01T00:00:00Z' },
      key,
    );
    expect(overlap.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'printerId' });
    const otherCustomer = await newCustomer(app.services.orm.em, resellerId, 'Other');
    const foreign = await newDirectPrinter(app.services.orm.em, resellerId, otherCustomer.id);
    const wrong = await app.gql(
      ADD,
      { c: contractId, p: foreign.printerId, from: '2026-11-01T00:00:00Z' },
      key,
    );
    expect(wrong.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'printerId' });
    const early = await newDirectPrinter(app.services.orm.em, resellerId, customerId);
    const before = await app.gql(
      ADD,
      { c: contractId, p: early.printerId, from: '2026-09-01T00:00:00Z' },
      key,
    );
    expect(before.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'from' });
    const endEarly = await app.gql(
      END,
      { c: contractId, p: printer.printerId, at: '2026-09-30T00:00:00Z' },
      key,
    );
    expect(endEarly.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'at' });
  });

  it('is for billing and admin roles only', async () => {
    const printer = await newDirectPrinter(app.services.orm.em, resellerId, customerId);
    const contractId = await contractWith([]);
    const viewer = await app.gql<{ createApiKey: { key: string } }>(
      `mutation { createApiKey(input: {name: "v", role: VIEWER}) { key } }`,
      {},
      key,
    );
    const result = await app.gql(
      ADD,
      { c: contractId, p: printer.printerId, from: '2026-11-01T00:00:00Z' },
      viewer.data!.createApiKey.key,
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
