// With TLS_CERT_FILE and TLS_KEY_FILE the server speaks HTTPS itself: TLS 1.2 or newer, AEAD suites.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect } from 'node:tls';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app';

let app: TestApp;
let dir: string;
let ca: Buffer;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'plotmeter-tls-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      path.join(dir, 'key.pem'),
      '-out',
      path.join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  ca = readFileSync(path.join(dir, 'cert.pem'));
  app = await startTestApp({
    roles: ['api'],
    env: { TLS_CERT_FILE: path.join(dir, 'cert.pem'), TLS_KEY_FILE: path.join(dir, 'key.pem') },
  });
});
afterAll(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

function handshake(options: {
  maxVersion?: 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
  minVersion?: 'TLSv1' | 'TLSv1.2';
  ciphers?: string;
}) {
  const port = Number(new URL(app.url).port);
  return new Promise<{ ok: boolean; protocol?: string | null; cipher?: string }>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, ca, servername: 'localhost', ...options }, () => {
      resolve({ ok: true, protocol: socket.getProtocol(), cipher: socket.getCipher().name });
      socket.end();
    });
    socket.on('error', () => resolve({ ok: false }));
  });
}

describe('HTTPS', () => {
  it('serves over HTTPS with a verified certificate', async () => {
    expect(app.url.startsWith('https://')).toBe(true);
    const response = await undiciFetch(`https://localhost:${new URL(app.url).port}/healthz`, {
      dispatcher: new Agent({ connect: { ca } }),
    });
    expect(response.status).toBe(200);
  });

  it('negotiates TLS 1.3 by default and accepts TLS 1.2 with a forward-secret AEAD suite', async () => {
    expect(await handshake({})).toMatchObject({ ok: true, protocol: 'TLSv1.3' });
    const tls12 = await handshake({ maxVersion: 'TLSv1.2' });
    expect(tls12).toMatchObject({ ok: true, protocol: 'TLSv1.2' });
    expect(tls12.cipher).toMatch(/^ECDHE-.*(GCM|CHACHA20)/);
  });

  it('refuses TLS 1.1 and CBC or non-forward-secret suites', async () => {
    expect((await handshake({ maxVersion: 'TLSv1.1', minVersion: 'TLSv1' })).ok).toBe(false);
    expect(
      (
        await handshake({
          maxVersion: 'TLSv1.2',
          ciphers: 'ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA',
        })
      ).ok,
    ).toBe(false);
    expect((await handshake({ maxVersion: 'TLSv1.2', ciphers: 'AES128-GCM-SHA256' })).ok).toBe(false);
  });
});
