// schema.graphql is the reviewed API: the schema the resolvers build must equal the committed file.
// After an intended change: npm run build && node dist/main.js emit-schema --out schema.graphql
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { printSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildGraphQLSchema } from '../../src/graphql/build-schema';

describe('GraphQL schema', () => {
  it('matches the committed schema.graphql', async () => {
    const committed = readFileSync(path.resolve(__dirname, '../../schema.graphql'), 'utf8');
    expect(printSchema(await buildGraphQLSchema()) + '\n').toBe(committed);
  });

  it('keeps the names outside clients rely on (architecture.md)', async () => {
    const schema = await buildGraphQLSchema();
    const signature = (root: 'Query' | 'Mutation' | 'Subscription', name: string) => {
      const type =
        root === 'Query'
          ? schema.getQueryType()
          : root === 'Mutation'
            ? schema.getMutationType()
            : schema.getSubscriptionType();
      const field = type?.getFields()[name];
      if (!field) return null;
      return `${field.args
        .map((a) => `${a.name}: ${String(a.type)}`)
        .sort()
        .join(', ')} -> ${String(field.type)}`;
    };
    expect(signature('Query', 'me')).toBe(' -> Me!');
    expect(signature('Query', 'printer')).toBe('id: ID! -> Printer');
    expect(signature('Query', 'printerBySerial')).toBe('serialNumber: String! -> Printer');
    for (const name of ['printers', 'jobs', 'alerts', 'customers', 'collectors']) {
      expect(signature('Query', name)).toMatch(/after: String.*first: Int/);
      const connection = schema.getType(
        String((schema.getQueryType()!.getFields()[name]!.type as { ofType: unknown }).ofType),
      );
      expect(
        Object.keys((connection as { getFields(): Record<string, unknown> }).getFields()).sort(),
      ).toEqual(['edges', 'pageInfo', 'totalCount']);
    }
    expect(signature('Mutation', 'createCustomer')).toBe('input: CreateCustomerInput! -> Customer!');
    expect(signature('Mutation', 'registerPrinter')).toBe(
      'input: RegisterPrinterInput! -> RegisterPrinterPayload!',
    );
    expect(signature('Mutation', 'createCollectorEnrollment')).toBe(
      'customerId: ID! -> CollectorEnrollment!',
    );
    expect(signature('Mutation', 'updateCollectorConfig')).toBe(
      'collectorId: ID!, input: UpdateCollectorConfigInput! -> Collector!',
    );
    expect(printSchema(schema)).toContain('enum Severity {\n  INFO\n  WARNING\n  ERROR\n  CRITICAL\n}');
  });
});
