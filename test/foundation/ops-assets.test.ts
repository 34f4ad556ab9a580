// The Grafana dashboard and the Prometheus alert rules an operator imports (ops/, docs/operations.md)
// refer only to metrics a real /metrics scrape exposes (from a process running every role), and the
// rules file has the structure Prometheus loads: groups of named rules with an expression, and for
// alerts a severity and a summary. `up` is the one series Prometheus itself adds.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startTestApp, type TestApp } from '../support/app';
import { metricFamilies } from '../support/prometheus';

const OPS = path.resolve(__dirname, '../../ops');
const PROMETHEUS_SERIES = new Set(['up']);
const HISTOGRAM_SUFFIXES = ['_bucket', '_sum', '_count'];

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** Metric names in a PromQL expression: identifiers that are not functions, keywords, labels or strings. */
function metricsIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""') // label values
    .replace(/\{[^}]*\}/g, '') // label matchers
    .replace(/\[[^\]]*\]/g, '') // ranges
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ''); // label lists
  const names = new Set<string>();
  const withoutNumbers = stripped.replace(/(?<![\w:])\d+(?:\.\d+)?(?:e[+-]?\d+)?/gi, '0');
  for (const match of withoutNumbers.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const word = match[0];
    const after = withoutNumbers.slice(match.index + word.length).trimStart();
    if (after.startsWith('(')) continue; // a function or an aggregation
    if (/^(and|or|unless|bool|offset|inf|nan)$/i.test(word)) continue;
    names.add(word);
  }
  return [...names];
}

function dashboardExpressions(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const item of node) dashboardExpressions(item, out);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'expr' && typeof value === 'string') out.push(value);
      else if (key === 'query' && typeof value === 'object') dashboardExpressions(value, out);
      else dashboardExpressions(value, out);
    }
  }
  return out;
}

let app: TestApp;
let exposed: Map<string, string>;
beforeAll(async () => {
  app = await startTestApp({ roles: ['api', 'ingest', 'worker'] });
  exposed = metricFamilies(await (await fetch(`${app.url}/metrics`)).text());
});
afterAll(async () => app?.close());

function unknownMetrics(expressions: string[]): string[] {
  const known = (name: string) =>
    PROMETHEUS_SERIES.has(name) ||
    (exposed.has(name) && exposed.get(name) !== 'histogram') ||
    HISTOGRAM_SUFFIXES.some((s) => name.endsWith(s) && exposed.get(name.slice(0, -s.length)) === 'histogram');
  return [...new Set(expressions.flatMap(metricsIn))].filter((name) => !known(name));
}

describe('ops assets', () => {
  it('the expression reader finds metric names and nothing else', () => {
    expect(
      metricsIn(
        'histogram_quantile(0.99, sum by (le, queue) (rate(plotmeter_report_lag_seconds_bucket{from="received", le="+Inf"}[10m]))) > 60 and on (job) up == 1',
      ).sort(),
    ).toEqual(['plotmeter_report_lag_seconds_bucket', 'up']);
  });

  it('the alert rules parse as Prometheus rule groups and use only exported metrics', () => {
    const file = parse(readFileSync(path.join(OPS, 'prometheus/alerts.yml'), 'utf8')) as {
      groups: Array<{ name: string; rules: Rule[] }>;
    };
    expect(Object.keys(file)).toEqual(['groups']);
    expect(file.groups.length).toBeGreaterThan(0);
    const names = new Set<string>();
    const expressions: string[] = [];
    for (const group of file.groups) {
      expect(group.name).toMatch(/^[a-z0-9-]+$/);
      expect(Object.keys(group).sort()).toEqual(['name', 'rules']);
      for (const rule of group.rules) {
        expect(rule.alert, JSON.stringify(rule)).toMatch(/^Plotmeter[A-Za-z0-9]+$/);
        expect(names.has(rule.alert!), `duplicate alert ${rule.alert}`).toBe(false);
        names.add(rule.alert!);
        expect(typeof rule.expr).toBe('string');
        if (rule.for !== undefined) expect(rule.for).toMatch(/^\d+[smhd]$/);
        expect(['critical', 'warning']).toContain(rule.labels?.severity);
        expect(rule.annotations?.summary, rule.alert).toBeTruthy();
        expect(
          Object.keys(rule).every((k) => ['alert', 'expr', 'for', 'labels', 'annotations'].includes(k)),
        ).toBe(true);
        // Balanced brackets: a truncated expression would not load.
        for (const [open, close] of ['()', '{}', '[]'])
          expect(rule.expr.split(open).length, `${rule.alert} ${open}${close}`).toBe(
            rule.expr.split(close).length,
          );
        expressions.push(rule.expr);
      }
    }
    // The signals each have an alert.
    for (const metric of [
      'plotmeter_queue_oldest_waiting_seconds',
      'plotmeter_report_lag_seconds_bucket',
      'plotmeter_failed_reports_total',
      'plotmeter_ingest_rejected_total',
      'plotmeter_webhook_deliveries_total',
    ])
      expect(
        expressions.some((e) => e.includes(metric)),
        metric,
      ).toBe(true);
    expect(unknownMetrics(expressions)).toEqual([]);
  });

  it('the Grafana dashboard is importable JSON whose panels use only exported metrics', () => {
    const dashboard = JSON.parse(readFileSync(path.join(OPS, 'grafana/plotmeter.json'), 'utf8')) as {
      title: string;
      uid: string;
      panels: Array<{ type: string; title: string; targets?: Array<{ expr: string }> }>;
    };
    expect(dashboard.uid).toBe('plotmeter-overview');
    const expressions = dashboardExpressions(dashboard);
    expect(expressions.length).toBeGreaterThan(15);
    for (const panel of dashboard.panels.filter((p) => p.type !== 'row'))
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
    // Every operator metric of issue 17 is on the dashboard.
    for (const metric of [
      'plotmeter_queue_jobs',
      'plotmeter_queue_oldest_waiting_seconds',
      'plotmeter_ingest_accepted_total',
      'plotmeter_ingest_rejected_total',
      'plotmeter_report_lag_seconds_bucket',
      'plotmeter_failed_reports_total',
      'plotmeter_graphql_subscriptions',
      'plotmeter_webhook_deliveries_total',
      'plotmeter_statements_total',
    ])
      expect(
        expressions.some((e) => e.includes(metric)),
        metric,
      ).toBe(true);
    expect(unknownMetrics(expressions)).toEqual([]);
  });
});
