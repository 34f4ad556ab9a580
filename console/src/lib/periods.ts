// Billing period keys as the API takes them: YYYY-MM (monthly) or YYYY-Qn (quarterly).

export const PERIOD_KEY = /^\d{4}-(0[1-9]|1[0-2]|Q[1-4])$/;

export function isPeriodKey(value: string): boolean {
  return PERIOD_KEY.test(value.trim());
}

/** The current (or an earlier, offset < 0) monthly period key in UTC. */
export function monthKey(now: Date, offset = 0): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

export function quarterKey(now: Date, offset = 0): string {
  const index = now.getUTCFullYear() * 4 + Math.floor(now.getUTCMonth() / 3) + offset;
  return `${Math.floor(index / 4)}-Q${(index % 4) + 1}`;
}

/** The last few period keys, newest first, for a contract's period kind. */
export function recentPeriods(kind: 'MONTHLY' | 'QUARTERLY', now: Date, count = 6): string[] {
  return Array.from({ length: count }, (_, i) =>
    kind === 'MONTHLY' ? monthKey(now, -i) : quarterKey(now, -i),
  );
}

/** The line under a close-period run's progress bar. */
export function runStatus(run: {
  periodKey: string;
  state: 'QUEUED' | 'RUNNING' | 'DONE';
  total: number;
  processed: number;
  statementIds: readonly string[];
  failures: readonly unknown[];
}): string {
  const contracts = (n: number) => `${n} contract${n === 1 ? '' : 's'}`;
  if (run.state === 'QUEUED') return `Waiting to close ${run.periodKey} for ${contracts(run.total)}…`;
  if (run.state === 'RUNNING')
    return `Closing ${run.periodKey}: ${run.processed} of ${contracts(run.total)} done…`;
  const drafted = run.statementIds.length;
  const failed = run.failures.length;
  return (
    `Closed ${run.periodKey}: ${drafted} statement${drafted === 1 ? '' : 's'} drafted` +
    (failed ? `, ${contracts(failed)} not closed.` : '.')
  );
}
