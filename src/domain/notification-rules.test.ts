import { describe, expect, it } from 'vitest';
import {
  type QuietHours,
  decideEvent,
  decideFlush,
  quietUntil,
  ruleMatches,
  utcOffsetMinutes,
} from './notification-rules';

const at = (iso: string) => new Date(iso);

describe('ruleMatches', () => {
  const rule = { minSeverity: 'error' as const, customerIds: ['c1'], siteIds: [], printerIds: [] };
  const alert = { severity: 'critical' as const, customerId: 'c1', siteId: 's1', printerId: 'p1' };
  it('wants alerts of at least its severity within its customers, sites and printers', () => {
    expect(ruleMatches(rule, alert)).toBe(true);
    expect(ruleMatches(rule, { ...alert, severity: 'warning' })).toBe(false);
    expect(ruleMatches(rule, { ...alert, customerId: 'c2' })).toBe(false);
    expect(ruleMatches(rule, { ...alert, customerId: null })).toBe(false);
    expect(ruleMatches({ ...rule, customerIds: [] }, { ...alert, customerId: null })).toBe(true);
    expect(ruleMatches({ ...rule, siteIds: ['s2'] }, alert)).toBe(false);
    expect(ruleMatches({ ...rule, printerIds: ['p1', 'p9'] }, alert)).toBe(true);
  });
});

describe('quietUntil', () => {
  const night: QuietHours = {
    start: '22:00',
    end: '07:00',
    timeZone: 'Europe/Berlin',
    overrideMinSeverity: 'critical',
  };
  it('holds alerts in overnight quiet hours until the local end', () => {
    // 23:30 in Berlin (winter, UTC+1) -> 07:00 local = 06:00Z.
    expect(quietUntil(night, 'warning', at('2026-01-14T22:30:00Z'))).toEqual(at('2026-01-15T06:00:00Z'));
    // 05:00 local -> same morning.
    expect(quietUntil(night, 'warning', at('2026-01-15T04:00:00Z'))).toEqual(at('2026-01-15T06:00:00Z'));
    // 07:00 and 21:59 local are not quiet.
    expect(quietUntil(night, 'warning', at('2026-01-15T06:00:00Z'))).toBeNull();
    expect(quietUntil(night, 'warning', at('2026-01-15T20:59:00Z'))).toBeNull();
  });

  it('lets the override severity through', () => {
    expect(quietUntil(night, 'critical', at('2026-01-14T22:30:00Z'))).toBeNull();
    expect(
      quietUntil({ ...night, overrideMinSeverity: null }, 'critical', at('2026-01-14T22:30:00Z')),
    ).not.toBeNull();
  });

  it('ends at the same wall-clock time across daylight-saving changes', () => {
    // Berlin springs forward on 2026-03-29 (02:00 -> 03:00): 23:00 CET -> 07:00 CEST = 05:00Z (7 h later).
    expect(quietUntil(night, 'info', at('2026-03-28T22:00:00Z'))).toEqual(at('2026-03-29T05:00:00Z'));
    // And falls back on 2026-10-25 (03:00 -> 02:00): 23:00 CEST -> 07:00 CET = 06:00Z (9 h later).
    expect(quietUntil(night, 'info', at('2026-10-24T21:00:00Z'))).toEqual(at('2026-10-25T06:00:00Z'));
    expect(utcOffsetMinutes(at('2026-07-01T12:00:00Z'), 'Europe/Berlin')).toBe(120);
    // New York, quiet 01:00-02:30: on 2026-03-08 clocks jump 02:00 -> 03:00, so 02:30 never shows; the
    // quiet hours end at the jump.
    const ny: QuietHours = {
      start: '01:00',
      end: '02:30',
      timeZone: 'America/New_York',
      overrideMinSeverity: null,
    };
    const end = quietUntil(ny, 'info', at('2026-03-08T06:30:00Z'))!; // 01:30 EST
    expect(end.getTime()).toBeGreaterThan(at('2026-03-08T06:30:00Z').getTime());
    expect(end.getTime()).toBeLessThanOrEqual(at('2026-03-08T07:30:00Z').getTime());
  });

  it('handles same-day quiet hours and other zones', () => {
    const lunch: QuietHours = {
      start: '12:00',
      end: '13:00',
      timeZone: 'Asia/Kolkata',
      overrideMinSeverity: null,
    };
    // 12:15 IST = 06:45Z.
    expect(quietUntil(lunch, 'error', at('2026-05-01T06:45:00Z'))).toEqual(at('2026-05-01T07:30:00Z'));
    expect(quietUntil(lunch, 'error', at('2026-05-01T07:30:00Z'))).toBeNull();
    expect(quietUntil(null, 'info', at('2026-05-01T07:30:00Z'))).toBeNull();
  });
});

describe('grouping of repeats', () => {
  const now = at('2026-06-01T10:00:00Z');
  it('sends the first event and holds the rest of the window', () => {
    expect(decideEvent(null, now, 15, null)).toEqual({
      action: 'send',
      windowEndsAt: at('2026-06-01T10:15:00Z'),
    });
    const open = { windowEndsAt: at('2026-06-01T10:15:00Z') };
    expect(decideEvent(open, at('2026-06-01T10:05:00Z'), 15, null)).toEqual({
      action: 'hold',
      flushAt: at('2026-06-01T10:15:00Z'),
    });
    // After the window: sent again at once.
    expect(decideEvent(open, at('2026-06-01T10:15:00Z'), 15, null).action).toBe('send');
    // No window: every event goes out.
    expect(decideEvent({ windowEndsAt: now }, now, 0, null).action).toBe('send');
  });

  it('holds in quiet hours until they end, and a window ending earlier waits for them', () => {
    const quietEnd = at('2026-06-01T11:00:00Z');
    expect(decideEvent(null, now, 15, quietEnd)).toEqual({ action: 'hold', flushAt: quietEnd });
    expect(decideEvent({ windowEndsAt: at('2026-06-01T10:15:00Z') }, now, 15, quietEnd)).toEqual({
      action: 'hold',
      flushAt: quietEnd,
    });
  });

  it('flushes held events as one digest and opens the next window', () => {
    expect(decideFlush(0, now, 15, null)).toEqual({ action: 'none' });
    expect(decideFlush(3, now, 15, null)).toEqual({
      action: 'send',
      windowEndsAt: at('2026-06-01T10:15:00Z'),
    });
    expect(decideFlush(3, now, 15, at('2026-06-01T11:00:00Z'))).toEqual({
      action: 'defer',
      flushAt: at('2026-06-01T11:00:00Z'),
    });
  });
});
