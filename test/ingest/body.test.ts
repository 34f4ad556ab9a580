// Body decoding on the ingest path: the main-thread gunzip for report-sized bodies, the thread-pool
// one for larger ones, and JSON text in either encoding path (ASCII fast path, UTF-8 otherwise).
import { gzipSync } from 'node:zlib';
import { LIMITS } from '@plotmeter/protocol';
import { describe, expect, it } from 'vitest';
import { BodyError, decodeBody, parseJson } from '../../src/reports/body';

describe('ingest body decoding', () => {
  it('parses ASCII and non-ASCII JSON to the same values as JSON.parse of the UTF-8 text', () => {
    for (const value of [{ name: 'Sheet A1.pdf' }, { name: 'Plan für Büro 😀', locale: { ja: '普通紙' } }]) {
      expect(parseJson(Buffer.from(JSON.stringify(value), 'utf8'))).toEqual(value);
    }
  });

  it('gunzips small bodies and bodies above the main-thread limit, and stops at the decompressed limit', async () => {
    const small = Buffer.from(JSON.stringify({ a: 'x'.repeat(1000) }));
    expect(await decodeBody(gzipSync(small), 'gzip')).toEqual(small);
    const large = Buffer.alloc(3 * 1024 * 1024, 0x61); // above the 1 MiB main-thread limit
    expect((await decodeBody(gzipSync(large), 'gzip')).length).toBe(large.length);
    const bomb = gzipSync(Buffer.alloc(LIMITS.maxDecompressedBytes + 1, 0x20));
    await expect(decodeBody(bomb, 'gzip')).rejects.toMatchObject({ status: 413 });
    await expect(decodeBody(Buffer.from('not gzip'), 'gzip')).rejects.toBeInstanceOf(BodyError);
    await expect(decodeBody(gzipSync(small).subarray(0, 20), 'gzip')).rejects.toMatchObject({ status: 400 });
  });
});
