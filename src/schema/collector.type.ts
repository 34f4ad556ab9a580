// Collectors and their configuration.
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';

@ObjectType('CollectorError')
export class CollectorErrorType {
  @Field() at!: string;
  @Field() message!: string;
  @Field(() => String, { nullable: true }) address?: string | null;
}

@ObjectType('CollectorHealth')
export class CollectorHealthType {
  @Field(() => Date, { nullable: true }) lastReportAt!: Date | null;
  @Field(() => Date, { nullable: true }) lastSeenAt!: Date | null;
  @Field(() => String, { nullable: true }) lastPollAt!: string | null;
  @Field(() => String, { nullable: true }) version!: string | null;
  @Field(() => Int, { nullable: true }) addressesScanned!: number | null;
  @Field(() => Int, { nullable: true }) printersFound!: number | null;
  @Field(() => Int, { description: 'Printers currently attached to this collector' }) printersSeen!: number;
  @Field(() => [CollectorErrorType]) errors!: CollectorErrorType[];
}

@ObjectType('ProxyConfig')
export class ProxyConfigType {
  @Field() url!: string;
  @Field(() => String, { nullable: true }) username?: string | null;
  @Field({ description: 'Whether a proxy password is set (the password itself is never returned)' })
  hasPassword!: boolean;
}

@ObjectType('CollectorPorts')
export class CollectorPortsType {
  @Field(() => Int) ipp!: number;
  @Field(() => Int) snmp!: number;
  @Field(() => Int) http!: number;
  @Field(() => Int) https!: number;
}

@ObjectType('CollectorConfig')
export class CollectorConfigType {
  @Field(() => [String]) ipRanges!: string[];
  @Field(() => Int) pollIntervalMinutes!: number;
  @Field(() => ProxyConfigType, { nullable: true }) proxy!: ProxyConfigType | null;
  @Field(() => [String]) supportedModels!: string[];
  @Field(() => CollectorPortsType) ports!: CollectorPortsType;
}

@ObjectType('Collector')
export class CollectorType {
  @Field(() => ID) id!: string;
  @Field(() => String, { nullable: true }) hostname?: string | null;
  @Field(() => String, { nullable: true }) version?: string | null;
  @Field() enrolledAt!: Date;
  @Field(() => Date, { nullable: true }) lastSeenAt?: Date | null;
  @Field(() => Date, {
    nullable: true,
    description:
      'When its credentials were revoked (revokeCollector, archiveCollector); null once re-enrolled',
  })
  revokedAt?: Date | null;
  @Field(() => Date, { nullable: true, description: 'When it was archived (retired) in the portal' })
  archivedAt?: Date | null;
}

@ObjectType('CollectorCredentialRotation')
export class CollectorCredentialRotationType {
  @Field(() => CollectorType) collector!: CollectorType;
  @Field({
    description:
      'The current secret stops working then; the collector fetches a new one at its next configuration request',
  })
  previousValidUntil!: Date;
}

@ObjectType('CollectorEnrollment', {
  description: 'Shown once: give the token to the collector (plotmeter-collector enroll)',
})
export class CollectorEnrollmentType {
  @Field() token!: string;
  @Field() expiresAt!: Date;
}

@InputType()
export class ProxyInput {
  @Field() url!: string;
  @Field(() => String, { nullable: true }) username?: string | null;
  @Field(() => String, { nullable: true }) password?: string | null;
}

@InputType()
export class CollectorPortsInput {
  @Field(() => Int, { nullable: true }) ipp?: number | null;
  @Field(() => Int, { nullable: true }) snmp?: number | null;
  @Field(() => Int, { nullable: true }) http?: number | null;
  @Field(() => Int, { nullable: true }) https?: number | null;
}

@InputType()
export class UpdateCollectorConfigInput {
  @Field(() => [String], {
    nullable: true,
    description: 'CIDR (10.0.0.0/22) or from-to (10.0.0.10-10.0.0.50)',
  })
  ipRanges?: string[] | null;
  @Field(() => Int, { nullable: true, description: '30-1440' }) pollIntervalMinutes?: number | null;
  @Field(() => ProxyInput, { nullable: true, description: 'Set a proxy; see clearProxy to remove it' })
  proxy?: ProxyInput | null;
  @Field(() => Boolean, { nullable: true }) clearProxy?: boolean | null;
  @Field(() => [String], { nullable: true }) supportedModels?: string[] | null;
  @Field(() => CollectorPortsInput, { nullable: true }) ports?: CollectorPortsInput | null;
}

@InputType()
export class CollectorFilter {
  @Field(() => ID, { nullable: true }) customerId?: string | null;
}
