// How a simulated direct-connect printer talks to the portal: gzip-compressed JSON, signed with the
// printer's credential exactly as the firmware does (X-Plotmeter-* headers over the compressed bytes).
import { gzipSync } from 'node:zlib';
import { signRequest } from '@plotmeter/protocol';

export interface DeviceCredential {
  keyId: string;
  secret: string;
}

export type PostOutcome =
  | { kind: 'accepted'; status: number }
  /** The server will never accept this body (4xx other than 408/429): do not retry it. */
  | { kind: 'rejected'; status: number; detail: string }
  | { kind: 'retry'; reason: string };

export const INGEST_PATHS = { reports: '/ingest/v1/reports', alerts: '/ingest/v1/alerts' } as const;

export interface DeviceLink {
  post(path: string, body: unknown): Promise<PostOutcome>;
}

/** A link over HTTP(S) to a Plotmeter server at `serverUrl` (origin, e.g. http://127.0.0.1:4000). */
export function httpDeviceLink(
  serverUrl: string,
  credential: DeviceCredential,
  timeoutMs = 15_000,
): DeviceLink {
  const origin = new URL(serverUrl).origin;
  return {
    async post(path, body) {
      const gzip = gzipSync(Buffer.from(JSON.stringify(body)));
      const headers = {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        ...signRequest({
          keyId: credential.keyId,
          secret: credential.secret,
          method: 'POST',
          pathWithQuery: path,
          body: gzip,
        }),
      };
      let response: Response;
      try {
        response = await fetch(`${origin}${path}`, {
          method: 'POST',
          headers,
          body: gzip,
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        return { kind: 'retry', reason: (err as Error).message };
      }
      const text = await response.text().catch(() => '');
      if (response.ok) return { kind: 'accepted', status: response.status };
      if (response.status === 408 || response.status === 429 || response.status >= 500) {
        return { kind: 'retry', reason: `HTTP ${response.status}` };
      }
      return { kind: 'rejected', status: response.status, detail: text.slice(0, 500) };
    },
  };
}
