// HMAC request signing for devices and collectors (architecture.md "Request signing").
// Only the pure parts live here: canonical string, signing, verifying one request. Looking up the key
// and remembering nonces (replay protection) need shared state and belong to the server.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { LIMITS } from './limits';

// Lowercase, because Node's IncomingMessage.headers lowercases names; HTTP header names are
// case-insensitive on the wire.
export const HEADER_KEY = 'x-plotmeter-key';
export const HEADER_TIMESTAMP = 'x-plotmeter-timestamp';
export const HEADER_NONCE = 'x-plotmeter-nonce';
export const HEADER_SIGNATURE = 'x-plotmeter-signature';

export const SIGNATURE_VERSION = 'v1';
export const MIN_NONCE_BYTES = 16;
export const MAX_NONCE_CHARS = 128;

export type SignableBody = Buffer | Uint8Array | string;

export interface CanonicalInput {
  method: string;
  /** Path plus query string exactly as in the request line, e.g. "/ingest/v1/config?x=1". */
  pathWithQuery: string;
  /** Unix seconds, as the decimal string sent in the header. */
  timestamp: string;
  nonce: string;
  /** The body bytes exactly as sent (after gzip). A string is taken as UTF-8. Empty for GET. */
  body: SignableBody;
}

export function sha256Hex(body: SignableBody): string {
  return createHash('sha256').update(body).digest('hex');
}

export function canonicalString(input: CanonicalInput): string {
  return [
    SIGNATURE_VERSION,
    input.method.toUpperCase(),
    input.pathWithQuery,
    input.timestamp,
    input.nonce,
    sha256Hex(input.body),
  ].join('\n');
}

/** The header value: "v1=" + hex HMAC-SHA256 of the canonical string under the UTF-8 secret. */
export function computeSignature(secret: string, input: CanonicalInput): string {
  const mac = createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(canonicalString(input), 'utf8')
    .digest('hex');
  return `${SIGNATURE_VERSION}=${mac}`;
}

export function generateNonce(): string {
  return randomBytes(18).toString('base64url'); // 18 bytes -> 24 chars, no padding
}

export interface SignRequestInput {
  keyId: string;
  secret: string;
  method: string;
  pathWithQuery: string;
  body: SignableBody;
  now?: Date;
  nonce?: string;
}

/** Returns the four X-Plotmeter-* headers to add to the request. */
export function signRequest(input: SignRequestInput): Record<string, string> {
  const timestamp = String(Math.floor((input.now ?? new Date()).getTime() / 1000));
  const nonce = input.nonce ?? generateNonce();
  const signature = computeSignature(input.secret, {
    method: input.method,
    pathWithQuery: input.pathWithQuery,
    timestamp,
    nonce,
    body: input.body,
  });
  return {
    [HEADER_KEY]: input.keyId,
    [HEADER_TIMESTAMP]: timestamp,
    [HEADER_NONCE]: nonce,
    [HEADER_SIGNATURE]: signature,
  };
}

export type VerifyFailureReason = 'bad_signature' | 'stale_timestamp' | 'malformed';
export type VerifyResult = { ok: true } | { ok: false; reason: VerifyFailureReason; message: string };

export interface SignatureHeaders {
  keyId: string;
  timestamp: string;
  nonce: string;
  signature: string;
}

export type ParseHeadersResult =
  ({ ok: true } & SignatureHeaders) | { ok: false; reason: 'malformed'; message: string };

/**
 * Pulls the four signing headers out of a Node-style header map (lowercase names). A header that is
 * missing, empty or repeated makes the request malformed; the message names it.
 */
export function parseSignatureHeaders(
  headers: Record<string, string | string[] | undefined>,
): ParseHeadersResult {
  const values: string[] = [];
  for (const name of [HEADER_KEY, HEADER_TIMESTAMP, HEADER_NONCE, HEADER_SIGNATURE]) {
    const raw = headers[name];
    if (Array.isArray(raw)) {
      if (raw.length !== 1) return malformed(`header ${name} must appear exactly once`);
    }
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value === undefined || value === '') return malformed(`missing header ${name}`);
    values.push(value);
  }
  const [keyId, timestamp, nonce, signature] = values as [string, string, string, string];
  return { ok: true, keyId, timestamp, nonce, signature };
}

export interface VerifySignatureInput {
  secret: string;
  method: string;
  pathWithQuery: string;
  body: SignableBody;
  headers: { timestamp: string; nonce: string; signature: string };
  now?: Date;
  maxSkewSeconds?: number;
}

const TIMESTAMP_RE = /^\d{1,12}$/;
const NONCE_RE = /^[A-Za-z0-9_-]+$/;
const SIGNATURE_RE = /^v1=[0-9a-f]{64}$/;

/**
 * Checks format, freshness and the HMAC of one request. Format is checked first so that garbage
 * never reaches the HMAC; the comparison is constant-time so the signature cannot be guessed byte
 * by byte from response timings.
 */
export function verifySignature(input: VerifySignatureInput): VerifyResult {
  const { timestamp, nonce, signature } = input.headers;
  const maxSkew = input.maxSkewSeconds ?? LIMITS.clockSkewSeconds;

  if (!TIMESTAMP_RE.test(timestamp)) {
    return malformed(
      `${HEADER_TIMESTAMP} must be unix seconds as an integer, got ${JSON.stringify(timestamp.slice(0, 40))}`,
    );
  }
  if (nonce.length > MAX_NONCE_CHARS || !NONCE_RE.test(nonce)) {
    return malformed(
      `${HEADER_NONCE} must be base64url (no padding) of at most ${MAX_NONCE_CHARS} characters`,
    );
  }
  if (Buffer.from(nonce, 'base64url').length < MIN_NONCE_BYTES) {
    return malformed(`${HEADER_NONCE} must encode at least ${MIN_NONCE_BYTES} random bytes`);
  }
  if (!SIGNATURE_RE.test(signature)) {
    return malformed(`${HEADER_SIGNATURE} must be "v1=" followed by 64 lowercase hex digits`);
  }

  const nowSeconds = Math.floor((input.now ?? new Date()).getTime() / 1000);
  const skew = Number(timestamp) - nowSeconds;
  if (Math.abs(skew) > maxSkew) {
    return {
      ok: false,
      reason: 'stale_timestamp',
      message: `${HEADER_TIMESTAMP} is ${Math.abs(skew)} s ${skew < 0 ? 'behind' : 'ahead of'} the server clock (allowed ±${maxSkew} s)`,
    };
  }

  const expected = Buffer.from(
    computeSignature(input.secret, {
      method: input.method,
      pathWithQuery: input.pathWithQuery,
      timestamp,
      nonce,
      body: input.body,
    }),
    'utf8',
  );
  const given = Buffer.from(signature, 'utf8');
  // Both are "v1=" + 64 hex chars after the format check, so lengths match; keep the guard anyway
  // because timingSafeEqual throws on unequal lengths.
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { ok: false, reason: 'bad_signature', message: 'signature does not match the request' };
  }
  return { ok: true };
}

function malformed(message: string): { ok: false; reason: 'malformed'; message: string } {
  return { ok: false, reason: 'malformed', message };
}
