import { createHash, createHmac } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  HEADER_KEY,
  HEADER_NONCE,
  HEADER_SIGNATURE,
  HEADER_TIMESTAMP,
  canonicalString,
  parseSignatureHeaders,
  signRequest,
  verifySignature,
} from '@plotmeter/protocol';

const SECRET = 'pm_test_secret_0123456789abcdef';
const BODY = '{"schemaVersion":1,"hello":"plotmeter"}';
const PATH = '/ingest/v1/reports?dryRun=1';
const NONCE = 'AAECAwQFBgcICQoLDA0ODxAREhM'; // bytes 0..19, base64url
const NOW = new Date(1_741_000_000 * 1000);

function sign(body: Buffer | string = BODY, now: Date = NOW) {
  return signRequest({
    keyId: 'key_1',
    secret: SECRET,
    method: 'post',
    pathWithQuery: PATH,
    body,
    now,
    nonce: NONCE,
  });
}

function verify(
  headers: Record<string, string>,
  overrides: { body?: Buffer | string; now?: Date; method?: string } = {},
) {
  return verifySignature({
    secret: SECRET,
    method: overrides.method ?? 'POST',
    pathWithQuery: PATH,
    body: overrides.body ?? BODY,
    headers: {
      timestamp: headers[HEADER_TIMESTAMP]!,
      nonce: headers[HEADER_NONCE]!,
      signature: headers[HEADER_SIGNATURE]!,
    },
    now: overrides.now ?? NOW,
  });
}

describe('canonicalString', () => {
  it('joins the six lines with the method upper-cased and the body hashed', () => {
    const bodyHash = createHash('sha256').update(BODY).digest('hex');
    expect(
      canonicalString({
        method: 'post',
        pathWithQuery: PATH,
        timestamp: '1741000000',
        nonce: NONCE,
        body: BODY,
      }),
    ).toBe(`v1\nPOST\n${PATH}\n1741000000\n${NONCE}\n${bodyHash}`);
  });

  it('hashes an empty body for GET requests', () => {
    expect(
      canonicalString({
        method: 'GET',
        pathWithQuery: '/ingest/v1/config',
        timestamp: '1',
        nonce: 'n',
        body: '',
      }),
    ).toMatch(/\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855$/);
  });

  it('treats a string body and its UTF-8 bytes the same', () => {
    const text = '{"name":"Plan für Büro"}';
    const a = canonicalString({ method: 'POST', pathWithQuery: '/', timestamp: '1', nonce: 'n', body: text });
    const b = canonicalString({
      method: 'POST',
      pathWithQuery: '/',
      timestamp: '1',
      nonce: 'n',
      body: new Uint8Array(Buffer.from(text, 'utf8')),
    });
    expect(a).toBe(b);
  });
});

