// Device credentials (direct-connect printers and collectors): issuing key ids and secrets, and looking
// them up for signature verification. Secrets are encrypted at rest and bound to their key id.
import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { isDatabaseUnavailable } from '../errors/database-unavailable';
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

/** Default freshness of a cached credential (DEVICE_CREDENTIAL_CACHE_MS). */
const CACHE_TTL_MS = 5_000;
/** How long a cached credential may stand in for the database while PostgreSQL cannot be reached. */
export const CREDENTIAL_OUTAGE_TTL_MS = 60 * 60_000;
const CACHE_MAX = 50_000;

/** What forget() announces on the revocation topic. */
export interface DeviceCredentialEndedPayload {
  keyIds: string[];
}

/** The process's pub/sub (src/services/pubsub.ts) as far as the revocation feed needs it. */
export interface RevocationFeed {
  publish(topic: string, payload: unknown): Promise<unknown>;
  subscribe<T>(topic: string): Promise<AsyncIterableIterator<T>>;
  /** Since when the subscription connection has been up without a break, or null while it is down. */
  subscribedSince(): number | null;
}

/** PostgreSQL is unreachable and the credential was not known well enough to go without it. */
export class CredentialsUnavailable extends Error {}

/**
 * Looks credentials up by key id with a short in-process cache: at thousands of reports per second the
 * lookup and AES decryption would otherwise dominate. An entry is fresh for freshMs (CACHE_TTL_MS unless
 * given, DEVICE_CREDENTIAL_CACHE_MS in a server); after that it
 * is read again, so a change made directly in the database shows within that time.
 *
 * Through a PostgreSQL outage a known sender keeps being verified: when the lookup finds the database
 * unreachable, an entry up to CREDENTIAL_OUTAGE_TTL_MS old stands in for it (expiry and validity dates
 * are still checked against the clock) — but only if it was read while this process's subscription to
 * the device-credentials-ended topic was up, and that subscription has not broken since: revocations,
 * re-enrollments and rotations are announced there (forget()) and every process drops the key at once,
 * so an entry that could have missed an announcement is never used without the database.
 */
export class CredentialStore {
  private readonly cache = new Map<string, { at: number; value: ResolvedCredential | null }>();
  private readonly feed: { pubsub: RevocationFeed; topic: string } | null;
  private events: AsyncIterableIterator<DeviceCredentialEndedPayload> | null = null;
  private watching = false;

  constructor(
    private readonly forkEm: () => EntityManager,
    private readonly secrets: SecretBox,
    /** Where revocations are announced (the device-credentials-ended topic); none: no stand-in. */
    feed?: { pubsub: RevocationFeed; topic: string },
    private readonly freshMs = CACHE_TTL_MS,
  ) {
    this.feed = feed ?? null;
  }

  /**
   * Listens for announced revocations (the ingest role does; until then, and whenever the subscription
   * is down, cached entries are never used in place of the database). Resubscribes after a failure.
   */
  watch(log: { warn(obj: object, msg: string): void }): void {
    if (!this.feed || this.watching) return;
    this.watching = true;
    const feed = this.feed;
    void (async () => {
      while (this.watching) {
        try {
          this.events = await feed.pubsub.subscribe<DeviceCredentialEndedPayload>(feed.topic);
          if (!this.watching) break;
          for await (const event of this.events)
            for (const keyId of Array.isArray(event?.keyIds) ? event.keyIds : []) this.drop(String(keyId));
          return;
        } catch (err) {
          if (!this.watching) return;
          log.warn({ err }, 'device credential announcements unavailable; retrying in 5 s');
          await new Promise((resolve) => setTimeout(resolve, 5_000).unref());
        }
      }
    })();
  }

  /** Stops listening. Not awaited: UNSUBSCRIBE would wait for a Redis that may be gone (closing the
   * services' pub/sub ends the connection anyway). */
  unwatch(): void {
    this.watching = false;
    void this.events?.return?.().catch(() => undefined);
    this.events = null;
  }

  async resolve(keyId: string, now = new Date()): Promise<ResolvedCredential | null> {
    const cached = this.cache.get(keyId);
    if (cached && now.getTime() - cached.at < this.freshMs)
      return cached.value && this.stillValid(cached.value, now);
    // One indexed query for exactly the columns needed: every report of a large fleet misses the cache
    // (fresh for 5 s by default, reports every few minutes), and an ORM findOne with the printer populated cost ~1 ms of
    // CPU per lookup, which capped a whole ingest process at a few hundred reports per second.
    let rows: CredentialRow[];
    try {
      rows = await this.forkEm().execute<CredentialRow[]>(
        `select c.kind, c.reseller_id, c.printer_id, c.collector_id, c.secret_encrypted, c.valid_until, c.revoked_at, p.serial_number as printer_serial
         from device_credential c left join printer p on p.id = c.printer_id
         where c.key_id = ?`,
        [keyId],
      );
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      if (cached && this.usableWithoutDatabase(cached.at, now))
        return cached.value && this.stillValid(cached.value, now);
      throw new CredentialsUnavailable('the credential store (PostgreSQL) is unreachable', { cause: error });
    }
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

  /**
   * Drops revoked or replaced credentials here at once and announces it to every other process (after
   * the change committed). An announcement lost while Redis is away is covered: the other processes'
   * subscriptions broke too, so their entries no longer stand in for the database.
   */
  forget(...keyIds: string[]): void {
    for (const keyId of keyIds) this.drop(keyId);
    if (this.feed && keyIds.length > 0)
      this.feed.pubsub
        .publish(this.feed.topic, { keyIds } satisfies DeviceCredentialEndedPayload)
        .catch(() => undefined);
  }

  private drop(keyId: string): void {
    this.cache.delete(keyId);
  }

  private usableWithoutDatabase(readAt: number, now: Date): boolean {
    const since = this.feed && this.watching ? this.feed.pubsub.subscribedSince() : null;
    return since !== null && readAt >= since && now.getTime() - readAt < CREDENTIAL_OUTAGE_TTL_MS;
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
