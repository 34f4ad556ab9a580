// Sends one recorded mail (email_message) through SMTP. A temporary failure (connection refused, 4xx,
// timeout) throws, so BullMQ retries with backoff; a permanent refusal (5xx), a missing SMTP_URL or the
// last attempt marks the mail FAILED, where it stays on the dead-letter list (GraphQL
// `emailMessages(status: FAILED)`, `retryEmailMessage`). A recipient who unsubscribed since the mail was
// recorded gets nothing (SUPPRESSED).
import { UnrecoverableError, type Job } from 'bullmq';
import type { StoredAttachment } from '../entities/email-message.entity';
import type { AppServices } from '../services/app-services';
import { type SendEmailJobData, suppressedAddresses, unsubscribeUrl } from '../services/email';
import { SmtpNotConfiguredError, isPermanentSmtpFailure } from '../services/mailer';

interface MessageRow {
  id: string;
  reseller_id: string;
  recipient: string;
  subject: string;
  text_body: string;
  html_body: string;
  attachments: StoredAttachment[];
  unsubscribe_scope: string | null;
  status: string;
}

const MAX_ERROR_CHARS = 500;

export async function sendEmailJob(
  job: Job<SendEmailJobData>,
  services: AppServices,
): Promise<{ status: 'SENT' | 'SUPPRESSED' | 'SKIPPED' }> {
  const { resellerId, messageId } = job.data;
  const em = services.orm.em.fork();
  const [message] = await em.execute<MessageRow[]>(
    `select id, reseller_id, recipient, subject, text_body, html_body, attachments, unsubscribe_scope, status
     from email_message where id = ? and reseller_id = ?`,
    [messageId, resellerId],
  );
  if (!message || message.status !== 'PENDING') return { status: 'SKIPPED' };

  const suppressed = await suppressedAddresses(
    em,
    resellerId,
    [message.recipient],
    message.unsubscribe_scope,
  );
  if (suppressed.size > 0) {
    await em.execute(`update email_message set status = 'SUPPRESSED' where id = ? and status = 'PENDING'`, [
      messageId,
    ]);
    return { status: 'SUPPRESSED' };
  }

  const headers: Record<string, string> = {
    'X-Plotmeter-Email': message.id,
    // Automatic mail: no out-of-office replies to the sender (RFC 3834).
    'Auto-Submitted': 'auto-generated',
  };
  if (message.unsubscribe_scope) {
    const url = unsubscribeUrl(services, {
      r: resellerId,
      e: message.recipient,
      s: message.unsubscribe_scope,
    });
    // RFC 2369 / RFC 8058: mail clients offer a one-click unsubscribe that POSTs to this URL.
    headers['List-Unsubscribe'] = `<${url}>`;
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
  }
  try {
    const info = await services.mailer.send({
      to: message.recipient,
      subject: message.subject,
      text: message.text_body,
      html: message.html_body,
      headers,
      messageId: `<${message.id}@plotmeter>`,
      attachments: message.attachments.map((a) => ({
        filename: a.filename,
        contentType: a.contentType,
        content: Buffer.from(a.contentBase64, 'base64'),
        cid: a.cid,
      })),
    });
    await em.execute(
      `update email_message set status = 'SENT', attempts = attempts + 1, last_error = null, smtp_message_id = ?, sent_at = now() where id = ?`,
      [info.messageId, messageId],
    );
    return { status: 'SENT' };
  } catch (failure) {
    const error = String((failure as Error).message ?? failure).slice(0, MAX_ERROR_CHARS);
    const permanent = failure instanceof SmtpNotConfiguredError || isPermanentSmtpFailure(failure);
    const final = permanent || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    await em.execute(
      `update email_message set attempts = attempts + 1, last_error = ?,
         status = case when ? then 'FAILED' else status end, failed_at = case when ? then now() else failed_at end
       where id = ?`,
      [error, final, final, messageId],
    );
    if (permanent) throw new UnrecoverableError(`mail ${messageId} not sent: ${error}`);
    throw new Error(`mail ${messageId} not sent (will retry): ${error}`);
  }
}
