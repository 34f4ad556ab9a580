// The portal URL rule: https:// always; http:// only to a portal on this machine (loopback) or when
// the operator passed --insecure-allow-http at enrollment, which is then remembered in
// credential.json. A refused URL fails before the token is sent anywhere.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPortalUrl, isLoopbackHost } from '../src/portal-client';
import { cli } from './support/cli-runner';
import { TestIngestServer } from './support/ingest-server';

describe('portal URL: no enrollment secret in clear text', () => {
  const server = new TestIngestServer();
  beforeAll(() => server.start());
  afterAll(() => server.stop());

  it('knows what loopback is', () => {
    for (const host of ['localhost', '127.0.0.1', '127.8.9.10', '[::1]', 'api.localhost'])
      expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['10.0.0.1', '128.0.0.1', 'portal.example.com', 'localhost.example.com', '[::2]'])
      expect(isLoopbackHost(host), host).toBe(false);
    expect(checkPortalUrl('https://portal.example.com').protocol).toBe('https:');
    expect(() => checkPortalUrl('ftp://portal.example.com')).toThrow(/must start with https:\/\//);
    expect(() => checkPortalUrl('portal.example.com')).toThrow(/not a URL/);
  });

  it('refuses enroll to a plain-http portal off this machine and names the option, before any request', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'pm-url-'));
    const before = server.requests.length;
    const token = server.issueToken();
    const r = await cli([
      'enroll',
      '--server',
      'http://portal.example.com',
      '--token',
      token,
      '--state-dir',
      stateDir,
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/refusing http:\/\/portal\.example\.com: plain http:\/\/ .* clear text/);
    expect(r.err).toContain('--insecure-allow-http');
    expect(server.requests.length).toBe(before);
    expect(() => readFileSync(join(stateDir, 'credential.json'))).toThrow();
  });

  it('accepts http:// on loopback (a portal on the same machine)', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'pm-url-'));
    const r = await cli([
      'enroll',
      '--server',
      server.url,
      '--token',
      server.issueToken(),
      '--state-dir',
      stateDir,
    ]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).not.toMatch(/WARNING/);
    const credential = JSON.parse(readFileSync(join(stateDir, 'credential.json'), 'utf8'));
    expect(credential.allowInsecureHttp).toBeUndefined();
  });

  it('with --insecure-allow-http it goes ahead, warns loudly, and remembers the choice', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'pm-url-'));
    // .invalid never resolves: reaching the resolver proves the URL rule let the request through.
    const r = await cli([
      'enroll',
      '--server',
      'http://portal.invalid',
      '--token',
      server.issueToken(),
      '--state-dir',
      stateDir,
      '--insecure-allow-http',
    ]);
    expect(r.err).toMatch(
      /WARNING: --insecure-allow-http: talking to http:\/\/portal\.invalid over plain HTTP/,
    );
    expect(r.err).toMatch(/cannot resolve the host/);
    expect(r.code).toBe(1);
  });

  it('run refuses a credential naming a plain-http portal unless it was enrolled with the flag', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'pm-url-'));
    const credential = {
      serverUrl: 'http://portal.invalid',
      collectorId: 'c',
      keyId: 'ck_x',
      secret: 's',
      caFile: null,
      enrolledAt: new Date().toISOString(),
    };
    writeFileSync(join(stateDir, 'credential.json'), JSON.stringify(credential));
    const refused = await cli(['run', '--once', '--state-dir', stateDir]);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('--insecure-allow-http');

    writeFileSync(
      join(stateDir, 'credential.json'),
      JSON.stringify({ ...credential, allowInsecureHttp: true }),
    );
    const allowed = await cli(['run', '--once', '--state-dir', stateDir]);
    expect(allowed.err).toMatch(/WARNING: --insecure-allow-http/);
    expect(allowed.err).not.toMatch(/refusing/);
  });
});
