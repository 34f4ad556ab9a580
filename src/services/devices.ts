// Who may send reports: registering direct-connect printers (with their credential), rotating and
// revoking credentials, and enrolling collectors with one-time tokens. Used by GraphQL and the CLI.
import { DEFAULT_COLLECTOR_CONFIG, type CollectorConfig } from '@plotmeter/protocol';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { CollectorEnrollment } from '../entities/collector-enrollment.entity';
import { Collector } from '../entities/collector.entity';
import { Customer } from '../entities/customer.entity';
import { DeviceCredential } from '../entities/device-credential.entity';
import { Printer } from '../entities/printer.entity';
import { Reseller } from '../entities/reseller.entity';
import { newDeviceSecret, newKeyId, sealDeviceSecret } from '../auth/device-credentials';
import { DomainError } from '../errors/domain-error';
import { randomToken } from '../lib/ids';
import { type SecretBox, sha256Hex } from '../auth/secrets';
import { recordAudit } from './audit';

export const ROTATION_GRACE_MS = 24 * 3600_000;
export const ENROLLMENT_TTL_MS = 7 * 24 * 3600_000;

export interface IssuedCredential {
  keyId: string;
  /** Returned to the caller once; only the encrypted form is stored. */
  secret: string;
}

async function findCustomer(em: EntityManager, resellerId: string, customerId: string): Promise<Customer> {
  const customer = await em.findOne(Customer, { id: customerId, reseller: resellerId, archivedAt: null });
  if (!customer) throw new DomainError('NOT_FOUND', 'customer not found', 'customerId');
  return customer;
}

export function newCredential(
  em: EntityManager,
  secrets: SecretBox,
  resellerId: string,
  owner: { printer?: Printer; collector?: Collector },
): IssuedCredential {
  const kind = owner.printer ? 'printer' : 'collector';
  const keyId = newKeyId(kind);
  const secret = newDeviceSecret();
  em.create(DeviceCredential, {
    reseller: em.getReference(Reseller, resellerId),
    keyId,
    kind,
    printer: owner.printer ?? null,
    collector: owner.collector ?? null,
    secretEncrypted: sealDeviceSecret(secrets, keyId, secret),
  });
  return { keyId, secret };
}

