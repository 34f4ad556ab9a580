// The SMTP transport (nodemailer), built from SMTP_URL and the TLS options once per process. Only the
// send-email job talks to it; everything else records mails (src/services/email.ts) and lets the job send
// them, so a slow or unreachable mail server never holds up ingest, alerts or a GraphQL request.
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import type { Config } from '../config';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  headers?: Record<string, string>;
  attachments?: { filename: string; contentType: string; content: Buffer; cid?: string }[];
  /** Set so that a retry of the same mail keeps its Message-ID (receivers may drop the duplicate). */
  messageId: string;
}

export class SmtpNotConfiguredError extends Error {
  constructor() {
    super('e-mail is not configured: set SMTP_URL (for example smtp://user:pass@mail.example.com:587)');
  }
}

/** The nodemailer options SMTP_URL and the TLS variables stand for (exported for the config test). */
export function smtpOptions(config: Config): SMTPTransport.Options {
  if (!config.SMTP_URL) throw new SmtpNotConfiguredError();
  const url = new URL(config.SMTP_URL);
  const secure = url.protocol === 'smtps:';
  const timeoutMs = config.SMTP_TIMEOUT_SECONDS * 1000;
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    requireTLS: !secure && config.SMTP_REQUIRE_TLS,
    auth: url.username
      ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) }
      : undefined,
    tls: { rejectUnauthorized: config.SMTP_TLS_REJECT_UNAUTHORIZED, minVersion: 'TLSv1.2' },
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    // A pool keeps a few connections open between mails of a burst (a report run, an alert to a list).
    pool: true,
    maxConnections: 3,
  } as SMTPTransport.Options;
}

export class Mailer {
  private transport: Transporter | null = null;

  constructor(private readonly config: Config) {}

  /** Sends one mail; resolves with the server's reply, throws with its responseCode on refusal. */
  async send(mail: OutgoingMail): Promise<{ messageId: string; response: string }> {
    this.transport ??= nodemailer.createTransport(smtpOptions(this.config));
    const info = (await this.transport.sendMail({
      from: this.config.SMTP_FROM,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      headers: mail.headers,
      messageId: mail.messageId,
      attachments: mail.attachments?.map((a) => ({
        filename: a.filename,
        contentType: a.contentType,
        content: a.content,
        ...(a.cid ? { cid: a.cid } : {}),
      })),
    })) as { messageId: string; response: string };
    return { messageId: info.messageId, response: info.response };
  }

  close(): void {
    this.transport?.close();
    this.transport = null;
  }
}

/** SMTP reply codes 5xx are permanent (bad recipient, refused content): retrying cannot help. */
export function isPermanentSmtpFailure(error: unknown): boolean {
  const code = (error as { responseCode?: number }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}
