// Identifier generation. Rows get UUIDv7 ids (RFC 9562): time-ordered, so new rows append to the right
// edge of B-tree indexes instead of scattering writes the way random v4 ids do at 10 million jobs.
import { randomBytes, randomFillSync } from 'node:crypto';
import { pgUuidArray } from './pg-arrays';

let lastMs = 0;
let sequence = 0;

// Random bytes are drawn from a pool refilled 4 KiB at a time: the worker makes tens of ids per report,
// and a crypto call per id (two, with the sequence seed) showed up in its profile.
const POOL_BYTES = 4096;
const pool = Buffer.allocUnsafe(POOL_BYTES);
let poolOffset = POOL_BYTES;

function takeRandom(n: number): Buffer {
  if (poolOffset + n > POOL_BYTES) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const out = Buffer.allocUnsafe(n);
  pool.copy(out, 0, poolOffset, poolOffset + n);
  poolOffset += n;
  return out;
}

export function uuidv7(now: number = Date.now()): string {
  // A 12-bit counter in rand_a keeps ids generated within one millisecond ordered (RFC 9562 §6.2, method 1).
  if (now <= lastMs) {
    sequence = (sequence + 1) & 0xfff;
    if (sequence === 0) lastMs += 1;
    now = lastMs;
  } else {
    lastMs = now;
    sequence = takeRandom(2).readUInt16BE(0) & 0x7ff;
  }
  const bytes = takeRandom(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A random token with `bytes` of entropy, base64url, prefixed so a leaked secret is recognisable. */
export function randomToken(prefix: string, bytes = 32): string {
  return `${prefix}_${randomBytes(bytes).toString('base64url')}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `value` is a UUID (any version, either case) — the shape of every id column here. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/**
 * A batch of ids as one bound `?::uuid[]` parameter (`{id,id,...}`), for `= any(...)`. Every id is
 * checked to be a UUID first: an id that is not one is a bug upstream, and it throws here instead of
 * failing in PostgreSQL, where the error would abort the request's whole transaction.
 */
export function uuidArrayParam(ids: readonly string[]): string {
  for (const id of ids) if (!isUuid(id)) throw new TypeError(`not a UUID: ${JSON.stringify(id)}`);
  return pgUuidArray(ids);
}
