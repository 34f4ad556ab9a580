// The demo tenant: a reseller with an admin API key, three customers with sites, two pay-per-use
// contracts (Contoso's direct-connect printers, and Northwind's LAN printers behind the collector,
// joined as the collector first reports them), and a collector enrollment token. Each demo run seeds a fresh tenant, because the simulated
// printers start their history anew every run: reusing the old tenant would show their lifetime
// counters going backwards.
import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { collectorConfigSchema, type CollectorConfigInput } from '@plotmeter/protocol';
import { Collector } from '../entities/collector.entity';
import { ContractPrinter } from '../entities/contract-printer.entity';
import { Contract } from '../entities/contract.entity';
import { Customer } from '../entities/customer.entity';
import { PriceLine } from '../entities/price-line.entity';
import { Printer } from '../entities/printer.entity';
import { Reseller } from '../entities/reseller.entity';
import { Site } from '../entities/site.entity';
import { createCollectorEnrollment, registerPrinter, type IssuedCredential } from '../services/devices';
import { createResellerWithAdminKey } from '../services/resellers';
import type { SecretBox } from '../auth/secrets';
import { createUser } from '../services/users';

export const DEMO_ACTOR = 'system:demo';

export interface DemoTenant {
  resellerId: string;
  apiKey: string;
  /** Customer whose office the collector and the LAN printers are in. */
  lanCustomerId: string;
  /** Customers of the direct-connect printers, with the site each printer goes to. */
  directSites: Array<{ customerId: string; siteId: string }>;
  contractId: string;
  /** Northwind's contract: covers the LAN printers as the collector reports them. */
  lanContractId: string;
  collectorToken: string;
  /** Console sign-ins (emails are unique per run; one generated password for both). */
  consoleUsers: { adminEmail: string; technicianEmail: string; password: string };
}

export async function seedDemoTenant(em: EntityManager, now = new Date()): Promise<DemoTenant> {
  const stamp = now.toISOString().slice(0, 16).replace('T', ' ');
  const { reseller, apiKey } = await createResellerWithAdminKey(
    em,
    `Demo Reseller (${stamp} UTC)`,
    DEMO_ACTOR,
  );
  const ref = em.getReference(Reseller, reseller.id);
  const customer = (name: string, externalRef: string) =>
    em.create(Customer, { reseller: ref, name, externalRef });
  const site = (c: Customer, name: string, address: string, timeZone: string) =>
    em.create(Site, { reseller: ref, customer: c, name, address, timeZone });

  const northwind = customer('Northwind Architects', 'ERP-10042');
  const contoso = customer('Contoso Engineering', 'ERP-10057');
  const fabrikam = customer('Fabrikam Print Studio', 'ERP-10113');
  site(northwind, 'Head office, 2nd floor', 'Kaiserstraße 12, Frankfurt', 'Europe/Berlin');
  const contosoHq = site(contoso, 'Engineering hall', '1 Harbour Road, Rotterdam', 'Europe/Amsterdam');
  const contosoSite = site(contoso, 'Site office Metro L4', 'Metro depot, Rotterdam', 'Europe/Amsterdam');
  const fabrikamStudio = site(fabrikam, 'Print studio', '221 Canal Street, Manchester', 'Europe/London');

  // Billing starts at the beginning of the current month, as when a contract is signed mid-month and
  // back-dated to the period start.
  const contract = em.create(Contract, {
    reseller: ref,
    customer: contoso,
    name: 'Contoso pay-per-use 2026',
    currency: 'EUR',
    billingPeriod: 'MONTHLY',
    anchorDay: 1,
    timeZone: 'Europe/Amsterdam',
    validFrom: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)),
    fixedFeeMinor: '4900',
  });
  const line = (
    position: number,
    meter: PriceLine['meter'],
    description: string,
    unitPriceMinor: string | null,
    extra: Partial<PriceLine> = {},
  ) =>
    em.create(PriceLine, { reseller: ref, contract, position, meter, description, unitPriceMinor, ...extra });
  line(1, 'MEDIA_AREA_M2', 'Printed media, per m²', null, {
    allowance: '50',
    tiers: [
      { upTo: '500', unitPriceMinor: '95' },
      { upTo: null, unitPriceMinor: '70' },
    ],
  });
  line(2, 'INK_OEM_ML', 'HP ink, per ml', '12');
  line(3, 'INK_NON_OEM_ML', 'Third-party ink, per ml (handling surcharge)', '20');
  line(4, 'SCAN_AREA_M2', 'Scans, per m²', '15');

  // Northwind's LAN printers are billed on the default (counter) basis like any other: media area and
  // ink from their lifetime counters, which the collector completes from its job accounting where the
  // printer has none. The contract starts now, when the simulated printers start reporting, so its
  // statements have a reading at their start.
  const lanContract = em.create(Contract, {
    reseller: ref,
    customer: northwind,
    name: 'Northwind pay-per-use 2026 (LAN printers)',
    currency: 'EUR',
    billingPeriod: 'MONTHLY',
    anchorDay: 1,
    timeZone: 'Europe/Berlin',
    validFrom: now,
  });
  const lanLine = (
    position: number,
    meter: PriceLine['meter'],
    description: string,
    price: string,
    extra = {},
  ) =>
    em.create(PriceLine, {
      reseller: ref,
      contract: lanContract,
      position,
      meter,
      description,
      unitPriceMinor: price,
      ...extra,
    });
  lanLine(1, 'MEDIA_AREA_M2', 'Printed media, per m²', '85');
  lanLine(2, 'MEDIA_AREA_M2', 'Photo and poster prints (image category), extra per m²', '40', {
    category: 'image',
  });
  lanLine(3, 'INK_OEM_ML', 'HP ink, per ml', '11');
  lanLine(4, 'INK_NON_OEM_ML', 'Third-party ink, per ml (handling surcharge)', '20');
  lanLine(5, 'SCAN_AREA_M2', 'Scans, per m²', '15');
  lanLine(6, 'COPY_AREA_M2', 'Copies (scanning part), per m²', '10');
  await em.flush();

  const { token } = await createCollectorEnrollment(em, DEMO_ACTOR, reseller.id, northwind.id, now);
  // Emails are unique across resellers and every run seeds a new reseller, so they carry its id.
  const tag = reseller.id.slice(-8);
  const password = randomBytes(12).toString('base64url');
  const adminEmail = `admin-${tag}@demo.plotmeter.test`;
  const technicianEmail = `tech-${tag}@demo.plotmeter.test`;
  await createUser(em, {
    resellerId: reseller.id,
    email: adminEmail,
    name: 'Dana Admin',
    role: 'admin',
    password,
  });
  await createUser(em, {
    resellerId: reseller.id,
    email: technicianEmail,
    name: 'Theo Technician',
    role: 'technician',
    password,
  });
  return {
    resellerId: reseller.id,
    apiKey,
    lanCustomerId: northwind.id,
    directSites: [
      { customerId: contoso.id, siteId: contosoHq.id },
      { customerId: contoso.id, siteId: contosoSite.id },
      { customerId: fabrikam.id, siteId: fabrikamStudio.id },
    ],
    contractId: contract.id,
    lanContractId: lanContract.id,
    collectorToken: token,
    consoleUsers: { adminEmail, technicianEmail, password },
  };
}

