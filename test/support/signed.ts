// Sends requests signed exactly as devices and collectors sign them (the protocol package's signer).
import { gzipSync } from 'node:zlib';
import { signRequest } from '@plotmeter/protocol';

export interface Credential {
  keyId: string;
  secret: string;
}

export interface SendOptions {
  method?: 'POST' | 'GET';
  gzip?: boolean;
  now?: Date;
  nonce?: string;
  /** Change the body after signing (to prove the signature covers it). */
  tamper?: (body: Buffer) => Buffer;
  rawBody?: Buffer;
  /** More request headers (e.g. a W3C traceparent). */
  headers?: Record<string, string>;
}

export async function sendSigned(
  baseUrl: string,
  credential: Credential,
  path: string,
  payload: unknown,
  options: SendOptions = {},
) {
  const method = options.method ?? 'POST';
  const json =
    method === 'GET'
      ? Buffer.alloc(0)
      : Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload));
  const gzip = options.gzip ?? true;
  let body = options.rawBody ?? (gzip && method === 'POST' ? gzipSync(json) : json);
  const headers = signRequest({
    keyId: credential.keyId,
    secret: credential.secret,
    method,
    pathWithQuery: path,
    body,
    now: options.now,
    nonce: options.nonce,
  });
  if (options.tamper) body = options.tamper(body);
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...headers,
      ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
      ...(gzip && method === 'POST' ? { 'content-encoding': 'gzip' } : {}),
      ...options.headers,
    },
    body: method === 'POST' ? body : undefined,
  });
  const text = await response.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { text };
  }
  return {
    status: response.status,
    headers: response.headers,
    body: parsed as Record<string, unknown> & {
      errors?: Array<{ path: string; message: string }>;
      duplicate?: boolean;
      receiptId?: string;
    },
  };
}
