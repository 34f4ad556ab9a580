// A benchmark fleet: one reseller, one customer and N direct-connect printers, each registered through
// the same service the GraphQL API uses, so each has a real encrypted credential.
import type { EntityManager } from '@mikro-orm/postgresql';
import { Customer } from '../../src/entities/customer.entity';
import { Reseller } from '../../src/entities/reseller.entity';
import { registerPrinter } from '../../src/services/devices';
import { createResellerWithAdminKey } from '../../src/services/resellers';
import type { SecretBox } from '../../src/auth/secrets';
import type { BenchCredential } from './load-messages';

export interface BenchPrinter extends BenchCredential {
  printerId: string;
}

export interface BenchFleet {
  resellerId: string;
  customerId: string;
  printers: BenchPrinter[];
}

export async function createFleet(
  em: EntityManager,
  secrets: SecretBox,
  printerCount: number,
): Promise<BenchFleet> {
  if (!Number.isInteger(printerCount) || printerCount < 1)
    throw new RangeError('printerCount must be a positive integer');
  const { reseller } = await createResellerWithAdminKey(em.fork(), 'Benchmark reseller', 'bench');
  const fork = em.fork();
  const customer = fork.create(Customer, {
    reseller: fork.getReference(Reseller, reseller.id),
    name: 'Benchmark customer',
  });
  await fork.flush();

  const printers: BenchPrinter[] = [];
  const tag = Date.now().toString(36).toUpperCase();
  for (let i = 0; i < printerCount; i++) {
    const serialNumber = `PMB${tag}${String(i).padStart(5, '0')}`;
    const { printer, credential } = await registerPrinter(em.fork(), secrets, 'bench', reseller.id, {
      customerId: customer.id,
      serialNumber,
      // The model the benchmark reports describe (protocol exampleDirectReport).
      productNumber: '2RQ50A',
      productName: 'HP DesignJet T1700dr 44-in PostScript Printer',
    });
    printers.push({
      printerId: printer.id,
      serialNumber,
      keyId: credential.keyId,
      secret: credential.secret,
    });
  }
  return { resellerId: reseller.id, customerId: customer.id, printers };
}
