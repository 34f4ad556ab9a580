// Revoking a printer credential through the API: the process that revoked it refuses the key at once,
// even though the key was in its credential cache a moment before (docs/ingest.md, README).
import { randomUUID } from 'node:crypto';
import { exampleDirectReport } from '@plotmeter/protocol';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app';
import { newCustomer, newDirectPrinter, newReseller } from '../support/factories';
import { sendSigned } from '../support/signed';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({ roles: ['api', 'ingest'] });
});
afterAll(async () => app?.close());

it('refuses a revoked printer key at once on the revoking process', async () => {
  const em = app.services.orm.em;
  const { reseller, apiKey } = await newReseller(em);
  const customer = await newCustomer(em, reseller.id);
  const printer = await newDirectPrinter(em, reseller.id, customer.id);
  const send = () =>
    sendSigned(
      app.url,
      printer,
      '/ingest/v1/reports',
      exampleDirectReport({ serialNumber: printer.serialNumber, reportId: randomUUID() }),
    );
  // Accepted, so the credential is now in this process's cache.
  expect((await send()).status).toBe(202);

  const revoked = await app.gql<{ revokePrinterCredential: string[] }>(
    `mutation($id: ID!) { revokePrinterCredential(printerId: $id) }`,
    { id: printer.printerId },
    apiKey,
  );
  expect(revoked.errors).toBeUndefined();
  expect(revoked.data?.revokePrinterCredential).toEqual([printer.keyId]);

  const refused = await send();
  expect(refused.status).toBe(401);
  expect(refused.body.reason).toBe('unknown_key');
});
