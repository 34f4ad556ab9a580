// The alert board's history lines: what happened, to whom, and who did it.
import { describe, expect, it } from 'vitest';
import { actorLabel, assigneeChoices, describeStep, type HistoryStep } from '../src/lib/alert-history';

const me = { id: 'u1', name: 'Tess Tech' };
const carl = { id: 'u2', name: 'Carl Colleague' };
const date = (iso: string) => `<${iso}>`;
const step = (s: Partial<HistoryStep> & Pick<HistoryStep, 'kind'>): HistoryStep => ({
  actor: 'user:u2',
  by: carl,
  ...s,
});

describe('alert history lines', () => {
  it('names the actor: you, a colleague, an API key or Plotmeter', () => {
    expect(actorLabel(step({ kind: 'ACKNOWLEDGED', by: me, actor: 'user:u1' }), 'u1')).toBe('you');
    expect(actorLabel(step({ kind: 'ACKNOWLEDGED' }), 'u1')).toBe('Carl Colleague');
    expect(actorLabel(step({ kind: 'ACKNOWLEDGED', by: null, actor: 'apikey:k' }), 'u1')).toBe('an API key');
    expect(actorLabel(step({ kind: 'RAISED', by: null, actor: 'device' }), 'u1')).toBe('the printer');
  });

  it('describes each kind of step', () => {
    const line = (s: HistoryStep) => describeStep(s, 'u1', date);
    expect(line(step({ kind: 'RAISED', by: null, actor: 'rule' }))).toBe('Raised by a rule');
    expect(line(step({ kind: 'SNOOZED', snoozedUntil: '2026-12-07T10:00:00Z' }))).toBe(
      'Snoozed until <2026-12-07T10:00:00Z> by Carl Colleague',
    );
    expect(line(step({ kind: 'SNOOZED', snoozedUntil: null }))).toBe('Snooze ended by Carl Colleague');
    expect(line(step({ kind: 'ASSIGNED', assignee: me }))).toBe('Assigned to you by Carl Colleague');
    expect(line(step({ kind: 'ASSIGNED', assignee: null, by: me }))).toBe('Unassigned by you');
    expect(line(step({ kind: 'RESOLVED', by: null, actor: 'system' }))).toBe('Resolved automatically');
    expect(line(step({ kind: 'RESOLVED' }))).toBe('Resolved by Carl Colleague');
  });
});

describe('assign menu', () => {
  it('offers me first, then colleagues by name, keeping a current assignee who is no longer listed', () => {
    const zoe = { id: 'u3', name: 'Zoe' };
    const gone = { id: 'u4', name: 'Ada Former' };
    expect(assigneeChoices([zoe, carl, me], null, 'u1').map((p) => p.name)).toEqual([
      'Tess Tech',
      'Carl Colleague',
      'Zoe',
    ]);
    expect(assigneeChoices([zoe, me], gone, 'u1').map((p) => p.name)).toEqual([
      'Tess Tech',
      'Ada Former',
      'Zoe',
    ]);
    expect(assigneeChoices([zoe, me], zoe, 'u1')).toHaveLength(2);
  });
});
