// Offline detection (repeatable job on the maintenance queue): printers and collectors silent for longer
// than their threshold get a `printer.offline` / `collector.offline` system alert; the next report or
// alert from them resolves it (resolveOfflineAlerts, called by the persist jobs). Thresholds come from
// src/domain/offline.ts: the customer's override, else twice the expected interval plus 30 minutes.
import type { Job } from 'bullmq';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  findOffline,
  offlineThresholdMinutes,
  silentMinutes,
  type OfflineCandidate,
} from '../domain/offline';
import { uuidv7 } from '../lib/ids';
import type { AppServices } from '../services/app-services';
import { notifyAlertChanges } from '../services/alerts';
import { findOfflineCandidates, raiseOffline } from '../repositories/offline-alerts.repository';

/** Direct-connect printers and collectors without a configured poll interval report this often. */
export const DEFAULT_EXPECTED_INTERVAL_MINUTES = 180;
export const OFFLINE_SWEEP_EVERY_MS = 5 * 60_000;
const BATCH_SIZE = 2_000;

export interface OfflineSweepResult {
  collectorsOffline: number;
  printersOffline: number;
  alertIds: string[];
}

export async function offlineSweepJob(_job: Job, services: AppServices): Promise<OfflineSweepResult> {
  const result = await sweepOffline(services.orm.em.fork(), new Date());
  await notifyAlertChanges(services, result.alertIds);
  return result;
}

/**
 * Raises the offline alerts that are due at `now`. Collectors go first: a printer behind a silent
 * collector is not alerted on its own (one alert about the collector, not fifty about its printers).
 */
export async function sweepOffline(em: EntityManager, now: Date): Promise<OfflineSweepResult> {
  const collectorIds = await sweep(em, now, 'collector');
  const printerIds = await sweep(em, now, 'printer');
  return {
    collectorsOffline: collectorIds.length,
    printersOffline: printerIds.length,
    alertIds: [...collectorIds, ...printerIds],
  };
}

async function sweep(em: EntityManager, now: Date, kind: 'printer' | 'collector'): Promise<string[]> {
  const raised: string[] = [];
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    // Keyset batches over everything not already alerted: 10,000 printers are five short queries.
    const rows = await findOfflineCandidates(em, kind, after, BATCH_SIZE);
    if (rows.length === 0) break;
    after = rows.at(-1)!.id;
    const candidates: OfflineCandidate[] = rows.map((r) => ({
      id: r.id,
      lastSeenAt: r.last_seen_at ? new Date(r.last_seen_at) : null,
      createdAt: new Date(r.created_at),
      expectedIntervalMinutes: validMinutes(r.interval_minutes) ?? DEFAULT_EXPECTED_INTERVAL_MINUTES,
      thresholdMinutes: validMinutes(r.override_minutes),
    }));
    const offline = new Set(findOffline(candidates, now));
    if (offline.size > 0) {
      const alerts = rows
        .filter((r) => offline.has(r.id))
        .map((r) => {
          const candidate = candidates.find((c) => c.id === r.id)!;
          const threshold = offlineThresholdMinutes({
            expectedIntervalMinutes: candidate.expectedIntervalMinutes,
            customerOverrideMinutes: candidate.thresholdMinutes,
          });
          return {
            id: uuidv7(),
            reseller_id: r.reseller_id,
            customer_id: r.customer_id,
            subject_id: r.id,
            message: `${kind === 'printer' ? 'Printer' : 'Collector'} ${r.label} has not reported for ${formatMinutes(silentMinutes(candidate, now))} (threshold ${threshold} min)`,
            details: {
              lastSeenAt: candidate.lastSeenAt?.toISOString() ?? null,
              thresholdMinutes: threshold,
              expectedIntervalMinutes: candidate.expectedIntervalMinutes,
            },
          };
        });
      raised.push(...(await raiseOffline(em, kind, alerts, now)));
    }
    if (rows.length < BATCH_SIZE) break;
  }
  return raised;
}

/** A stored interval or override that is not a positive number is ignored (the default applies). */
function validMinutes(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : null;
}

function formatMinutes(minutes: number): string {
  const whole = Math.floor(minutes);
  const hours = Math.floor(whole / 60);
  return hours > 0 ? `${hours} h ${whole % 60} min` : `${whole} min`;
}
