import { describe, expect, it } from 'vitest';
import { alertHistory, type AlertHistoryStep } from './alert-history';

const at = (minute: number) => new Date(Date.UTC(2026, 11, 7, 8, minute));
const step = (kind: AlertHistoryStep['kind'], minute: number, actor = 'user:u1'): AlertHistoryStep => ({
  kind,
  at: at(minute),
  actor,
  userId: actor.startsWith('user:') ? actor.slice(5) : null,
  assigneeId: null,
  snoozedUntil: null,
});
const base = {
  source: 'device',
  raisedAt: at(0),
  acknowledgedAt: null,
  acknowledgedById: null,
  resolvedAt: null,
  resolvedById: null,
};

describe('alertHistory', () => {
  it('starts with the raise by the alert source and keeps recorded steps in time order', () => {
    const history = alertHistory(base, [step('ASSIGNED', 5), step('ACKNOWLEDGED', 2)]);
    expect(history.map((s) => [s.kind, s.actor])).toEqual([
      ['RAISED', 'device'],
      ['ACKNOWLEDGED', 'user:u1'],
      ['ASSIGNED', 'user:u1'],
    ]);
  });

  it('adds acknowledgements and resolutions known only from timestamps, without doubling recorded ones', () => {
    const history = alertHistory(
      { ...base, acknowledgedAt: at(1), acknowledgedById: 'u2', resolvedAt: at(9), resolvedById: null },
      [step('SNOOZED', 3)],
    );
    expect(history.map((s) => [s.kind, s.actor])).toEqual([
      ['RAISED', 'device'],
      ['ACKNOWLEDGED', 'user:u2'],
      ['SNOOZED', 'user:u1'],
      ['RESOLVED', 'system'],
    ]);
    const recorded = alertHistory({ ...base, acknowledgedAt: at(1), acknowledgedById: 'u2' }, [
      step('ACKNOWLEDGED', 1, 'apikey:k1'),
    ]);
    expect(recorded.map((s) => [s.kind, s.actor])).toEqual([
      ['RAISED', 'device'],
      ['ACKNOWLEDGED', 'apikey:k1'],
    ]);
  });

  it('orders steps at the same instant: raised, then lifecycle, then resolved', () => {
    const history = alertHistory({ ...base, resolvedAt: at(0) }, [step('ASSIGNED', 0)]);
    expect(history.map((s) => s.kind)).toEqual(['RAISED', 'ASSIGNED', 'RESOLVED']);
  });
});
