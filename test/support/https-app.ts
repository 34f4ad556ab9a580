// The server as a collector reaches it in the end-to-end tests: HTTPS on 127.0.0.1 with a certificate
// from the tests' throw-away CA (valid for localhost), so the collector must be handed that CA.
import type { TestCerts } from '../../collector/test/support/tls';
import { startTestApp, type TestApp } from './app';
import type { TestDatabase } from './db';

/** Starts (or, after close, starts again) the server over HTTPS on `port`: https://localhost:<port>. */
export function startHttpsTestApp(db: TestDatabase, certs: TestCerts, port: number): Promise<TestApp> {
  return startTestApp({
    db,
    ca: certs.ca,
    env: {
      TLS_CERT_FILE: certs.certFile,
      TLS_KEY_FILE: certs.keyFile,
      PORT: String(port),
      HOST: '127.0.0.1',
    },
  });
}
