// SMTP configuration from the environment: what SMTP_URL and the TLS variables become for nodemailer,
// and bad values stopping the start with a message naming the variable.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';
import { SmtpNotConfiguredError, smtpOptions } from '../../src/services/mailer';

describe('SMTP configuration', () => {
  it('reads host, port, credentials and TLS from SMTP_URL and the TLS variables', () => {
    const starttls = smtpOptions(
      loadConfig({
        SMTP_URL: 'smtp://mailer%40acme:p%40ss%20word@mail.example.com:2525',
        SMTP_REQUIRE_TLS: 'true',
      }),
    );
    expect(starttls).toMatchObject({
      host: 'mail.example.com',
      port: 2525,
      secure: false,
      requireTLS: true,
      auth: { user: 'mailer@acme', pass: 'p@ss word' },
      tls: { rejectUnauthorized: true },
    });
    const implicit = smtpOptions(
      loadConfig({ SMTP_URL: 'smtps://mail.example.com', SMTP_TLS_REJECT_UNAUTHORIZED: 'false' }),
    );
    expect(implicit).toMatchObject({
      port: 465,
      secure: true,
      auth: undefined,
      tls: { rejectUnauthorized: false },
    });
    expect(smtpOptions(loadConfig({ SMTP_URL: 'smtp://relay.lan' }))).toMatchObject({
      port: 587,
      requireTLS: false,
    });
    expect(() => smtpOptions(loadConfig({}))).toThrow(SmtpNotConfiguredError);
  });

  it('names the variable of a bad value', () => {
    expect(() => loadConfig({ SMTP_URL: 'http://mail.example.com' })).toThrow(
      new ConfigError('Invalid configuration: SMTP_URL must be a URL starting with smtp:// or smtps://'),
    );
    expect(() => loadConfig({ SMTP_FROM: 'not an address' })).toThrow(/SMTP_FROM/);
    expect(() => loadConfig({ SMTP_REQUIRE_TLS: 'maybe' })).toThrow(/SMTP_REQUIRE_TLS must be true or false/);
    expect(() => loadConfig({ PUBLIC_URL: 'portal.example.com' })).toThrow(/PUBLIC_URL/);
    expect(loadConfig({ PUBLIC_URL: 'https://portal.example.com/' }).publicUrl).toBe(
      'https://portal.example.com',
    );
  });
});
