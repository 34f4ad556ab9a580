// JSON Schema (draft 2020-12) renderings of the wire schemas, for integrators who do not use zod
// (firmware teams, other languages). Generated from the zod schemas so the two cannot disagree; the
// committed copies in docs/ are checked against a fresh generation by a test.
import { z } from 'zod';
import { alertBatchV1Schema } from './alerts-v1.schema';
import { reportV1Schema } from './report-v1.schema';

export const REPORT_SCHEMA_ID = 'https://plotmeter.dev/schemas/report-v1.schema.json';
export const ALERTS_SCHEMA_ID = 'https://plotmeter.dev/schemas/alerts-v1.schema.json';

type JsonSchema = Record<string, unknown>;

function render(schema: z.ZodType, id: string, title: string, description: string): JsonSchema {
  // io 'input' describes what a sender may send (defaults optional), not what the server keeps.
  const generated = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'throw',
  });
  const { $schema, ...rest } = generated as JsonSchema;
  return { $schema, $id: id, title, description, ...rest };
}

export function reportJsonSchema(): JsonSchema {
  return render(
    reportV1Schema,
    REPORT_SCHEMA_ID,
    'Plotmeter Report v1',
    'Body of POST /ingest/v1/reports. Unknown properties are ignored by the server. A report whose ' +
      'source.kind is "direct" must contain exactly one printer (not expressible in this schema).',
  );
}

export function alertsJsonSchema(): JsonSchema {
  return render(
    alertBatchV1Schema,
    ALERTS_SCHEMA_ID,
    'Plotmeter alert batch v1',
    'Body of POST /ingest/v1/alerts: immediate alerts from one direct-connect printer.',
  );
}

/** The exact text committed under docs/ (stable key order from the generator, 2-space indent). */
export function jsonSchemaFiles(): Record<string, string> {
  return {
    'report-v1.schema.json': `${JSON.stringify(reportJsonSchema(), null, 2)}\n`,
    'alerts-v1.schema.json': `${JSON.stringify(alertsJsonSchema(), null, 2)}\n`,
  };
}
