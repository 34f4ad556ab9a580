// Usage over time as a bar chart (recharts), one bar per series (stacked when there are several, e.g.
// HP and non-HP ink). The table beside it carries the same numbers for screen readers and for people
// who would rather read.
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatDate, formatQuantity, type Unit } from '../lib/format';

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
        <table className="data compact">
          <thead>
            <tr>
              <th scope="col">{monthly ? 'Month' : 'Day'}</th>
              {series.map((s) => (
                <th key={s.key} scope="col">
                  {s.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {points.map((p) => (
              <tr key={p.start}>
                <td>{formatDate(locale, p.start)}</td>
                {series.map((s) => (
                  <td key={s.key}>{formatQuantity(locale, value(p, s.key), unit)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