describe('signRequest', () => {
  it('returns the four headers with the timestamp in unix seconds', () => {
    const headers = sign();
    expect(Object.keys(headers).sort()).toEqual(
      [HEADER_KEY, HEADER_NONCE, HEADER_SIGNATURE, HEADER_TIMESTAMP].sort(),
    );
    expect(headers[HEADER_KEY]).toBe('key_1');
    expect(headers[HEADER_TIMESTAMP]).toBe('1741000000');
    expect(headers[HEADER_NONCE]).toBe(NONCE);
  });

  it('matches an HMAC computed independently with node:crypto', () => {
    const bodyHash = createHash('sha256').update(Buffer.from(BODY, 'utf8')).digest('hex');
    const canonical = ['v1', 'POST', PATH, '1741000000', NONCE, bodyHash].join('\n');
    const expected = createHmac('sha256', SECRET).update(canonical).digest('hex');
    expect(sign()[HEADER_SIGNATURE]).toBe(`v1=${expected}`);
  });

  it('matches the vector computed by openssl', () => {
    // BH=$(printf '%s' '{"schemaVersion":1,"hello":"plotmeter"}' | openssl dgst -sha256 -r | cut -d' ' -f1)
    // printf 'v1\nPOST\n/ingest/v1/reports?dryRun=1\n1741000000\nAAECAwQFBgcICQoLDA0ODxAREhM\n%s' "$BH" \
    //   | openssl dgst -sha256 -hmac 'pm_test_secret_0123456789abcdef' -r
    expect(sign()[HEADER_SIGNATURE]).toBe(
      'v1=543d117c7b2f8365e52ff725e747d10f0e66ee141dc1750f9c027af9e08c6a38',
    );
  });

  it('generates a fresh base64url nonce of at least 16 bytes when none is given', () => {
    const a = signRequest({ keyId: 'k', secret: SECRET, method: 'GET', pathWithQuery: '/', body: '' });
    const b = signRequest({ keyId: 'k', secret: SECRET, method: 'GET', pathWithQuery: '/', body: '' });
    expect(a[HEADER_NONCE]).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(a[HEADER_NONCE]!, 'base64url').length).toBeGreaterThanOrEqual(16);
    expect(a[HEADER_NONCE]).not.toBe(b[HEADER_NONCE]);
  });
});

describe('verifySignature', () => {
  it('accepts its own signature', () => {
    expect(verify(sign())).toEqual({ ok: true });
  });

  it('accepts a lower-case method on either side', () => {
    expect(verify(sign(), { method: 'post' })).toEqual({ ok: true });
  });

  it('rejects when one byte of the body is flipped', () => {
    const body = Buffer.from(BODY);
    const headers = sign(body);
    const tampered = Buffer.from(body);
    tampered[5] = tampered[5]! ^ 0x01;
    expect(verify(headers, { body: tampered })).toMatchObject({ ok: false, reason: 'bad_signature' });
  });

  it('rejects a different path, secret or method', () => {
    const headers = sign();
    expect(verify(headers, { method: 'PUT' })).toMatchObject({ ok: false, reason: 'bad_signature' });
    const otherPath = verifySignature({
      secret: SECRET,
      method: 'POST',
      pathWithQuery: '/ingest/v1/reports',
      body: BODY,
      headers: { timestamp: '1741000000', nonce: NONCE, signature: headers[HEADER_SIGNATURE]! },
      now: NOW,
    });
    expect(otherPath).toMatchObject({ ok: false, reason: 'bad_signature' });
    const otherSecret = verifySignature({
      secret: `${SECRET}x`,
      method: 'POST',
      pathWithQuery: PATH,
      body: BODY,
      headers: { timestamp: '1741000000', nonce: NONCE, signature: headers[HEADER_SIGNATURE]! },
      now: NOW,
    });
    expect(otherSecret).toMatchObject({ ok: false, reason: 'bad_signature' });
  });

  it('accepts 299 s of skew either way and rejects 301 s as stale', () => {
    const headers = sign();
    const at = (deltaSeconds: number) => new Date(NOW.getTime() + deltaSeconds * 1000);
    expect(verify(headers, { now: at(299) })).toEqual({ ok: true });
    expect(verify(headers, { now: at(-299) })).toEqual({ ok: true });
    expect(verify(headers, { now: at(300) })).toEqual({ ok: true });
    expect(verify(headers, { now: at(301) })).toMatchObject({ ok: false, reason: 'stale_timestamp' });
    expect(verify(headers, { now: at(-301) })).toMatchObject({ ok: false, reason: 'stale_timestamp' });
  });

  it('signs and verifies gzip bodies over the compressed bytes', () => {
    const gz = gzipSync(Buffer.from(BODY));
    const headers = sign(gz);
    const expected = createHmac('sha256', SECRET)
      .update(
        ['v1', 'POST', PATH, '1741000000', NONCE, createHash('sha256').update(gz).digest('hex')].join('\n'),
      )
      .digest('hex');
    expect(headers[HEADER_SIGNATURE]).toBe(`v1=${expected}`);
    expect(verify(headers, { body: gz })).toEqual({ ok: true });
    // The same JSON uncompressed is a different byte string and must not verify.
    expect(verify(headers, { body: BODY })).toMatchObject({ ok: false, reason: 'bad_signature' });
  });

  it.each([
    ['timestamp with decimals', { timestamp: '1741000000.5' }, 'x-plotmeter-timestamp'],
    ['timestamp in ms as ISO', { timestamp: '2025-03-03T11:06:40Z' }, 'x-plotmeter-timestamp'],
    ['empty timestamp', { timestamp: '' }, 'x-plotmeter-timestamp'],
    ['short nonce', { nonce: 'AAECAwQFBgcICQ' }, 'at least 16'],
    ['nonce with padding', { nonce: `${NONCE}=` }, 'x-plotmeter-nonce'],
    ['nonce in standard base64', { nonce: 'AAECAwQFBgcICQoLDA0ODxAR+/' }, 'x-plotmeter-nonce'],
    ['overlong nonce', { nonce: 'A'.repeat(129) }, 'x-plotmeter-nonce'],
    ['signature without prefix', { signature: 'a'.repeat(64) }, 'x-plotmeter-signature'],
    ['upper-case hex signature', { signature: `v1=${'A'.repeat(64)}` }, 'x-plotmeter-signature'],
    ['short signature', { signature: `v1=${'a'.repeat(63)}` }, 'x-plotmeter-signature'],
  ])('reports a %s as malformed', (_label, change, mentions) => {
    const headers = { timestamp: '1741000000', nonce: NONCE, signature: `v1=${'a'.repeat(64)}`, ...change };
    const result = verifySignature({
      secret: SECRET,
      method: 'POST',
      pathWithQuery: PATH,
      body: BODY,
      headers,
      now: NOW,
    });
    expect(result).toMatchObject({ ok: false, reason: 'malformed' });
    expect(result.ok === false && result.message).toContain(mentions);
  });

  it('honours a custom skew window', () => {
    const headers = sign();
    const result = verifySignature({
      secret: SECRET,
      method: 'POST',
      pathWithQuery: PATH,
      body: BODY,
      headers: { timestamp: headers[HEADER_TIMESTAMP]!, nonce: NONCE, signature: headers[HEADER_SIGNATURE]! },
      now: new Date(NOW.getTime() + 61_000),
      maxSkewSeconds: 60,
    });
    expect(result).toMatchObject({ ok: false, reason: 'stale_timestamp' });
  });
});

