// Creating a reseller (tenant) together with its first admin API key, as `admin create-reseller` does.
import type { EntityManager } from '@mikro-orm/postgresql';
import { AuditEvent } from '../entities/audit-event.entity';
import { Reseller } from '../entities/reseller.entity';
import { issueApiKey } from './api-keys';

export async function createResellerWithAdminKey(
  em: EntityManager,
  name: string,
  actor = 'system:cli',
): Promise<{ reseller: Reseller; apiKey: string }> {
  const trimmed = name.trim();
  if (!trimmed) throw new RangeError('name must not be empty');
  if (trimmed.length > 200) throw new RangeError('name must be at most 200 characters');
  return em.transactional(async (tx) => {
    const reseller = tx.create(Reseller, { name: trimmed });
    const { key } = issueApiKey(tx, { resellerId: reseller.id, name: 'Initial admin key', role: 'admin' });
    tx.create(AuditEvent, {
      reseller,
      actor,
      action: 'reseller.create',
      targetType: 'Reseller',
      targetId: reseller.id,
      details: { name: trimmed },
    });
    await tx.flush();
    return { reseller, apiKey: key };
  });
}
