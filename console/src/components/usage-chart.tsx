// Usage over time as a bar chart (recharts). The table beside it carries the same numbers for screen
// readers and for people who would rather read.
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatDate, formatQuantity, type Unit } from '../lib/format';

export interface UsagePoint {
  start: string;
  value: number | null;
}

export function UsageChart({
  points,
  unit,
  label,
  locale,
  monthly,
}: {
  points: UsagePoint[];
  unit: Unit;
  label: string;
  locale: string;
  monthly: boolean;
}) {
  const tick = (iso: string) =>
    monthly
      ? new Intl.DateTimeFormat(locale, { month: 'short', year: '2-digit' }).format(new Date(iso))
      : new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short' }).format(new Date(iso));
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
              formatter={(v: number) => [formatQuantity(locale, v, unit), label]}
            />
            <Bar dataKey="value" fill="#1f6fb2" radius={[3, 3, 0, 0]} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
      <details>
        <summary>Show as table</summary>
        <table className="data compact">
          <thead>
            <tr>
              <th scope="col">{monthly ? 'Month' : 'Day'}</th>
              <th scope="col">{label}</th>
            </tr>
          </thead>
          <tbody>
            {points.map((p) => (
              <tr key={p.start}>
                <td>{formatDate(locale, p.start)}</td>
                <td>{formatQuantity(locale, p.value, unit)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
