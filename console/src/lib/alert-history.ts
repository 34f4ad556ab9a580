// One line per step of an alert's history, as the board shows it: what happened and who did it.
import type { AlertHistoryKind } from '../gql/graphql';

export interface HistoryStep {
  kind: AlertHistoryKind;
  actor: string;
  by?: { id: string; name: string } | null;
  assignee?: { id: string; name: string } | null;
  snoozedUntil?: string | null;
}

const SOURCES: Record<string, string> = {
  device: 'the printer',
  rule: 'a rule',
  system: 'Plotmeter',
};

/** Who did it: a user's name ("you" for the signed-in user), an API key, or Plotmeter itself. */
export function actorLabel(step: HistoryStep, myUserId: string): string {
  if (step.by) return step.by.id === myUserId ? 'you' : step.by.name;
  if (step.actor.startsWith('apikey:')) return 'an API key';
  return SOURCES[step.actor] ?? step.actor;
}

/** "Assigned to Carl by you", "Snoozed until <date> by Tess", "Raised by the printer". */
export function describeStep(
  step: HistoryStep,
  myUserId: string,
  formatDate: (iso: string) => string,
): string {
  const by = ` by ${actorLabel(step, myUserId)}`;
  const person = (p: { id: string; name: string }) => (p.id === myUserId ? 'you' : p.name);
  switch (step.kind) {
    case 'RAISED':
      return `Raised${by}`;
    case 'ACKNOWLEDGED':
      return `Acknowledged${by}`;
    case 'SNOOZED':
      return step.snoozedUntil ? `Snoozed until ${formatDate(step.snoozedUntil)}${by}` : `Snooze ended${by}`;
    case 'ASSIGNED':
      return step.assignee ? `Assigned to ${person(step.assignee)}${by}` : `Unassigned${by}`;
    case 'RESOLVED':
      return step.actor === 'system' && !step.by ? 'Resolved automatically' : `Resolved${by}`;
  }
}

/**
 * Whom the assign menu offers: the signed-in user first, then the others by name; the current
 * assignee stays listed even when no longer assignable (disabled, role changed) so the menu shows it.
 */
export function assigneeChoices<P extends { id: string; name: string }>(
  people: readonly P[],
  current: P | null | undefined,
  myUserId: string,
): P[] {
  const all = current && !people.some((p) => p.id === current.id) ? [...people, current] : [...people];
  return all.sort(
    (a, b) => Number(b.id === myUserId) - Number(a.id === myUserId) || a.name.localeCompare(b.name),
  );
}
