// Pure rules of alert notifications (docs/notifications.md#alert-notifications): which rule wants an
// alert, whether a rule's quiet hours hold it back (and until when, in the rule's time zone, across
// daylight-saving changes), and the grouping of repeats: the first event of a printer's alert goes out
// at once and opens a window; what happens to the same alert in the window is held and mailed as one
// digest when the window ends.
import { wallClockMs } from './billing/time-zone';
import { type Severity, severityRank } from './severity';

export interface RuleScope {
  minSeverity: Severity;
  /** Empty: any. */
  customerIds: readonly string[];
  siteIds: readonly string[];
  printerIds: readonly string[];
}

export interface AlertFacts {
  severity: Severity;
  customerId: string | null;
  siteId: string | null;
  printerId: string | null;
}

/** A rule wants an alert of at least its severity whose customer, site and printer are each among its lists (an empty list is any). */
export function ruleMatches(rule: RuleScope, alert: AlertFacts): boolean {
  if (severityRank(alert.severity) < severityRank(rule.minSeverity)) return false;
  const within = (list: readonly string[], value: string | null) =>
    list.length === 0 || (value !== null && list.includes(value));
  return (
    within(rule.customerIds, alert.customerId) &&
    within(rule.siteIds, alert.siteId) &&
    within(rule.printerIds, alert.printerId)
  );
}

// ---- Quiet hours ----

export interface QuietHours {
  /** "HH:MM", local time in timeZone; start after end spans midnight (22:00-07:00). */
  start: string;
  end: string;
  timeZone: string;
  /** Alerts of at least this severity are sent in quiet hours too; null: none. */
  overrideMinSeverity: Severity | null;
}

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Minutes after midnight of "HH:MM", or null when it is not a valid time of day. */
export function parseTimeOfDay(value: string): number | null {
  const match = HH_MM.exec(value);
  return match ? Number(match[1]) * 60 + Number(match[2]) : null;
}

/** The zone's offset from UTC at an instant, in minutes (Europe/Berlin in summer: 120). */
export function utcOffsetMinutes(at: Date, timeZone: string): number {
  return Math.round((wallClockMs(at.getTime(), timeZone) - at.getTime()) / 60_000);
}

/** Minutes after local midnight at an instant. */
export function localMinuteOfDay(at: Date, timeZone: string): number {
  const wall = new Date(wallClockMs(at.getTime(), timeZone));
  return wall.getUTCHours() * 60 + wall.getUTCMinutes();
}

/**
 * When the quiet hours around `now` end, or null when `now` is not in them (or the severity overrides
 * them). The end is the next instant the local clock shows `end`, so a night that loses or gains an hour
 * to daylight saving ends at the same wall-clock time; an end in the skipped hour falls just after it.
 */
export function quietUntil(quiet: QuietHours | null, severity: Severity, now: Date): Date | null {
  if (!quiet) return null;
  if (quiet.overrideMinSeverity && severityRank(severity) >= severityRank(quiet.overrideMinSeverity))
    return null;
  const start = parseTimeOfDay(quiet.start);
  const end = parseTimeOfDay(quiet.end);
  if (start === null || end === null || start === end) return null;
  const minute = localMinuteOfDay(now, quiet.timeZone);
  const quietNow = start < end ? minute >= start && minute < end : minute >= start || minute < end;
  if (!quietNow) return null;
  // Wall-clock minutes to go, then corrected by the offset change in between (DST).
  const wallMinutes = (end - minute + 1440) % 1440;
  const startOfMinute = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  let candidate = new Date(startOfMinute.getTime() + wallMinutes * 60_000);
  const shift = utcOffsetMinutes(startOfMinute, quiet.timeZone) - utcOffsetMinutes(candidate, quiet.timeZone);
  if (shift !== 0) {
    const corrected = new Date(candidate.getTime() + shift * 60_000);
    // In a skipped hour the corrected instant shows another time; then the uncorrected one is the end.
    if (localMinuteOfDay(corrected, quiet.timeZone) === end) candidate = corrected;
  }
  return candidate;
}

// ---- Grouping of repeats ----

export interface GroupState {
  /** While in the future, events of the group are held for the digest. */
  windowEndsAt: Date | null;
}

export type GroupDecision =
  /** Mail this event now and hold what follows until windowEndsAt. */
  | { action: 'send'; windowEndsAt: Date }
  /** Hold this event; the digest goes out at flushAt (window end or end of quiet hours). */
  | { action: 'hold'; flushAt: Date };

export function decideEvent(
  state: GroupState | null,
  now: Date,
  windowMinutes: number,
  quietEndsAt: Date | null,
): GroupDecision {
  const open = state?.windowEndsAt && state.windowEndsAt.getTime() > now.getTime();
  if (open) {
    const windowEnd = state.windowEndsAt!;
    return { action: 'hold', flushAt: quietEndsAt && quietEndsAt > windowEnd ? quietEndsAt : windowEnd };
  }
  if (quietEndsAt) return { action: 'hold', flushAt: quietEndsAt };
  return { action: 'send', windowEndsAt: new Date(now.getTime() + windowMinutes * 60_000) };
}

/**
 * At a flush: held events go out as one digest (and open a new window, so a printer still flapping
 * keeps producing one mail per window), unless quiet hours still hold them; nothing held, nothing sent.
 */
export function decideFlush(
  heldCount: number,
  now: Date,
  windowMinutes: number,
  quietEndsAt: Date | null,
): { action: 'none' } | { action: 'defer'; flushAt: Date } | { action: 'send'; windowEndsAt: Date } {
  if (heldCount === 0) return { action: 'none' };
  if (quietEndsAt) return { action: 'defer', flushAt: quietEndsAt };
  return { action: 'send', windowEndsAt: new Date(now.getTime() + windowMinutes * 60_000) };
}
