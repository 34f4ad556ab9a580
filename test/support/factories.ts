// Factories for persisted rows, built through the same services the application uses.
import type { EntityManager } from '@mikro-orm/postgresql';
import { Customer } from '../../src/entities/customer.entity';
import { Reseller } from '../../src/entities/reseller.entity';
import { createCollectorEnrollment, enrollCollector, registerPrinter } from '../../src/services/devices';
import { createResellerWithAdminKey } from '../../src/services/resellers';
import { SecretBox } from '../../src/auth/secrets';
import { randomUUID } from 'node:crypto';
import type { ReportV1 } from '@plotmeter/protocol';
import type { PersistReportJobData } from '../../src/reports/job-data';
import type { Sender } from '../../src/reports/sender';
import { TEST_SECRET_KEY } from './app';

export const testSecrets = new SecretBox(TEST_SECRET_KEY);

export async function newReseller(
  em: EntityManager,
  name = 'Reseller',
): Promise<{ reseller: Reseller; apiKey: string }> {
  return createResellerWithAdminKey(em.fork(), `${name} ${Math.random().toString(36).slice(2, 7)}`, 'test');
}

export async function newCustomer(
  em: EntityManager,
  resellerId: string,
  name = 'Customer',
): Promise<Customer> {
  const fork = em.fork();
  const customer = fork.create(Customer, { reseller: fork.getReference(Reseller, resellerId), name });
  await fork.flush();
  return customer;
}

let serialCounter = 0;
export function newSerial(prefix = 'SG'): string {
  serialCounter += 1;
  return `${prefix}${Date.now().toString(36).toUpperCase()}${String(serialCounter).padStart(3, '0')}`;
}

export async function newDirectPrinter(
  em: EntityManager,
  resellerId: string,
  customerId: string,
  serialNumber = newSerial(),
) {
  const { printer, credential } = await registerPrinter(em.fork(), testSecrets, 'test', resellerId, {
    customerId,
    serialNumber,
    productNumber: '2RQ15A',
    productName: 'HP DesignJet T1700dr PS',
  });
  return { printerId: printer.id, serialNumber, ...credential };
}

export async function newCollector(em: EntityManager, resellerId: string, customerId: string) {
  const { token } = await createCollectorEnrollment(em.fork(), 'test', resellerId, customerId);
  return enrollCollector(em.fork(), testSecrets, { token, hostname: 'collector-host', version: '0.1.0' });
}

/** The job sender of a direct-connect printer made by newDirectPrinter. */
export function directSender(
  resellerId: string,
  printer: { keyId: string; printerId: string; serialNumber: string },
): Sender {
  return {
    keyId: printer.keyId,
    kind: 'printer',
    resellerId,
    printerId: printer.printerId,
    printerSerial: printer.serialNumber,
    collectorId: null,
  };
}

/** The job sender of a collector made by newCollector. */
export function collectorSender(
  resellerId: string,
  collector: { keyId: string; collectorId: string },
): Sender {
  return {
    keyId: collector.keyId,
    kind: 'collector',
    resellerId,
    printerId: null,
    printerSerial: null,
    collectorId: collector.collectorId,
  };
}

/** A persist job as ingest queues it: a fresh receipt, the sender, and collector health when a collector sent it. */
export function persistJobData(sender: Sender, report: ReportV1, receivedAt: string): PersistReportJobData {
  return {
    receiptId: randomUUID(),
    sender,
    receivedAt,
    bodyBytes: 1234,
    report,
    collectorHealth:
      sender.kind === 'collector'
        ? { version: '1.2.3', hostname: 'pc-01', addressesScanned: 64, printersFound: 3, errors: [] }
        : null,
  };
}
