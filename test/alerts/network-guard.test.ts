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
