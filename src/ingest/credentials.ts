// Device credentials (direct-connect printers and collectors): issuing key ids and secrets, and looking
// them up for signature verification. Secrets are encrypted at rest and bound to their key id.
import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { DeviceCredential } from '../entities/device-credential.entity';
import type { SecretBox } from '../services/secrets';

export interface Sender {
  keyId: string;
  kind: 'printer' | 'collector';
  resellerId: string;
  printerId: string | null;
  /** The serial the printer was registered with: a direct report must carry exactly this serial. */
  printerSerial: string | null;
  collectorId: string | null;
}

export interface ResolvedCredential extends Sender {
  secret: string;
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
    if (cached && now.getTime() - cached.at < CACHE_TTL_MS) return cached.value && this.stillValid(cached.value, now);
    const row = await this.forkEm().findOne(DeviceCredential, { keyId }, { populate: ['printer'] });
    let value: (ResolvedCredential & { validUntil: Date | null; revokedAt: Date | null }) | null = null;
    if (row) {
      value = {
        keyId,
        kind: row.kind,
        resellerId: row.reseller.id,
        printerId: row.printer?.id ?? null,
        printerSerial: row.printer?.serialNumber ?? null,
        collectorId: row.collector?.id ?? null,
        secret: this.secrets.decrypt(row.secretEncrypted, `device-credential:${keyId}`),
        validUntil: row.validUntil ?? null,
        revokedAt: row.revokedAt ?? null,
      };
    }
    if (this.cache.size >= CACHE_MAX) this.cache.clear();
    this.cache.set(keyId, { at: now.getTime(), value });
    return value && this.stillValid(value, now);
  }

  forget(keyId: string): void {
    this.cache.delete(keyId);
  }

  private stillValid(value: ResolvedCredential & { validUntil?: Date | null; revokedAt?: Date | null }, now: Date): ResolvedCredential | null {
    if (value.revokedAt && value.revokedAt <= now) return null;
    if (value.validUntil && value.validUntil <= now) return null;
    return value;
  }
}
