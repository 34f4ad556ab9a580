// Device credentials (direct-connect printers and collectors): issuing key ids and secrets, and looking
// them up for signature verification. Secrets are encrypted at rest and bound to their key id.
import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Sender } from '../reports/sender';
import type { SecretBox } from './secrets';

export interface ResolvedCredential extends Sender {
  secret: string;
  /** End of a rotation's grace period: the sender should switch to a new credential before then. */
  validUntil: Date | null;
}

export function newKeyId(kind: 'printer' | 'collector'): string {
  return `${kind === 'printer' ? 'pk' : 'ck'}_${randomBytes(12).toString('base64url')}`;
}

export function newDeviceSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function sealDeviceSecret(secrets: SecretBox, keyId: string, secret: string): string {
  return secrets.encrypt(secret, `device-credential:${keyId}`);
}

interface CredentialRow {
  kind: 'printer' | 'collector';
  reseller_id: string;
  printer_id: string | null;
  collector_id: string | null;
  secret_encrypted: string;
  valid_until: Date | string | null;
  revoked_at: Date | string | null;
  printer_serial: string | null;
}

const toDate = (value: Date | string | null): Date | null => (value === null ? null : new Date(value));

const CACHE_TTL_MS = 5_000;
const CACHE_MAX = 50_000;

/**
 * Looks credentials up by key id with a short in-process cache: at thousands of reports per second the
 * lookup and AES decryption would otherwise dominate. Revocation and rotation therefore take effect
 * within CACHE_TTL_MS on other processes (at once on this one, see forget()).
 */
export class CredentialStore {
  private readonly cache = new Map<string, { at: number; value: ResolvedCredential | null }>();

  constructor(
    private readonly forkEm: () => EntityManager,
    private readonly secrets: SecretBox,
  ) {}

  async resolve(keyId: string, now = new Date()): Promise<ResolvedCredential | null> {
    const cached = this.cache.get(keyId);
    if (cached && now.getTime() - cached.at < CACHE_TTL_MS)
      return cached.value && this.stillValid(cached.value, now);
    // One indexed query for exactly the columns needed: every report of a large fleet misses the cache
    // (TTL 5 s, reports every few minutes), and an ORM findOne with the printer populated cost ~1 ms of
    // CPU per lookup, which capped a whole ingest process at a few hundred reports per second.
    const rows = await this.forkEm().execute<CredentialRow[]>(
      `select c.kind, c.reseller_id, c.printer_id, c.collector_id, c.secret_encrypted, c.valid_until, c.revoked_at, p.serial_number as printer_serial
       from device_credential c left join printer p on p.id = c.printer_id
       where c.key_id = ?`,
      [keyId],
    );
    const row = rows[0];
    let value: (ResolvedCredential & { revokedAt: Date | null }) | null = null;
    if (row) {
      value = {
        keyId,
        kind: row.kind,
        resellerId: row.reseller_id,
        printerId: row.printer_id,
        printerSerial: row.printer_id ? row.printer_serial : null,
        collectorId: row.collector_id,
        secret: this.secrets.decrypt(row.secret_encrypted, `device-credential:${keyId}`),
        validUntil: toDate(row.valid_until),
        revokedAt: toDate(row.revoked_at),
      };
    }
    if (this.cache.size >= CACHE_MAX) this.cache.clear();
    this.cache.set(keyId, { at: now.getTime(), value });
    return value && this.stillValid(value, now);
  }

  forget(keyId: string): void {
    this.cache.delete(keyId);
  }

  private stillValid(
    value: ResolvedCredential & { revokedAt?: Date | null },
    now: Date,
  ): ResolvedCredential | null {
    if (value.revokedAt && value.revokedAt <= now) return null;
    if (value.validUntil && value.validUntil <= now) return null;
    return value;
  }
}
