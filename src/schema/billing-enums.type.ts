// GraphQL enums of billing. Values equal what the database and src/domain/billing use, so no mapping.
import { registerEnumType } from 'type-graphql';

export enum BillingPeriodKindEnum {
  MONTHLY = 'MONTHLY',
  QUARTERLY = 'QUARTERLY',
}
registerEnumType(BillingPeriodKindEnum, { name: 'BillingPeriodKind' });

export enum MeterEnum {
  MEDIA_AREA_M2 = 'MEDIA_AREA_M2',
  INK_OEM_ML = 'INK_OEM_ML',
  INK_NON_OEM_ML = 'INK_NON_OEM_ML',
  SCAN_AREA_M2 = 'SCAN_AREA_M2',
  COPY_AREA_M2 = 'COPY_AREA_M2',
  PAGES = 'PAGES',
  MEDIA_LENGTH_M = 'MEDIA_LENGTH_M',
}
registerEnumType(MeterEnum, { name: 'Meter', description: 'A billable counter; the unit is in the name' });

export enum QuantityBasisEnum {
  COUNTERS = 'COUNTERS',
  JOBS = 'JOBS',
}
registerEnumType(QuantityBasisEnum, {
  name: 'QuantityBasis',
  description: 'COUNTERS: lifetime counter deltas (authoritative); JOBS: sum of jobs completed in the period',
});

export enum TierModeEnum {
  GRADUATED = 'GRADUATED',
  VOLUME = 'VOLUME',
}
registerEnumType(TierModeEnum, {
  name: 'TierMode',
  description:
    'GRADUATED prices each band at its rate; VOLUME prices everything at the rate of the band reached',
});

export enum StatementStatusEnum {
  DRAFT = 'DRAFT',
  APPROVED = 'APPROVED',
  EXPORTED = 'EXPORTED',
  VOID = 'VOID',
}
registerEnumType(StatementStatusEnum, { name: 'StatementStatus' });

export enum ChargebackGroupEnum {
  ACCOUNT = 'ACCOUNT',
  PROJECT = 'PROJECT',
  USER = 'USER',
}
registerEnumType(ChargebackGroupEnum, {
  name: 'ChargebackGroup',
  description: 'Group jobs by accountId, projectId or userName',
});
