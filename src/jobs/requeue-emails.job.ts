// Maintenance job: queues mails that were recorded but never queued. Mails are recorded in the
// transaction that causes them and queued after it commits; when Redis is unreachable in between, or
// the process dies there, the mail would stay PENDING for ever. Queuing is idempotent (the job id is
// the mail's), so a mail whose job still exists is untouched.
import type { Job } from 'bullmq';
import type { AppServices } from '../services/app-services';
import { queueEmails } from '../services/email';

export const REQUEUE_EMAILS_EVERY_MS = 5 * 60_000;
/** Younger PENDING mails may still be on their way to the queue. */
export const REQUEUE_EMAILS_AFTER_MINUTES = 10;

export async function requeueEmailsJob(
  _job: Job | null,
  services: AppServices,
): Promise<{ requeued: number }> {
  // Older than the retention of failed jobs (7 days): stale news, left alone.
  const rows = await services.orm.em.fork().execute<{ id: string; reseller_id: string }[]>(
    `select id, reseller_id from email_message
     where status = 'PENDING' and attempts = 0
       and created_at < now() - make_interval(mins => ?) and created_at > now() - interval '7 days'
     order by created_at limit 1000`,
    [REQUEUE_EMAILS_AFTER_MINUTES],
  );
  const byReseller = new Map<string, string[]>();
  for (const row of rows)
    byReseller.set(row.reseller_id, [...(byReseller.get(row.reseller_id) ?? []), row.id]);
  for (const [resellerId, ids] of byReseller) await queueEmails(services, resellerId, ids);
  if (rows.length > 0) services.log.warn({ requeued: rows.length }, 'queued mails that were never queued');
  return { requeued: rows.length };
}
