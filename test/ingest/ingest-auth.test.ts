// Who may send: request signing (every rejection case), credential rotation and revocation, size
// limits, and malformed bodies answered with problem+json naming the field.
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { exampleDirectReport } from '@plotmeter/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revokePrinterCredential, rotatePrinterCredential } from '../../src/services/devices';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { newCustomer, newDirectPrinter, newReseller, testSecrets } from '../support/factories';
import { sendSigned } from '../support/signed';

let app: TestApp;
let resellerId: string;
let customerId: string;

beforeAll(async () => {
  // Ingest only: these tests are about what the endpoint accepts, not about persistence.
  // A short credential cache: the revocation test waits for it to expire instead of five seconds.
  app = await startTestApp({ roles: ['ingest'], env: { DEVICE_CREDENTIAL_CACHE_MS: '200' } });
  const em = app.services.orm.em;
  resellerId = (await newReseller(em)).reseller.id;
  customerId = (await newCustomer(em, resellerId)).id;
});
afterAll(async () => app?.close());

const report = (
  serialNumber: string,
  patch: (r: ReturnType<typeof exampleDirectReport>) => void = () => undefined,
) => {
  const r = exampleDirectReport({ serialNumber, reportId: randomUUID() });
  patch(r);
  return r;
};

describe('request signing', () => {
  it('accepts a correctly signed gzip report and a plain one', async () => {
    const printer = await newDirectPrinter(app.services.orm.em, resellerId, customerId);
    const gz = await sendSigned(app.url, printer, '/ingest/v1/reports', report(printer.serialNumber));
    expect(gz.status).toBe(202);
    expect(gz.body).toMatchObject({ duplicate: false });
    expect(gz.body.receiptId).toMatch(/^[0-9a-f-]{36}$/);
    const plain = await sendSigned(app.url, printer, '/ingest/v1/reports', report(printer.serialNumber), {
      gzip: false,
    });
    expect(plain.status).toBe(202);
  });

  it('rejects one flipped body byte, a stale or future timestamp, a replayed nonce and an unknown key', async () => {
    const printer = await newDirectPrinter(app.services.orm.em, resellerId, customerId);
    const flipped = await sendSigned(app.url, printer, '/ingest/v1/reports', report(printer.serialNumber), {
      tamper: (body) => {
        const copy = Buffer.from(body);
        copy[copy.length - 5] ^= 0x01;
        return copy;
      },
    });
    expect(flipped.status).toBe(401);
    expect(flipped.body.reason).toBe('bad_signature');

    // The header carries whole seconds and the server floors its clock: a timestamp signed 301 s ahead
    // of this second would read as 300 s ahead once the server's clock has passed into the next second.
    // Signing against the next second keeps the offset at least 301 s whenever the server reads it.
    const second = Math.floor(Date.now() / 1000);
    for (const offset of [-301, 301]) {
      const signedAt = (offset > 0 ? second + 1 + offset : second + offset) * 1000;
      const stale = await sendSigned(app.url, printer, '/ingest/v1/reports', report(printer.serialNumber), {
        now: new Date(signedAt),
      });
      expect(stale.status).toBe(401);
      expect(stale.body.reason).toBe('stale_timestamp');
    }
    const withinSkew = await sendSigned(
      app.url,
      printer,
      '/ingest/v1/reports',
      report(printer.serialNumber),
      { now: new Date(Date.now() - 290_000) },
    );
    expect(withinSkew.status).toBe(202);

    const nonce = randomUUID().replace(/-/g, '').slice(0, 24);
    expect(
      (await sendSigned(app.url, printer, '/ingest/v1/reports', report(printer.serialNumber), { nonce }))
        .status,
    ).toBe(202);
    const replay = await sendSigned(app.url, printer, '/ingest/v1/reports', report(printer.serialNumber), {
      nonce,
    });
    expect(replay.status).toBe(401);
    expect(replay.body.reason).toBe('replayed_nonce');

    const unknown = await sendSigned(
      app.url,
      { keyId: 'pk_doesnotexist', secret: printer.secret },
      '/ingest/v1/reports',
      report(printer.serialNumber),
    );
    expect(unknown.status).toBe(401);
    expect(unknown.body.reason).toBe('unknown_key');

    const wrongSecret = await sendSigned(
      app.url,
      { keyId: printer.keyId, secret: 'not-the-secret' },
      '/ingest/v1/reports',
      report(printer.serialNumber),
    );
    expect(wrongSecret.status).toBe(401);
  });

  it('rejects requests without signature headers, naming the missing header', async () => {
    const response = await fetch(`${app.url}/ingest/v1/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(((await response.json()) as { detail: string }).detail).toContain('x-plotmeter-key');
  });

  it('keeps the old secret valid during the rotation grace period, and revocation stops both', async () => {
    const printer = await newDirectPrinter(app.services.orm.em, resellerId, customerId);
    const { credential } = await rotatePrinterCredential(
      app.services.orm.em.fork(),
      testSecrets,
      'test',
      resellerId,
      printer.printerId,
    );
    expect(credential.keyId).not.toBe(printer.keyId);
    expect(
      (await sendSigned(app.url, printer, '/ingest/v1/reports', report(printer.serialNumber))).status,
    ).toBe(202);
    expect(
      (await sendSigned(app.url, credential, '/ingest/v1/reports', report(printer.serialNumber))).status,
    ).toBe(202);

    const revoked = await revokePrinterCredential(
      app.services.orm.em.fork(),
      'test',
      resellerId,
      printer.printerId,
    );
    expect(revoked.sort()).toEqual([printer.keyId, credential.keyId].sort());
    // Revoked in the database only (no announcement): refused once the cached entries expire.
    for (const c of [printer, credential])
      await eventually(
        async () =>
          (await sendSigned(app.url, c, '/ingest/v1/reports', report(printer.serialNumber))).status === 401,
      );
  });

  it('expires the old secret when the grace period is over', async () => {
    const printer = await newDirectPrinter(app.services.orm.em, resellerId, customerId);
    await rotatePrinterCredential(
      app.services.orm.em.fork(),
      testSecrets,
      'test',
      resellerId,
      printer.printerId,
      new Date(),
      0,
    );
    app.services.log.level = 'silent';
    // The cache holds the credential for a few seconds at most; a fresh key id is never cached.
    const response = await sendSigned(app.url, printer, '/ingest/v1/reports', report(printer.serialNumber));
    expect(response.status).toBe(401);
  });
});

describe('identity', () => {
  it('answers 403 when a direct report carries another serial than its credential', async () => {
    const printer = await newDirectPrinter(app.services.orm.em, resellerId, customerId);
    const response = await sendSigned(app.url, printer, '/ingest/v1/reports', report('OTHERSERIAL1'));
    expect(response.status).toBe(403);
    expect(response.body.errors).toEqual([
      { path: 'printers.0.device.serialNumber', message: expect.stringContaining('does not match') },
    ]);
  });

  it('requires source.kind to match the credential', async () => {
    const printer = await newDirectPrinter(app.services.orm.em, resellerId, customerId);
    const response = await sendSigned(
      app.url,
      printer,
      '/ingest/v1/reports',
      report(printer.serialNumber, (r) => (r.source.kind = 'collector')),
    );
    expect(response.status).toBe(400);
    expect(response.body.errors?.[0]?.path).toBe('source.kind');
  });
});

describe('bad bodies', () => {
  let printer: Awaited<ReturnType<typeof newDirectPrinter>>;
  beforeAll(async () => {
    printer = await newDirectPrinter(app.services.orm.em, resellerId, customerId);
  });

  const expectField = async (payload: unknown, path: string | RegExp) => {
    const response = await sendSigned(app.url, printer, '/ingest/v1/reports', payload);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const paths = (response.body.errors ?? []).map((e) => e.path);
    expect(paths.some((p) => (typeof path === 'string' ? p === path : path.test(p)))).toBe(true);
    return response;
  };

  it('not JSON', async () => {
    const response = await sendSigned(app.url, printer, '/ingest/v1/reports', 'this is {not json');
    expect(response.status).toBe(400);
    expect(String(response.body.detail)).toContain('not valid JSON');
  });

  it('NaN is not JSON either', async () => {
    const text = JSON.stringify(report(printer.serialNumber)).replace('"pages":', '"pages":NaN,"x":');
    expect((await sendSigned(app.url, printer, '/ingest/v1/reports', text)).status).toBe(400);
  });

  it('wrong types, negative quantities, missing fields, bad uuid, bad timestamp', async () => {
    await expectField(
      report(printer.serialNumber, (r) => ((r.printers[0]!.jobs[0] as { pages: unknown }).pages = 'many')),
      'printers.0.jobs.0.pages',
    );
    await expectField(
      report(printer.serialNumber, (r) => (r.printers[0]!.jobs[0]!.inkByColor[0]!.ml = -1)),
      'printers.0.jobs.0.inkByColor.0.ml',
    );
    await expectField(
      report(printer.serialNumber, (r) => delete (r.printers[0] as { usage?: unknown }).usage),
      'printers.0.usage',
    );
    await expectField(
      report(printer.serialNumber, (r) => (r.reportId = 'not-a-uuid')),
      'reportId',
    );
    await expectField(
      report(printer.serialNumber, (r) => (r.printers[0]!.collectedAt = 'yesterday')),
      'printers.0.collectedAt',
    );
  });

  it('a 1 MB string', async () => {
    const response = await expectField(
      report(printer.serialNumber, (r) => (r.printers[0]!.jobs[0]!.name = 'x'.repeat(1_000_000))),
      'printers.0.jobs.0.name',
    );
    expect(JSON.stringify(response.body).length).toBeLessThan(10_000);
  });

  it('10,000 jobs in one report', async () => {
    await expectField(
      report(printer.serialNumber, (r) => {
        const job = r.printers[0]!.jobs[0]!;
        r.printers[0]!.jobs = Array.from({ length: 10_000 }, (_, i) => ({ ...job, uuid: `job-${i}` }));
      }),
      'printers.0.jobs',
    );
  });

  it('ignores unknown fields from newer firmware', async () => {
    const r = report(printer.serialNumber) as unknown as Record<string, unknown>;
    r.futureField = { nested: true };
    (r.printers as Array<Record<string, unknown>>)[0]!.newCounter = 42;
    expect((await sendSigned(app.url, printer, '/ingest/v1/reports', r)).status).toBe(202);
  });

  it('a compressed body over 1 MiB is refused with 413', async () => {
    const random = Buffer.from(Array.from({ length: 1_200_000 }, () => Math.floor(Math.random() * 256)));
    const response = await sendSigned(app.url, printer, '/ingest/v1/reports', null, { rawBody: random });
    expect(response.status).toBe(413);
  });

  it('a gzip bomb stops at the decompressed limit with 413', async () => {
    const bomb = gzipSync(Buffer.alloc(40 * 1024 * 1024, 0x20)); // ~40 KB compressed
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const response = await sendSigned(app.url, printer, '/ingest/v1/reports', null, { rawBody: bomb });
    expect(response.status).toBe(413);
  });

  it('invalid gzip', async () => {
    const response = await sendSigned(app.url, printer, '/ingest/v1/reports', null, {
      rawBody: Buffer.from('definitely not gzip'),
    });
    expect(response.status).toBe(400);
    expect(String(response.body.detail)).toContain('gzip');
  });
});

describe('enrollment body limits', () => {
  // Enrollment is unauthenticated: anything beyond a few KB is refused before it is inflated or parsed.
  const enroll = (body: Buffer, gzip: boolean) =>
    fetch(`${app.url}/ingest/v1/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(gzip ? { 'content-encoding': 'gzip' } : {}) },
      body,
    });
  const padded = (bytes: number) =>
    Buffer.from(
      JSON.stringify({ token: 'pme_not-a-real-token', hostname: 'h', version: '1', pad: ' '.repeat(bytes) }),
    );

  it('refuses a compressed body over the cap with 413 problem+json', async () => {
    const random = Buffer.from(Array.from({ length: 8_192 }, () => Math.floor(Math.random() * 256)));
    const response = await enroll(random, true);
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await response.json()).toMatchObject({ title: 'Payload Too Large', reason: 'body_too_large' });
  });

  it('refuses a small gzip body that inflates beyond the cap, and a plain one over it', async () => {
    const inflating = gzipSync(padded(200_000));
    expect(inflating.length).toBeLessThan(4096);
    const inflated = await enroll(inflating, true);
    expect(inflated.status).toBe(413);
    expect(((await inflated.json()) as { detail: string }).detail).toContain('once decompressed');
    expect((await enroll(padded(5_000), false)).status).toBe(413);
  });

  it('still answers a well-formed request with a bad token 401', async () => {
    const response = await enroll(gzipSync(padded(10)), true);
    expect(response.status).toBe(401);
    expect(((await response.json()) as { detail: string }).detail).toBe('enrollment token is not valid');
  });
});