describe('parseSignatureHeaders', () => {
  it('extracts the four values from a Node header map', () => {
    const headers = sign();
    expect(parseSignatureHeaders({ ...headers, 'content-type': 'application/json' })).toEqual({
      ok: true,
      keyId: 'key_1',
      timestamp: '1741000000',
      nonce: NONCE,
      signature: headers[HEADER_SIGNATURE],
    });
  });

  it.each([HEADER_KEY, HEADER_TIMESTAMP, HEADER_NONCE, HEADER_SIGNATURE])(
    'names the missing header %s',
    (name) => {
      const headers: Record<string, string | undefined> = { ...sign() };
      delete headers[name];
      expect(parseSignatureHeaders(headers)).toEqual({
        ok: false,
        reason: 'malformed',
        message: `missing header ${name}`,
      });
    },
  );

  it('rejects a repeated header and accepts a single-element array', () => {
    const headers = sign();
    expect(parseSignatureHeaders({ ...headers, [HEADER_NONCE]: [NONCE, NONCE] })).toMatchObject({
      ok: false,
      message: expect.stringContaining(HEADER_NONCE),
    });
    expect(parseSignatureHeaders({ ...headers, [HEADER_NONCE]: [NONCE] })).toMatchObject({
      ok: true,
      nonce: NONCE,
    });
  });
});
