// The history of one alert as a list of steps: raised (the alert's own timestamp), then what people
// and integrations recorded (alert_event), plus the steps older alerts only have as timestamps
// (acknowledged or resolved before alert_event existed, or resolved automatically by the rules).

export type AlertHistoryKind = 'RAISED' | 'ACKNOWLEDGED' | 'SNOOZED' | 'ASSIGNED' | 'RESOLVED';

export interface AlertHistoryStep {
  kind: AlertHistoryKind;
  at: Date;
  /** "user:<id>", "apikey:<id>", or the alert's source ("device", "rule", "system"). */
  actor: string;
  userId: string | null;
  assigneeId: string | null;
  snoozedUntil: Date | null;
}

export interface AlertTimestamps {
  source: string;
  raisedAt: Date;
  acknowledgedAt: Date | null;
  acknowledgedById: string | null;
  resolvedAt: Date | null;
  resolvedById: string | null;
}

const ORDER: Record<AlertHistoryKind, number> = {
  RAISED: 0,
  ACKNOWLEDGED: 1,
  SNOOZED: 1,
  ASSIGNED: 1,
  RESOLVED: 2,
};

function fromTimestamp(kind: AlertHistoryKind, at: Date, userId: string | null): AlertHistoryStep {
  // Without a recorded step we know the user, if any; no user means Plotmeter itself did it.
  return {
    kind,
    at,
    actor: userId ? `user:${userId}` : 'system',
    userId,
    assigneeId: null,
    snoozedUntil: null,
  };
}

/** Oldest first; steps at the same instant keep raised < lifecycle < resolved, then recorded order. */
export function alertHistory(
  alert: AlertTimestamps,
  recorded: readonly AlertHistoryStep[],
): AlertHistoryStep[] {
  const steps: AlertHistoryStep[] = [
    {
      kind: 'RAISED',
      at: alert.raisedAt,
      actor: alert.source,
      userId: null,
      assigneeId: null,
      snoozedUntil: null,
    },
    ...recorded,
  ];
  const has = (kind: AlertHistoryKind) => recorded.some((s) => s.kind === kind);
  if (alert.acknowledgedAt && !has('ACKNOWLEDGED'))
    steps.push(fromTimestamp('ACKNOWLEDGED', alert.acknowledgedAt, alert.acknowledgedById));
  if (alert.resolvedAt && !has('RESOLVED'))
    steps.push(fromTimestamp('RESOLVED', alert.resolvedAt, alert.resolvedById));
  return steps
    .map((step, index) => ({ step, index }))
    .sort(
      (a, b) =>
        a.step.at.getTime() - b.step.at.getTime() ||
        ORDER[a.step.kind] - ORDER[b.step.kind] ||
        a.index - b.index,
    )
    .map(({ step }) => step);
}