/** Registers a simulated direct-connect printer at a site; Contoso's printers join its contract. */
export async function registerDemoPrinter(
  em: EntityManager,
  secrets: SecretBox,
  tenant: DemoTenant,
  index: number,
  device: { serialNumber: string; productNumber: string; productName: string },
): Promise<IssuedCredential> {
  const placement = tenant.directSites[index % tenant.directSites.length]!;
  const { printer, credential } = await registerPrinter(em, secrets, DEMO_ACTOR, tenant.resellerId, {
    customerId: placement.customerId,
    ...device,
  });
  const fork = em.fork();
  const stored = await fork.findOneOrFail(Printer, { id: printer.id });
  stored.site = fork.getReference(Site, placement.siteId);
  const contract = await fork.findOneOrFail(Contract, { id: tenant.contractId });
  if (contract.customer.id === placement.customerId) {
    fork.create(ContractPrinter, {
      reseller: fork.getReference(Reseller, tenant.resellerId),
      contract,
      printer: stored,
      coveredFrom: contract.validFrom,
    });
  }
  await fork.flush();
  return credential;
}

/**
 * Joins every LAN printer the collector has reported for Northwind to Northwind's contract, from the
 * contract's start (the printers exist in the portal only once the collector has reported them).
 * Returns how many printers were added.
 */
export async function coverLanPrinters(em: EntityManager, tenant: DemoTenant): Promise<number> {
  const fork = em.fork();
  const contract = await fork.findOneOrFail(Contract, { id: tenant.lanContractId });
  const printers = await fork.find(Printer, {
    reseller: tenant.resellerId,
    customer: tenant.lanCustomerId,
    id: { $nin: (await fork.find(ContractPrinter, { contract })).map((c) => c.printer.id) },
  });
  for (const printer of printers) {
    fork.create(ContractPrinter, {
      reseller: fork.getReference(Reseller, tenant.resellerId),
      contract,
      printer,
      coveredFrom: contract.validFrom,
    });
  }
  await fork.flush();
  return printers.length;
}

/**
 * Points the tenant's newest collector at a simulated LAN (its address range and ports, one poll every
 * 30 minutes), after `enroll`: the demo's and the soak's collector then finds the LAN printers.
 */
export async function pointCollectorAtLan(
  em: EntityManager,
  tenant: DemoTenant,
  lan: { ipRange: string | null; ports: CollectorConfigInput['ports'] },
): Promise<void> {
  if (!lan.ipRange) throw new Error('no LAN printers to point the collector at');
  const fork = em.fork();
  const collector = await fork.findOneOrFail(
    Collector,
    { reseller: tenant.resellerId },
    { orderBy: { enrolledAt: 'desc' } },
  );
  collector.config = collectorConfigSchema.parse({
    ...collector.config,
    ipRanges: [lan.ipRange],
    ports: lan.ports,
    pollIntervalMinutes: 30,
  });
  await fork.flush();
}
