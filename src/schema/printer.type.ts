// Printer and its components (Appendix A) as the API shows them.
import { Field, Float, ID, InputType, ObjectType } from 'type-graphql';
import { SIMPLE_FIELDS } from '../graphql/simple-fields';
import { ConnectionTypeEnum, PrinterOrderField, SortDirection } from './enums';

@ObjectType('Cartridge', SIMPLE_FIELDS)
export class CartridgeType {
  @Field(() => ID) id!: string;
  @Field(() => String, { nullable: true }) slot?: string | null;
  @Field() color!: string;
  @Field() status!: string;
  @Field(() => String, { nullable: true }) productNumber?: string | null;
  @Field(() => String, { nullable: true }) productName?: string | null;
  @Field(() => String, { nullable: true }) serialNumber?: string | null;
  @Field(() => String, { nullable: true }) manufacturer?: string | null;
  @Field(() => Float, { nullable: true }) capacityMl?: number | null;
  @Field(() => Float, { nullable: true }) levelPercent?: number | null;
  @Field(() => Float, { nullable: true, description: 'Ink consumed from this cartridge' }) inkConsumedMl?:
    number | null;
  @Field(() => Float, { nullable: true, description: 'Of which non-OEM ink' }) nonOemInkConsumedMl?:
    number | null;
  @Field(() => Date, { nullable: true }) expiresAt?: Date | null;
  @Field() firstSeenAt!: Date;
  @Field() lastSeenAt!: Date;
}

@ObjectType('Printhead', SIMPLE_FIELDS)
export class PrintheadType {
  @Field(() => ID) id!: string;
  @Field(() => String, { nullable: true }) slot?: string | null;
  @Field(() => [String]) colors!: string[];
  @Field() status!: string;
  @Field(() => Float, { nullable: true }) healthPercent?: number | null;
  @Field(() => String, { nullable: true }) productNumber?: string | null;
  @Field(() => String, { nullable: true }) productName?: string | null;
  @Field(() => String, { nullable: true }) serialNumber?: string | null;
  @Field({ description: 'The printhead has been used with non-OEM ink' }) nonOemInkUsed!: boolean;
  @Field(() => Date, { nullable: true }) expiresAt?: Date | null;
  @Field() firstSeenAt!: Date;
  @Field() lastSeenAt!: Date;
}

@ObjectType('MediaSource')
export class MediaSourceType {
  @Field(() => ID, { description: "The device's id of the source, e.g. roll1" }) sourceId!: string;
  @Field() kind!: string;
  @Field() status!: string;
  @Field(() => String, { nullable: true }) mediaType?: string | null;
  @Field(() => Float, { nullable: true }) widthMm?: number | null;
  @Field(() => Float, { nullable: true }) heightMm?: number | null;
  @Field() updatedAt!: Date;
}

@ObjectType('Accessory')
export class AccessoryType {
  @Field() name!: string;
  @Field() status!: string;
  @Field() updatedAt!: Date;
}

@ObjectType('MediaType')
export class MediaTypeType {
  @Field(() => ID, { description: 'The media type id the printer uses' }) code!: string;
  names!: Record<string, string>;
}

@ObjectType('LifetimeCounters', { description: 'The newest lifetime counters the printer reported' })
export class LifetimeCountersType {
  @Field(() => Float, { nullable: true }) jobs!: number | null;
  @Field(() => Float, { nullable: true }) pages!: number | null;
  @Field(() => Float, { nullable: true }) inkMl!: number | null;
  @Field(() => Float, { nullable: true }) mediaAreaM2!: number | null;
  @Field(() => Float, {
    nullable: true,
    deprecationReason:
      'Ambiguous: counts scans and copies, while scanAreaM2 elsewhere counts scans only. Use scannedAreaM2 (scans plus copies), or meterReading { scanAreaM2 copyAreaM2 } for the split.',
  })
  scanAreaM2!: number | null;
  @Field(() => Float, { nullable: true, description: 'Area scanned, scans plus copies' })
  scannedAreaM2!: number | null;
  @Field(() => Date, { nullable: true }) at!: Date | null;
}

@ObjectType('Printer', SIMPLE_FIELDS)
export class PrinterType {
  @Field(() => ID) id!: string;
  @Field() serialNumber!: string;
  @Field(() => String, { nullable: true }) productNumber?: string | null;
  @Field(() => String, { nullable: true }) productName?: string | null;
  @Field(() => String, { nullable: true, description: 'A name the reseller gives the printer' })
  displayName?: string | null;
  @Field(() => String, { nullable: true }) firmwareVersion?: string | null;
  @Field(() => ConnectionTypeEnum) connectionType!: ConnectionTypeEnum;
  @Field({ description: 'idle, printing, processing, warning, error, offline, sleep, unknown, ...' })
  engineState!: string;
  @Field(() => String, { nullable: true }) statusMessage?: string | null;
  @Field(() => [String]) statusReasons!: string[];
  @Field(() => Date, { nullable: true }) lastSeenAt?: Date | null;
  @Field() createdAt!: Date;
}

@InputType()
export class PrinterFilter {
  @Field(() => ID, { nullable: true }) customerId?: string | null;
  @Field(() => ID, { nullable: true }) siteId?: string | null;
  @Field(() => ID, { nullable: true }) collectorId?: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'Case-insensitive substring of the product name or number',
  })
  model?: string | null;
  @Field(() => String, { nullable: true }) engineState?: string | null;
  @Field(() => ConnectionTypeEnum, { nullable: true }) connectionType?: ConnectionTypeEnum | null;
  @Field(() => Boolean, { nullable: true }) hasOpenAlerts?: boolean | null;
  @Field(() => Boolean, {
    nullable: true,
    description:
      'true: an installed cartridge at or below the low level (or reporting low / empty), or a printhead below the minimum health, by the alert thresholds; false: none',
  })
  suppliesLow?: boolean | null;
  @Field(() => Date, { nullable: true }) lastSeenBefore?: Date | null;
  @Field(() => Date, { nullable: true }) lastSeenAfter?: Date | null;
  @Field(() => String, {
    nullable: true,
    description: 'Case-insensitive substring of the serial number or display name',
  })
  search?: string | null;
}

@InputType()
export class PrinterOrder {
  @Field(() => PrinterOrderField) field!: PrinterOrderField;
  @Field(() => SortDirection, { defaultValue: SortDirection.ASC }) direction!: SortDirection;
}

@InputType()
export class RegisterPrinterInput {
  @Field(() => ID) customerId!: string;
  @Field() serialNumber!: string;
  @Field() productNumber!: string;
  @Field(() => String, { nullable: true }) productName?: string | null;
}

@ObjectType('DeviceCredential', {
  description: 'Shown once: store the secret in the device, it is never returned again',
})
export class DeviceCredentialType {
  @Field() keyId!: string;
  @Field() secret!: string;
  @Field(() => Date, {
    nullable: true,
    description: 'Until when the previous secret stays valid (rotation grace)',
  })
  previousValidUntil?: Date | null;
}

@ObjectType('RegisterPrinterPayload')
export class RegisterPrinterPayload {
  @Field(() => PrinterType) printer!: PrinterType;
  @Field(() => DeviceCredentialType) credential!: DeviceCredentialType;
}

@InputType()
export class UpdatePrinterInput {
  @Field(() => String, { nullable: true }) displayName?: string | null;
  @Field(() => ID, { nullable: true, description: 'Assign to a site of the same customer; null to unassign' })
  siteId?: string | null;
}