export async function registerPrinter(
  em: EntityManager,
  secrets: SecretBox,
  actor: string,
  resellerId: string,
  input: { customerId: string; serialNumber: string; productNumber: string; productName?: string | null },
): Promise<{ printer: Printer; credential: IssuedCredential }> {
  const serialNumber = input.serialNumber.trim();
  const productNumber = input.productNumber.trim();
  if (!/^[A-Za-z0-9._/-]{3,64}$/.test(serialNumber)) {
    throw new DomainError(
      'BAD_USER_INPUT',
      'serialNumber must be 3-64 letters, digits or . _ / -',
      'serialNumber',
    );
  }
  if (!/^[A-Za-z0-9._/#-]{2,64}$/.test(productNumber)) {
    throw new DomainError(
      'BAD_USER_INPUT',
      'productNumber must be 2-64 letters, digits or . _ / # -',
      'productNumber',
    );
  }
  return em.transactional(async (tx) => {
    const customer = await findCustomer(tx, resellerId, input.customerId);
    const existing = await tx.findOne(Printer, { reseller: resellerId, serialNumber });
    if (existing)
      throw new DomainError(
        'CONFLICT',
        `a printer with serial ${serialNumber} is already registered`,
        'serialNumber',
      );
    const printer = tx.create(Printer, {
      reseller: tx.getReference(Reseller, resellerId),
      customer,
      connectionType: 'direct',
      serialNumber,
      productNumber,
      productName: input.productName ?? null,
    });
    const credential = newCredential(tx, secrets, resellerId, { printer });
    recordAudit(tx, resellerId, actor, 'printer.register', ['Printer', printer.id], {
      serialNumber,
      keyId: credential.keyId,
    });
    await tx.flush();
    return { printer, credential };
  });
}

/** Issues a new secret; the current ones stay valid for the grace period so the device can switch over. */
export async function rotatePrinterCredential(
  em: EntityManager,
  secrets: SecretBox,
  actor: string,
  resellerId: string,
  printerId: string,
  now = new Date(),
  graceMs = ROTATION_GRACE_MS,
): Promise<{ credential: IssuedCredential; previousValidUntil: Date }> {
  return em.transactional(async (tx) => {
    const printer = await tx.findOne(Printer, { id: printerId, reseller: resellerId });
    if (!printer) throw new DomainError('NOT_FOUND', 'printer not found', 'printerId');
    const previousValidUntil = new Date(now.getTime() + graceMs);
    const current = await tx.find(DeviceCredential, {
      printer,
      revokedAt: null,
      $or: [{ validUntil: null }, { validUntil: { $gt: previousValidUntil } }],
    });
    for (const c of current) c.validUntil = previousValidUntil;
    const credential = newCredential(tx, secrets, resellerId, { printer });
    recordAudit(tx, resellerId, actor, 'printer.credential.rotate', ['Printer', printer.id], {
      keyId: credential.keyId,
      previousValidUntil: previousValidUntil.toISOString(),
    });
    await tx.flush();
    return { credential, previousValidUntil };
  });
}

/** Revokes every credential of the printer at once; returns the revoked key ids. */
export async function revokePrinterCredential(
  em: EntityManager,
  actor: string,
  resellerId: string,
  printerId: string,
  now = new Date(),
): Promise<string[]> {
  return em.transactional(async (tx) => {
    const printer = await tx.findOne(Printer, { id: printerId, reseller: resellerId });
    if (!printer) throw new DomainError('NOT_FOUND', 'printer not found', 'printerId');
    const credentials = await tx.find(DeviceCredential, { printer, revokedAt: null });
    for (const c of credentials) c.revokedAt = now;
    recordAudit(tx, resellerId, actor, 'printer.credential.revoke', ['Printer', printer.id], {
      keyIds: credentials.map((c) => c.keyId),
    });
    await tx.flush();
    return credentials.map((c) => c.keyId);
  });
}

export async function createCollectorEnrollment(
  em: EntityManager,
  actor: string,
  resellerId: string,
  customerId: string,
  now = new Date(),
): Promise<{ token: string; expiresAt: Date }> {
  return em.transactional(async (tx) => {
    const customer = await findCustomer(tx, resellerId, customerId);
    const { token, expiresAt, enrollment } = issueEnrollment(tx, resellerId, customer, null, now);
    recordAudit(
      tx,
      resellerId,
      actor,
      'collector.enrollment.create',
      ['CollectorEnrollment', enrollment.id],
      { customerId },
    );
    await tx.flush();
    return { token, expiresAt };
  });
}

/**
 * A one-time enrollment token (only its hash is stored). With `collector` set it re-enrolls that
 * collector (reenrollCollector) instead of creating a new one.
 */
export function issueEnrollment(
  tx: EntityManager,
  resellerId: string,
  customer: Customer,
  collector: Collector | null,
  now: Date,
): { token: string; expiresAt: Date; enrollment: CollectorEnrollment } {
  const token = randomToken('pme', 32);
  const expiresAt = new Date(now.getTime() + ENROLLMENT_TTL_MS);
  const enrollment = tx.create(CollectorEnrollment, {
    reseller: tx.getReference(Reseller, resellerId),
    customer,
    tokenHash: sha256Hex(token),
    expiresAt,
    createdAt: now,
    collector,
  });
  return { token, expiresAt, enrollment };
}

export class EnrollmentRejected extends Error {}

/**
 * Exchanges a one-time token for a collector and its credential. A re-enrollment token (enrollment
 * created with a collector) gives that collector a new credential and revokes its previous ones,
 * listed in `revokedKeyIds` so the caller can drop them from its credential cache. Throws
 * EnrollmentRejected with the reason.
 */
export async function enrollCollector(
  em: EntityManager,
  secrets: SecretBox,
  input: { token: string; hostname: string; version: string },
  now = new Date(),
): Promise<{
  collectorId: string;
  keyId: string;
  secret: string;
  config: CollectorConfig;
  revokedKeyIds: string[];
}> {
  return em.transactional(async (tx) => {
    // FOR UPDATE: two agents racing with the same token cannot both win.
    const enrollment = await tx.findOne(
      CollectorEnrollment,
      { tokenHash: sha256Hex(input.token) },
      { lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    if (!enrollment) throw new EnrollmentRejected('enrollment token is not valid');
    if (enrollment.usedAt) throw new EnrollmentRejected('enrollment token was already used');
    if (enrollment.expiresAt <= now)
      throw new EnrollmentRejected(`enrollment token expired at ${enrollment.expiresAt.toISOString()}`);
    if (enrollment.collector) return reenroll(tx, secrets, enrollment, enrollment.collector, input, now);
    const config: CollectorConfig = { ...DEFAULT_COLLECTOR_CONFIG };
    const collector = tx.create(Collector, {
      reseller: enrollment.reseller,
      customer: enrollment.customer,
      hostname: input.hostname,
      version: input.version,
      config,
      enrolledAt: now,
      lastSeenAt: now,
    });
    const credential = newCredential(tx, secrets, enrollment.reseller.id, { collector });
    enrollment.usedAt = now;
    enrollment.collector = collector;
    recordAudit(
      tx,
      enrollment.reseller,
      `device:${credential.keyId}`,
      'collector.enroll',
      ['Collector', collector.id],
      { hostname: input.hostname, version: input.version },
    );
    await tx.flush();
    return {
      collectorId: collector.id,
      keyId: credential.keyId,
      secret: credential.secret,
      config,
      revokedKeyIds: [],
    };
  });
}

/** Revokes every credential of the collector still in force; returns their key ids. */
export async function revokeCollectorCredentials(
  tx: EntityManager,
  collector: Collector,
  now: Date,
): Promise<string[]> {
  const credentials = await tx.find(DeviceCredential, { collector, revokedAt: null });
  for (const c of credentials) c.revokedAt = now;
  return credentials.map((c) => c.keyId);
}

async function reenroll(
  tx: EntityManager,
  secrets: SecretBox,
  enrollment: CollectorEnrollment,
  collectorRef: Collector,
  input: { hostname: string; version: string },
  now: Date,
) {
  const collector = await tx.findOneOrFail(Collector, collectorRef.id, {
    lockMode: LockMode.PESSIMISTIC_WRITE,
  });
  if (collector.archivedAt)
    throw new EnrollmentRejected('this collector was archived in the portal; ask for a new enrollment token');
  const revokedKeyIds = await revokeCollectorCredentials(tx, collector, now);
  const credential = newCredential(tx, secrets, enrollment.reseller.id, { collector });
  collector.revokedAt = null;
  collector.hostname = input.hostname;
  collector.version = input.version;
  collector.lastSeenAt = now;
  enrollment.usedAt = now;
  recordAudit(
    tx,
    enrollment.reseller,
    `device:${credential.keyId}`,
    'collector.reenroll',
    ['Collector', collector.id],
    { hostname: input.hostname, version: input.version, revokedKeyIds },
  );
  await tx.flush();
  return {
    collectorId: collector.id,
    keyId: credential.keyId,
    secret: credential.secret,
    config: collector.config,
    revokedKeyIds,
  };
}
