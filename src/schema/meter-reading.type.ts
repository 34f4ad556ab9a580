// A printer's lifetime counters as one report stated them (usage_reading): the record a disputed bill
// rests on, with the per-cartridge-type, per-media-type and per-category splits and where each figure
// came from. Scanned areas follow one naming everywhere: `scannedAreaM2` is scans plus copies,
// `scanAreaM2` scans only, `copyAreaM2` copies only.
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { CounterSourceType } from './billing-statement.type';

function literal(node: ValueNode): unknown {
  switch (node.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return node.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.LIST:
      return node.values.map(literal);
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((f) => [f.name.value, literal(f.value)]));
    default:
      return null;
  }
}

/** Printer-defined settings stored as the printer sent them (Report v1 opaque JSON). Output only. */
export const JsonScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'A JSON object or array, as the printer reported it',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: literal,
});

@ObjectType('InkCartridgeTypeUsage', {
  description:
    'Lifetime ink of all cartridges of one type (product number), as the printer measures it per slot',
})
export class InkCartridgeTypeUsageType {
  @Field() productNumber!: string;
  @Field(() => Float, { nullable: true, description: 'All ink used, mL' }) totalMl!: number | null;
  @Field(() => Float, { nullable: true, description: 'HP ink part, mL' }) oemMl!: number | null;
  @Field(() => Float, { nullable: true, description: 'Non-HP ink part, mL' }) nonOemMl!: number | null;
  @Field(() => Int, { nullable: true, description: 'Cartridges of this type ever inserted' })
  insertions!: number | null;
}

@ObjectType('MediaTypeUsage', { description: 'Lifetime media area of one media type' })
export class MediaTypeUsageType {
  @Field() mediaType!: string;
  @Field(() => Float) areaM2!: number;
}

@ObjectType('CategoryUsage', { description: 'Lifetime media used by plots of one application category' })
export class CategoryUsageType {
  @Field() category!: string;
  @Field(() => Float) areaM2!: number;
  @Field(() => Float) lengthM!: number;
}

@ObjectType('MeterReading', {
  description:
    'Lifetime counters as one report stated them. Null: the printer did not report the figure (never 0 for unknown).',
})
export class MeterReadingType {
  @Field(() => ID) id!: string;
  @Field({ description: 'When the printer was read' }) collectedAt!: Date;
  @Field({ description: 'When Plotmeter received it' }) receivedAt!: Date;
  @Field({ description: 'The serial at the time (a replacement shows here)' }) serialNumber!: string;
  @Field(() => Float, { nullable: true }) jobs!: number | null;
  @Field(() => Float, { nullable: true }) pages!: number | null;
  @Field(() => Float, { nullable: true }) totalInkMl!: number | null;
  @Field(() => Float, { nullable: true }) mediaAreaM2!: number | null;
  @Field(() => Float, { nullable: true, description: 'Area scanned, scans plus copies' })
  scannedAreaM2!: number | null;
  @Field(() => Float, { nullable: true, description: 'Area scanned by scan jobs only' })
  scanAreaM2!: number | null;
  @Field(() => Float, { nullable: true, description: 'Area scanned for copies only' })
  copyAreaM2!: number | null;
  @Field(() => [InkCartridgeTypeUsageType]) inkByCartridgeType!: InkCartridgeTypeUsageType[];
  @Field(() => [MediaTypeUsageType]) mediaByType!: MediaTypeUsageType[];
  @Field(() => [CategoryUsageType]) applicationCategories!: CategoryUsageType[];
  @Field(() => [CounterSourceType], {
    description: "Where the figures came from; empty: not stated (the printer's own counters)",
  })
  counterSources!: CounterSourceType[];
}
