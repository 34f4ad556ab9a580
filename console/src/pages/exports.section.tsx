// Billing → Export: the files integrations fetch, for people. Statements of a period for the ERP
// (GET /export/v1/statements), and jobs or usage per printer and day of a UTC month or a date range,
// optionally for one customer (GET /export/v1/jobs, /export/v1/usage). The same files, the same names.
import { useState } from 'react';
import { ExportButton } from '../components/export-button';
import { Field, SelectField } from '../components/field';
import type { ExportFormat } from '../lib/download';
import { isPeriodKey, monthKey } from '../lib/periods';
import { dataExportRange } from '../lib/export-range';

export function Exports({ customers }: { customers: Array<{ id: string; name: string }> }) {
  return (
    <>
      <StatementsExport />
      <DataExport customers={customers} />
    </>
  );
}

function StatementsExport() {
  const [period, setPeriod] = useState(monthKey(new Date()));
  const [format, setFormat] = useState<ExportFormat>('csv');
  const [status, setStatus] = useState<'' | 'APPROVED' | 'EXPORTED'>('');
  const valid = isPeriodKey(period);
  return (
    <section className="card" aria-labelledby="export">
      <h2 id="export">Statements for your ERP</h2>
      <p className="muted">
        Approved and exported statements of a period, as CSV (RFC 4180) or JSON — the same file an integration
        gets from GET /export/v1/statements.
      </p>
      <div className="inline-form">
        <Field label="Period" error={valid ? null : 'YYYY-MM or YYYY-Qn'}>
          {(a) => (
            <input
              {...a}
              value={period}
              onChange={(e) => setPeriod(e.target.value)}
              placeholder="YYYY-MM or YYYY-Qn"
            />
          )}
        </Field>
        <FormatSelect value={format} onChange={setFormat} />
        <Field label="Statements">
          {(a) => (
            <select {...a} value={status} onChange={(e) => setStatus(e.target.value as typeof status)}>
              <option value="">Approved and exported</option>
              <option value="APPROVED">Approved only</option>
              <option value="EXPORTED">Exported only</option>
            </select>
          )}
        </Field>
        <ExportButton
          className=""
          label="Download"
          disabled={!valid}
          request={{ kind: 'statements', period, format, status }}
        />
      </div>
    </section>
  );
}

function FormatSelect({ value, onChange }: { value: ExportFormat; onChange: (f: ExportFormat) => void }) {
  return (
    <Field label="Format">
      {(a) => (
        <select {...a} value={value} onChange={(e) => onChange(e.target.value as ExportFormat)}>
          <option value="csv">CSV</option>
          <option value="json">JSON</option>
        </select>
      )}
    </Field>
  );
}

function DataExport({ customers }: { customers: Array<{ id: string; name: string }> }) {
  const [customerId, setCustomerId] = useState('');
  const [mode, setMode] = useState<'month' | 'range'>('month');
  const [month, setMonth] = useState(monthKey(new Date(), -1));
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [format, setFormat] = useState<ExportFormat>('csv');
  const range = dataExportRange(mode === 'month' ? { month } : { from, to });
  const base = { format, ...(customerId ? { customerId } : {}), ...(range.ok ? range.value : {}) };
  return (
    <section className="card" aria-labelledby="data-export">
      <h2 id="data-export">Jobs and usage</h2>
      <p className="muted">
        Every job (with user, account and project) or the usage per printer and day, for a UTC month or up to
        366 days — the files of GET /export/v1/jobs and /export/v1/usage, for your own chargeback or analysis.
      </p>
      <div className="inline-form">
        <SelectField
          label="Customer"
          value={customerId}
          onChange={setCustomerId}
          none="All customers"
          options={customers.map((c) => ({ value: c.id, label: c.name }))}
        />
        <Field label="Span">
          {(a) => (
            <select {...a} value={mode} onChange={(e) => setMode(e.target.value as 'month' | 'range')}>
              <option value="month">A month (UTC)</option>
              <option value="range">From – to (UTC dates)</option>
            </select>
          )}
        </Field>
        {mode === 'month' ? (
          <Field label="Month" error={range.ok ? null : range.errors.month}>
            {(a) => <input {...a} type="month" value={month} onChange={(e) => setMonth(e.target.value)} />}
          </Field>
        ) : (
          <>
            <Field label="From" error={range.ok ? null : range.errors.from}>
              {(a) => <input {...a} type="date" value={from} onChange={(e) => setFrom(e.target.value)} />}
            </Field>
            <Field label="To (inclusive)" error={range.ok ? null : range.errors.to}>
              {(a) => <input {...a} type="date" value={to} onChange={(e) => setTo(e.target.value)} />}
            </Field>
          </>
        )}
        <FormatSelect value={format} onChange={setFormat} />
        <ExportButton label="Download jobs" disabled={!range.ok} request={{ kind: 'jobs', ...base }} />
        <ExportButton label="Download usage" disabled={!range.ok} request={{ kind: 'usage', ...base }} />
      </div>
    </section>
  );
}
