// A real SMTP server for tests (smtp-server on a free port), keeping every message it accepted parsed
// with mailparser, so tests check mails as a recipient gets them. `refuse` scripts refusals per
// recipient (e.g. 550 for a bad address, 451 for a temporary failure).
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  envelopeTo: string[];
  parsed: ParsedMail;
  raw: string;
}

export interface TestSmtpServer {
  url: string;
  received: ReceivedMail[];
  /** Recipient -> SMTP reply code to refuse it with (removed after `times` refusals; default always). */
  refuse: Map<string, { code: number; times?: number }>;
  /** Mails to `to`, waiting until there are at least `count`. */
  waitFor(to: string, count?: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

export async function startSmtpServer(
  auth = { user: 'plotmeter', pass: 's3cret pass' },
): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = [];
  const refuse = new Map<string, { code: number; times?: number }>();
  const server = new SMTPServer({
    // No certificate here: the tests speak plain SMTP on loopback.
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(credentials, _session, callback) {
      if (credentials.username === auth.user && credentials.password === auth.pass)
        return callback(null, { user: credentials.username });
      return callback(new Error('535 authentication failed'));
    },
    onRcptTo(address, _session, callback) {
      const rule = refuse.get(address.address.toLowerCase());
      if (rule) {
        if (rule.times !== undefined && --rule.times <= 0) refuse.delete(address.address.toLowerCase());
        const error = new Error(`${rule.code} recipient refused by the test server`) as Error & {
          responseCode: number;
        };
        error.responseCode = rule.code;
        return callback(error);
      }
      return callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        simpleParser(raw)
          .then((parsed) => {
            received.push({
              envelopeTo: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
              parsed,
              raw: raw.toString('utf8'),
            });
            callback();
          })
          .catch(callback);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://${encodeURIComponent(auth.user)}:${encodeURIComponent(auth.pass)}@127.0.0.1:${port}`,
    received,
    refuse,
    async waitFor(to, count = 1, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const mails = received.filter((m) => m.envelopeTo.includes(to.toLowerCase()));
        if (mails.length >= count) return mails;
        if (Date.now() > deadline)
          throw new Error(`expected ${count} mail(s) to ${to} within ${timeoutMs} ms, got ${mails.length}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
