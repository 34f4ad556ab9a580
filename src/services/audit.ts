// The audit log: who did what to which object, recorded in the transaction of the change itself (an
// entry flushes with the change, so a rolled-back change leaves no entry).
import type { EntityManager } from '@mikro-orm/postgresql';
import { AuditEvent } from '../entities/audit-event.entity';
import { Reseller } from '../entities/reseller.entity';

/** Adds an audit entry to the unit of work; the caller's flush writes it with the change. */
export function recordAudit(
  em: EntityManager,
  reseller: string | Reseller,
  actor: string,
  action: string,
  [targetType, targetId]: readonly [type: string, id: string],
  details: Record<string, unknown>,
): void {
  em.create(AuditEvent, {
    reseller: typeof reseller === 'string' ? em.getReference(Reseller, reseller) : reseller,
    actor,
    action,
    targetType,
    targetId,
    details,
  });
}
