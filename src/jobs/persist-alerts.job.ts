// Persists immediate device alert batches (priority queue) and system alerts raised at ingest
// (identity mismatch). Alert batches are archived like reports and idempotent by (keyId, alertId).
import type { Job } from 'bullmq';
import type { EntityManager } from '@mikro-orm/postgresql';
import { uuidv7 } from '../lib/ids';
import type { AppServices } from '../services/app-services';
import { notifyAlertChanges } from '../services/alerts';
import { upsertDeviceAlerts, upsertSystemAlert } from './device-alerts';
import { resolveOfflineAlerts } from './offline-sweep.job';
import type { PersistAlertsJobData } from '../reports/job-data';
import { json } from './sql';

export async function persistAlertsJob(
  job: Job<PersistAlertsJobData>,
  services: AppServices,
): Promise<{ duplicate: boolean; alertIds: string[] }> {
  const result = await persistAlerts(services.orm.em.fork(), job.data);
  // After commit: never announce an alert that rolled back.
  await notifyAlertChanges(services, result.alertIds);
  return result;
}

export async function persistAlerts(
  em: EntityManager,
  data: PersistAlertsJobData,
): Promise<{ duplicate: boolean; alertIds: string[] }> {
  const { sender } = data;
  return em.transactional(async (tx) => {
    const printers = await tx.execute<{ id: string; customer_id: string }[]>(
      `select id, customer_id from printer where id = ? and reseller_id = ?`,
      [sender.printerId, sender.resellerId],
    );
    const printer = printers[0];
    if (!printer) throw new Error(`printer ${sender.printerId} no longer exists`);
    const subject = { resellerId: sender.resellerId, printerId: printer.id, customerId: printer.customer_id };

    if (data.type === 'identity-mismatch') {
      const id = await upsertSystemAlert(tx, subject, {
        code: 'identity.mismatch',
        severity: 'critical',
        message: `A report signed with this printer's credential carried serial ${data.reportedSerial}, not ${data.expectedSerial}; it was rejected`,
        at: data.receivedAt,
        details: {
          keyId: sender.keyId,
          expectedSerial: data.expectedSerial,
          reportedSerial: data.reportedSerial,
        },
      });
      return { duplicate: false, alertIds: id ? [id] : [] };
    }

    const inserted = await tx.execute<{ id: string }[]>(
      `insert into raw_report (id, reseller_id, key_id, report_id, kind, sender_kind, sender_id, body, body_bytes, received_at, processed_at)
       values (?, ?, ?, ?, 'alerts', 'printer', ?, ?::jsonb, ?, ?, now()) on conflict (key_id, report_id) do nothing returning id`,
      [
        uuidv7(),
        sender.resellerId,
        sender.keyId,
        data.batch.alertId,
        sender.printerId,
        json(data.batch),
        data.bodyBytes,
        data.receivedAt,
      ],
    );
    if (inserted.length === 0) return { duplicate: true, alertIds: [] };
    const alertIds = await upsertDeviceAlerts(tx, subject, data.batch.alerts);
    alertIds.push(...(await resolveOfflineAlerts(tx, { printerIds: [printer.id] }, data.receivedAt)));
    const newest = data.batch.alerts
      .map((a) => a.detectedAt)
      .sort()
      .at(-1)!;
    await tx.execute(
      `update printer set last_seen_at = greatest(last_seen_at, ?::timestamptz) where id = ?`,
      [newest, printer.id],
    );
    return { duplicate: false, alertIds };
  });
}
