// Webhook deliveries go to public addresses only (unless the deployment allows private networks):
// loopback, private, link-local and metadata addresses are refused at registration and at connect time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPublicAddress, publicOnlyLookup } from '../../src/services/network-guard';
import { startTestApp, type TestApp } from '../support/app';
import { newReseller } from '../support/factories';

describe('public-address check', () => {
  it.each([
    ['8.8.8.8', true],
    ['2606:4700:4700::1111', true],
    ['127.0.0.1', false],
    ['10.1.2.3', false],
    ['172.20.0.1', false],
    ['192.168.1.10', false],
    ['169.254.169.254', false],
    ['100.64.0.1', false],
    ['0.0.0.0', false],
    ['::1', false],
    ['fd00::1', false],
    ['fe80::1', false],
    ['::ffff:127.0.0.1', false],
    ['::ffff:8.8.8.8', true],
    // IPv4 inside IPv6: mapped (hex form, as the URL parser writes it), compatible, SIIT, NAT64, 6to4
    ['::ffff:7f00:1', false],
    ['::7f00:1', false],
    ['::127.0.0.1', false],
    ['::ffff:0:7f00:1', false],
    ['64:ff9b::7f00:1', false],
    ['64:ff9b::a9fe:a9fe', false],
    ['64:ff9b:1::a00:1', false],
    ['2002:7f00:1::1', false],
    ['2002:c0a8:101::', false],
    ['64:ff9b::808:808', true],
    ['2002:808:808::1', true],
    ['2001:4860:4860::8888', true],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', false], // Teredo: a tunnel, never an integrator's endpoint
    ['2001:db8::1', false], // documentation
    ['100::1', false], // discard-only
    ['not-an-ip', false],
  ])('%s -> %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });

  it('refuses a name that resolves to loopback at lookup time', async () => {
    const result = await new Promise<{ error: Error | null }>((resolve) =>
      publicOnlyLookup('localhost', {}, (error) => resolve({ error: error as Error | null })),
    );
    expect(result.error?.message).toMatch(/localhost resolves to .* not a public address/);
  });
});

describe('webhook registration with private networks disallowed', () => {
  let app: TestApp;
  let key: string;
  beforeAll(async () => {
    app = await startTestApp({ roles: ['api'], env: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'false' } });
    key = (await newReseller(app.services.orm.em)).apiKey;
  });
  afterAll(async () => app?.close());

  it.each([
    'http://127.0.0.1:6379/',
    'http://169.254.169.254/latest/meta-data',
    'http://localhost:8080/hook',
    'http://[::1]/x',
    'http://[::7f00:1]/x',
    'http://[64:ff9b::7f00:1]/x',
    'http://[::ffff:127.0.0.1]/x',
    'http://localhost./hook',
    'http://LocalHost../hook',
    'http://api.localhost/hook',
  ])('refuses %s with a clear error', async (url) => {
    const result = await app.gql(
      `mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { secret } }`,
      { input: { url, eventTypes: ['ALERT_RAISED'] } },
      key,
    );
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'url' });
    expect(result.errors?.[0]?.message).toMatch(/not a public address/);
  });
});
