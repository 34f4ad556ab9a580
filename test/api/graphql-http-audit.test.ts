// Runs the graphql-http server audit suite (GraphQL over HTTP conformance) against the real API and
// checks that exactly the audits listed in docs/graphql-http-audit.md as "deliberately not met" fail:
// a regression fails the audit's own test, and an improvement fails it too until the doc is updated.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { serverAudits, type AuditResult } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app';
import { newReseller } from '../support/factories';

const AUDIT_DOC = path.resolve(__dirname, '../../docs/graphql-http-audit.md');

/** Audit ids from the doc's "Deliberately not met" table: rows look like "| `572B` | SHOULD ... | reason |". */
function documentedExceptions(markdown: string): Set<string> {
  const section = markdown.split(/^## /m).find((s) => s.startsWith('Deliberately not met'));
  if (!section) throw new Error(`${AUDIT_DOC} has no "## Deliberately not met" section`);
  return new Set([...section.matchAll(/^\|\s*`([0-9A-F]{4})`\s*\|/gm)].map((m) => m[1]!));
}

const exceptions = documentedExceptions(readFileSync(AUDIT_DOC, 'utf8'));

let app: TestApp;
let apiKey: string;

// The audits query `{ __typename }` and friends; our API answers only authenticated callers, so every
// audit request carries a reseller admin's API key, as a real client's would.
const authorizedFetch = (input: Parameters<typeof fetch>[0], init: RequestInit = {}) => {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${apiKey}`);
  return fetch(input, { ...init, headers });
};

const audits = serverAudits({ url: () => `${app.url}/graphql`, fetchFn: authorizedFetch });

async function describeFailure(result: AuditResult): Promise<string> {
  if (result.status === 'ok') return 'ok';
  const body = await result.response.text().catch(() => '<unreadable body>');
  return `${result.status}: ${result.reason} (HTTP ${result.response.status}) ${body.slice(0, 300)}`;
}

beforeAll(async () => {
  app = await startTestApp({ roles: ['api'] });
  ({ apiKey } = await newReseller(app.services.orm.em));
});

afterAll(async () => {
  await app?.close();
});

describe('GraphQL over HTTP audit (graphql-http serverAudits)', () => {
  it('documents only audits that exist', () => {
    const ids = new Set(audits.map((a) => a.id));
    expect(exceptions.size).toBeGreaterThan(0);
    expect([...exceptions].filter((id) => !ids.has(id))).toEqual([]);
  });

  it.each(audits.map((a) => [`${a.id} ${a.name}`, a] as const))('%s', async (_label, audit) => {
    const result = await audit.fn();
    if (exceptions.has(audit.id)) {
      // Deliberately not met: if this starts passing, remove it from the doc's table.
      expect(result.status, `${audit.id} now passes; update docs/graphql-http-audit.md`).not.toBe('ok');
    } else {
      expect(await describeFailure(result)).toBe('ok');
    }
  });

  it('still blocks a simple (CSRF-able) GET that carries no credential and no preflight header', async () => {
    const response = await fetch(`${app.url}/graphql?query=${encodeURIComponent('{ __typename }')}`);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Cross-Site Request Forgery');
  });

  it('serves a GET query with only the bearer header (no Apollo preflight header needed)', async () => {
    const response = await authorizedFetch(
      `${app.url}/graphql?query=${encodeURIComponent('{ __typename }')}`,
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('refuses a mutation over GET even with credentials', async () => {
    const query = encodeURIComponent('mutation { __typename }');
    const response = await authorizedFetch(`${app.url}/graphql?query=${query}`);
    expect(response.status).toBe(405);
  });
});
