// A collector's life after enrollment, driven from the portal and by the agent itself:
// - revoke: every credential stops working at once (the collector keeps its id, configuration and
//   printers, and shows as revoked until it is re-enrolled);
// - archive: retired for good — revoked as well, and hidden from the collector list;
// - re-enroll: a fresh one-time token for the same collector and customer; using it issues a new
//   credential and revokes the old ones (devices.ts enrollCollector);
// - rotate: the portal gives the current credentials an end date (the grace period); the agent sees
//   that in its signed configuration fetch and exchanges its key for a new one over the same signed
//   channel (rotateCollectorKey), so the new secret is only ever sent to the agent holding the old.
// Every change is audited. Callers drop revoked or shortened key ids from their credential caches.
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Collector } from '../entities/collector.entity';
import { DeviceCredential } from '../entities/device-credential.entity';
import {
  ROTATION_GRACE_MS,
  issueEnrollment,
  newCredential,
  revokeCollectorCredentials,
  type IssuedCredential,
} from './devices';
import { DomainError } from '../errors/domain-error';
import type { SecretBox } from '../auth/secrets';
import { recordAudit } from './audit';

export interface CollectorChange {
  collector: Collector;
  /** Credentials revoked or given an end date: forget them in credential caches. */
  keyIds: string[];
}

async function findCollector(tx: EntityManager, resellerId: string, collectorId: string): Promise<Collector> {
  const collector = await tx.findOne(
    Collector,
    { id: collectorId, reseller: resellerId },
    { lockMode: LockMode.PESSIMISTIC_WRITE },
  );
  if (!collector) throw new DomainError('NOT_FOUND', 'collector not found', 'collectorId');
  return collector;
}

function audit(
  tx: EntityManager,
  resellerId: string,
  actor: string,
  action: string,
  collector: Collector,
  details: Record<string, unknown>,
): void {
  recordAudit(tx, resellerId, actor, action, ['Collector', collector.id], details);
}

export function revokeCollector(
  em: EntityManager,
  actor: string,
  resellerId: string,
  collectorId: string,
  now = new Date(),
): Promise<CollectorChange> {
  return endCollector(em, actor, resellerId, collectorId, 'collector.revoke', now);
}

export function archiveCollector(
  em: EntityManager,
  actor: string,
  resellerId: string,
  collectorId: string,
  now = new Date(),
): Promise<CollectorChange> {
  return endCollector(em, actor, resellerId, collectorId, 'collector.archive', now);
}

/** Revokes every credential; archiving also retires the collector. */
async function endCollector(
  em: EntityManager,
  actor: string,
  resellerId: string,
  collectorId: string,
  action: 'collector.revoke' | 'collector.archive',
  now: Date,
): Promise<CollectorChange> {
  return em.transactional(async (tx) => {
    const collector = await findCollector(tx, resellerId, collectorId);
    const keyIds = await revokeCollectorCredentials(tx, collector, now);
    collector.revokedAt ??= now;
    if (action === 'collector.archive') collector.archivedAt ??= now;
    audit(tx, resellerId, actor, action, collector, { keyIds });
    await tx.flush();
    return { collector, keyIds };
  });
}

/** A one-time token that re-enrolls this collector (same id, customer, configuration and printers). */
export async function createCollectorReenrollment(
  em: EntityManager,
  actor: string,
  resellerId: string,
  collectorId: string,
  now = new Date(),
): Promise<{ token: string; expiresAt: Date }> {
  return em.transactional(async (tx) => {
    const collector = await findCollector(tx, resellerId, collectorId);
    if (collector.archivedAt)
      throw new DomainError(
        'CONFLICT',
        'this collector is archived; create a new enrollment for its customer instead',
        'collectorId',
      );
    const { token, expiresAt, enrollment } = issueEnrollment(
      tx,
      resellerId,
      collector.customer,
      collector,
      now,
    );
    audit(tx, resellerId, actor, 'collector.enrollment.create', collector, {
      enrollmentId: enrollment.id,
      reenroll: true,
    });
    await tx.flush();
    return { token, expiresAt };
  });
}

/**
 * Asks the collector to change its secret: its credentials in force get an end date `graceMs` from
 * now (an earlier one is kept). The agent picks up a new secret at its next configuration fetch.
 */
export async function requestCollectorRotation(
  em: EntityManager,
  actor: string,
  resellerId: string,
  collectorId: string,
  graceMs = ROTATION_GRACE_MS,
  now = new Date(),
): Promise<CollectorChange & { validUntil: Date }> {
  return em.transactional(async (tx) => {
    const collector = await findCollector(tx, resellerId, collectorId);
    if (collector.archivedAt || collector.revokedAt)
      throw new DomainError(
        'CONFLICT',
        `this collector is ${collector.archivedAt ? 'archived' : 'revoked'}; re-enroll it instead`,
        'collectorId',
      );
    const validUntil = new Date(now.getTime() + graceMs);
    const current = await tx.find(DeviceCredential, {
      collector,
      revokedAt: null,
      $or: [{ validUntil: null }, { validUntil: { $gt: validUntil } }],
    });
    for (const c of current) c.validUntil = validUntil;
    const keyIds = current.map((c) => c.keyId);
    audit(tx, resellerId, actor, 'collector.credential.rotate.request', collector, {
      keyIds,
      validUntil: validUntil.toISOString(),
    });
    await tx.flush();
    return { collector, keyIds, validUntil };
  });
}

/**
 * The agent's half of a rotation (POST /ingest/v1/credential/rotate, signed with the current key):
 * a new credential without end date. The signing key keeps its end date (or gets one, grace from
 * now), so an agent whose answer was lost can still ask again; any other credential without end
 * date was issued by such a lost answer and never reached the agent, so it ends now.
 */
export async function rotateCollectorKey(
  em: EntityManager,
  secrets: SecretBox,
  sender: { keyId: string; resellerId: string; collectorId: string },
  now = new Date(),
  graceMs = ROTATION_GRACE_MS,
): Promise<{ credential: IssuedCredential; previousValidUntil: Date; keyIds: string[] } | null> {
  return em.transactional(async (tx) => {
    const collector = await tx.findOne(
      Collector,
      { id: sender.collectorId, reseller: sender.resellerId },
      { lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    if (!collector || collector.archivedAt || collector.revokedAt) return null;
    const inForce = await tx.find(DeviceCredential, {
      collector,
      revokedAt: null,
      $or: [{ validUntil: null }, { validUntil: { $gt: now } }],
    });
    const signing = inForce.find((c) => c.keyId === sender.keyId);
    if (!signing) return null;
    signing.validUntil ??= new Date(now.getTime() + graceMs);
    const orphans = inForce.filter((c) => c !== signing && c.validUntil == null);
    for (const c of orphans) c.validUntil = now;
    const credential = newCredential(tx, secrets, sender.resellerId, { collector });
    audit(tx, sender.resellerId, `device:${sender.keyId}`, 'collector.credential.rotate', collector, {
      keyId: credential.keyId,
      previousKeyId: sender.keyId,
      previousValidUntil: signing.validUntil.toISOString(),
      ...(orphans.length > 0 ? { endedKeyIds: orphans.map((c) => c.keyId) } : {}),
    });
    await tx.flush();
    return {
      credential,
      previousValidUntil: signing.validUntil,
      keyIds: [sender.keyId, ...orphans.map((c) => c.keyId)],
    };
  });
}
