// Usage over time as a bar chart (recharts), one bar per series (stacked when there are several, e.g.
// HP and non-HP ink). The table beside it carries the same numbers for screen readers and for people
// who would rather read.
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatDate, formatQuantity, type Unit } from '../lib/format';
import { DataTable } from './data-table';

export interface UsageSeries {
  key: string;
  label: string;
  color: string;
}

export type UsagePoint = { start: string } & Record<string, number | string | null>;

export function UsageChart({
  points,
  series,
  unit,
  label,
  locale,
  monthly,
}: {
  points: UsagePoint[];
  series: UsageSeries[];
  unit: Unit;
  label: string;
  locale: string;
  monthly: boolean;
}) {
  const tick = (iso: string) =>
    monthly
      ? new Intl.DateTimeFormat(locale, { month: 'short', year: '2-digit' }).format(new Date(iso))
      : new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short' }).format(new Date(iso));
  const labels = new Map(series.map((s) => [s.key, s.label]));
  const value = (p: UsagePoint, key: string) => {
    const v = p[key];
    return typeof v === 'number' ? v : null;
  };
  return (
    <figure className="chart" aria-label={`${label} per ${monthly ? 'month' : 'day'}`}>
      <div className="chart-box" aria-hidden="true">
        <ResponsiveContainer width="100%" height={260}>
          <BarChart data={points} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#d8dee6" />
            <XAxis dataKey="start" tickFormatter={tick} tick={{ fontSize: 12, fill: '#3d4a5c' }} />
            <YAxis
              tickFormatter={(v: number) => formatQuantity(locale, v, unit, 1)}
              tick={{ fontSize: 12, fill: '#3d4a5c' }}
              width={80}
            />
            <Tooltip
              labelFormatter={(iso: string) => formatDate(locale, iso)}
              formatter={(v: number, key: string) => [
                formatQuantity(locale, v, unit),
                labels.get(key) ?? key,
              ]}
            />
            {series.length > 1 && <Legend formatter={(key: string) => labels.get(key) ?? key} />}
            {series.map((s) => (
              <Bar key={s.key} dataKey={s.key} stackId="usage" fill={s.color} isAnimationActive={false} />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
      <details>
        <summary>Show as table</summary>
        <DataTable
          compact
          rows={points}
          rowKey={(p) => p.start}
          columns={[
            { key: 'start', header: monthly ? 'Month' : 'Day', cell: (p) => formatDate(locale, p.start) },
            ...series.map((s) => ({
              key: s.key,
              header: s.label,
              cell: (p: UsagePoint) => formatQuantity(locale, value(p, s.key), unit),
            })),
          ]}
        />
      </details>
    </figure>
  );
}
