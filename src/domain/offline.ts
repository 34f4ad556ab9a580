// Offline detection: which printers or collectors have been silent longer than their threshold.
// Used by the periodic sweep job; pure, so "now" is passed in.

export interface OfflineThresholdInput {
  /** How often the entity is expected to report (direct connection and collector default: 180). */
  expectedIntervalMinutes: number;
  /** A customer-specific threshold that replaces the computed one. */
  customerOverrideMinutes?: number | null;
}

export interface OfflineCandidate {
  id: string;
  lastSeenAt: Date | null;
  /** Silence of a never-seen entity is counted from its creation. */
  createdAt: Date;
  expectedIntervalMinutes: number;
  /** Override for this entity (e.g. the customer's setting); default 2 × interval + 30. */
  thresholdMinutes?: number | null;
}

const MS_PER_MINUTE = 60_000;

function assertPositiveMinutes(value: unknown, field: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${field}: expected a positive number of minutes, got ${String(value)}`);
  }
}

function assertDate(value: unknown, field: string): asserts value is Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new RangeError(`${field}: expected a valid Date, got ${String(value)}`);
  }
}

/**
 * Minutes of silence after which an entity counts as offline: the override when given, else two
 * missed reports plus 30 minutes of slack for slow uploads and clock skew.
 */
export function offlineThresholdMinutes(input: OfflineThresholdInput): number {
  assertPositiveMinutes(input.expectedIntervalMinutes, 'expectedIntervalMinutes');
  const override = input.customerOverrideMinutes;
  if (override !== undefined && override !== null) {
    assertPositiveMinutes(override, 'customerOverrideMinutes');
    return override;
  }
  return 2 * input.expectedIntervalMinutes + 30;
}

/** Minutes since the entity was last heard of (or created); negative when lastSeenAt is in the future. */
export function silentMinutes(entity: Pick<OfflineCandidate, 'lastSeenAt' | 'createdAt'>, now: Date): number {
  const since = entity.lastSeenAt ?? entity.createdAt;
  return (now.getTime() - since.getTime()) / MS_PER_MINUTE;
}

/**
 * Ids of the entities silent for longer than their threshold (exactly at the threshold is still
 * online), in input order.
 */
export function findOffline(entities: readonly OfflineCandidate[], now: Date): string[] {
  assertDate(now, 'now');
  const offline: string[] = [];
  entities.forEach((entity, i) => {
    const at = `entities[${i}]`;
    if (typeof entity.id !== 'string' || entity.id === '') {
      throw new RangeError(`${at}.id: expected a non-empty string, got ${String(entity.id)}`);
    }
    if (entity.lastSeenAt !== null) assertDate(entity.lastSeenAt, `${at}.lastSeenAt`);
    assertDate(entity.createdAt, `${at}.createdAt`);
    assertPositiveMinutes(entity.expectedIntervalMinutes, `${at}.expectedIntervalMinutes`);
    if (entity.thresholdMinutes !== undefined && entity.thresholdMinutes !== null) {
      assertPositiveMinutes(entity.thresholdMinutes, `${at}.thresholdMinutes`);
    }
    const threshold = offlineThresholdMinutes({
      expectedIntervalMinutes: entity.expectedIntervalMinutes,
      customerOverrideMinutes: entity.thresholdMinutes,
    });
    if (silentMinutes(entity, now) > threshold) offline.push(entity.id);
  });
  return offline;
}
