import { describe, expect, it } from 'vitest';
import {
  ALERT_RULES,
  evaluateRules,
  normalizeDeviceAlert,
  resolveThresholds,
  type AlertCandidate,
  type CartridgeState,
  type PrinterState,
  type PrintheadState,
} from './alert-rules';

const now = new Date('2026-06-01T12:00:00Z');
const daysFromNow = (days: number) => new Date(now.getTime() + days * 86_400_000);

const cartridge = (over: Partial<CartridgeState> = {}): CartridgeState => ({
  slot: '1',
  serialNumber: 'CN-C-0001',
  color: 'Cyan',
  levelPercent: 80,
  status: 'ok',
  expiresAt: daysFromNow(365),
  nonOemInkConsumedMl: 0,
  manufacturer: 'HP',
  ...over,
});

const printhead = (over: Partial<PrintheadState> = {}): PrintheadState => ({
  slot: '1',
  serialNumber: 'PH-0001',
  colors: ['Cyan', 'Magenta'],
  status: 'ok',
  healthPercent: 90,
  nonOemInkUsed: false,
  expiresAt: daysFromNow(700),
  ...over,
});

const printer = (over: Partial<PrinterState> = {}): PrinterState => ({
  serialNumber: 'SG12A3456',
  engineState: 'idle',
  cartridges: [cartridge()],
  printheads: [printhead()],
  counters: { totalInkMl: 5000, totalMediaAreaM2: 1200, jobs: 300, pages: 900 },
  ...over,
});

const codes = (alerts: AlertCandidate[]) => alerts.map((a) => a.code).sort();

describe('evaluateRules: healthy printer', () => {
  it('raises nothing and lists every rule of every component as resolvable', () => {
    const result = evaluateRules(printer(), printer(), {}, now);
    expect(result.raise).toEqual([]);
    expect(result.resolve).toEqual([
      'engine.error',
      'cartridge.low@cartridge/cyan/CN-C-0001',
      'cartridge.empty@cartridge/cyan/CN-C-0001',
      'cartridge.missing@cartridge/cyan/CN-C-0001',
      'cartridge.expired@cartridge/cyan/CN-C-0001',
      'cartridge.expiring@cartridge/cyan/CN-C-0001',
      'ink.non_oem_detected@cartridge/cyan/CN-C-0001',
      'printhead.health_low@printhead/cyan+magenta/PH-0001',
      'printhead.failed@printhead/cyan+magenta/PH-0001',
      'printhead.missing@printhead/cyan+magenta/PH-0001',
      'printhead.expired@printhead/cyan+magenta/PH-0001',
      'ink.non_oem_detected@printhead/cyan+magenta/PH-0001',
    ]);
    expect(evaluateRules(null, printer(), {}, now)).toEqual(result);
  });

  it('never lists a raised key as resolved', () => {
    const troubled = printer({
      engineState: 'fault',
      cartridges: [cartridge({ levelPercent: 2, expiresAt: daysFromNow(3), nonOemInkConsumedMl: 1 })],
      printheads: [printhead({ healthPercent: 5 })],
    });
    const { raise, resolve } = evaluateRules(printer(), troubled, {}, now);
    expect(codes(raise)).toEqual([
      'cartridge.expiring',
      'cartridge.low',
      'engine.error',
      'ink.non_oem_detected',
      'printhead.health_low',
    ]);
    for (const alert of raise) expect(resolve).not.toContain(alert.dedupeKey);
  });
});

describe('cartridge level rules', () => {
  it('is low exactly at the threshold, not just above it', () => {
    const at = evaluateRules(null, printer({ cartridges: [cartridge({ levelPercent: 10 })] }), {}, now);
    expect(at.raise).toEqual([
      {
        code: 'cartridge.low',
        severity: 'warning',
        message: 'Cyan cartridge CN-C-0001 is low: 10% (threshold 10%)',
        component: 'cartridge/cyan/CN-C-0001',
        dedupeKey: 'cartridge.low@cartridge/cyan/CN-C-0001',
      },
    ]);
    const above = evaluateRules(null, printer({ cartridges: [cartridge({ levelPercent: 10.5 })] }), {}, now);
    expect(above.raise).toEqual([]);
  });

  it('honours a reseller threshold', () => {
    const state = printer({ cartridges: [cartridge({ levelPercent: 15 })] });
    expect(codes(evaluateRules(null, state, {}, now).raise)).toEqual([]);
    expect(codes(evaluateRules(null, state, { cartridgeLowPercent: 20 }, now).raise)).toEqual([
      'cartridge.low',
    ]);
  });

  it('is empty (critical, not also low) at 0 %, at a negative raw level, or by status', () => {
    for (const c of [
      cartridge({ levelPercent: 0 }),
      cartridge({ levelPercent: -2 }),
      cartridge({ levelPercent: null, status: 'Out Of Ink' }),
    ]) {
      const { raise } = evaluateRules(null, printer({ cartridges: [c] }), {}, now);
      expect(raise.map((a) => [a.code, a.severity])).toEqual([['cartridge.empty', 'critical']]);
    }
  });

  it('falls back to the status word when no level is reported', () => {
    const { raise } = evaluateRules(
      null,
      printer({ cartridges: [cartridge({ levelPercent: null, status: 'LOW' })] }),
      {},
      now,
    );
    expect(codes(raise)).toEqual(['cartridge.low']);
    expect(
      evaluateRules(null, printer({ cartridges: [cartridge({ levelPercent: null })] }), {}, now).raise,
    ).toEqual([]);
  });

  it('resolves low when the cartridge is refilled and when it is replaced by a new serial', () => {
    const low = printer({ cartridges: [cartridge({ levelPercent: 5 })] });
    const refilled = evaluateRules(low, printer(), {}, now);
    expect(refilled.raise).toEqual([]);
    expect(refilled.resolve).toContain('cartridge.low@cartridge/cyan/CN-C-0001');
    const replaced = printer({ cartridges: [cartridge({ serialNumber: 'CN-C-0002', levelPercent: 5 })] });
    const result = evaluateRules(low, replaced, {}, now);
    expect(result.resolve).toContain('cartridge.low@cartridge/cyan/CN-C-0001');
    expect(result.resolve).not.toContain('cartridge.low@cartridge/cyan/CN-C-0002');
    expect(result.raise.map((a) => a.dedupeKey)).toEqual(['cartridge.low@cartridge/cyan/CN-C-0002']);
  });

  it('keeps one key per cartridge when two share a colour (PageWide XL has two per colour)', () => {
    const state = printer({
      cartridges: [
        cartridge({ slot: '1', serialNumber: 'A1', levelPercent: 3 }),
        cartridge({ slot: '2', serialNumber: 'A2', levelPercent: 4 }),
      ],
    });
    expect(evaluateRules(null, state, {}, now).raise.map((a) => a.dedupeKey)).toEqual([
      'cartridge.low@cartridge/cyan/A1',
      'cartridge.low@cartridge/cyan/A2',
    ]);
  });

  it('reports a missing cartridge as critical and ignores its level and dates', () => {
    const state = printer({
      cartridges: [
        cartridge({ serialNumber: '', status: 'missing', levelPercent: 0, expiresAt: daysFromNow(-1) }),
      ],
    });
    const { raise } = evaluateRules(null, state, {}, now);
    expect(raise.map((a) => [a.code, a.severity, a.dedupeKey])).toEqual([
      ['cartridge.missing', 'critical', 'cartridge.missing@cartridge/cyan/slot-1'],
    ]);
  });
});

describe('expiry rules', () => {
  it('is expiring exactly at the window edge, not one second beyond', () => {
    const edge = evaluateRules(
      null,
      printer({ cartridges: [cartridge({ expiresAt: daysFromNow(30) })] }),
      {},
      now,
    );
    expect(edge.raise.map((a) => [a.code, a.severity])).toEqual([['cartridge.expiring', 'warning']]);
    const beyond = new Date(daysFromNow(30).getTime() + 1000);
    expect(
      evaluateRules(null, printer({ cartridges: [cartridge({ expiresAt: beyond })] }), {}, now).raise,
    ).toEqual([]);
  });

  it('is expired (error) from the expiry instant on, and then no longer "expiring"', () => {
    const { raise } = evaluateRules(null, printer({ cartridges: [cartridge({ expiresAt: now })] }), {}, now);
    expect(raise.map((a) => [a.code, a.severity])).toEqual([['cartridge.expired', 'error']]);
    expect(raise[0].message).toBe('Cyan cartridge CN-C-0001 has expired on 2026-06-01');
  });

  it('moves from expiring to expired as time passes, with an unchanged state', () => {
    const state = printer({ cartridges: [cartridge({ expiresAt: daysFromNow(1) })] });
    const later = new Date(now.getTime() + 2 * 86_400_000);
    const first = evaluateRules(null, state, {}, now);
    expect(codes(first.raise)).toEqual(['cartridge.expiring']);
    const second = evaluateRules(state, state, {}, later);
    expect(codes(second.raise)).toEqual(['cartridge.expired']);
    expect(second.resolve).toContain('cartridge.expiring@cartridge/cyan/CN-C-0001');
  });

  it('raises printhead.expired but no near-expiry alert for printheads', () => {
    expect(
      codes(
        evaluateRules(null, printer({ printheads: [printhead({ expiresAt: daysFromNow(5) })] }), {}, now)
          .raise,
      ),
    ).toEqual([]);
    const expired = evaluateRules(
      null,
      printer({ printheads: [printhead({ expiresAt: daysFromNow(-5) })] }),
      {},
      now,
    );
    expect(expired.raise.map((a) => [a.code, a.severity, a.component])).toEqual([
      ['printhead.expired', 'error', 'printhead/cyan+magenta/PH-0001'],
    ]);
  });
});

describe('printhead rules', () => {
  it('is health_low below the minimum, not exactly at it', () => {
    expect(
      evaluateRules(null, printer({ printheads: [printhead({ healthPercent: 20 })] }), {}, now).raise,
    ).toEqual([]);
    const low = evaluateRules(null, printer({ printheads: [printhead({ healthPercent: 19 })] }), {}, now);
    expect(low.raise.map((a) => [a.code, a.severity])).toEqual([['printhead.health_low', 'warning']]);
    expect(low.raise[0].message).toBe('Cyan/Magenta printhead PH-0001 health is 19% (minimum 20%)');
  });

  it('is failed (critical) by status and then does not also report low health', () => {
    const { raise } = evaluateRules(
      null,
      printer({ printheads: [printhead({ status: 'Failed', healthPercent: 0 })] }),
      {},
      now,
    );
    expect(raise.map((a) => [a.code, a.severity])).toEqual([['printhead.failed', 'critical']]);
  });

  it('resolves failed when the printhead is replaced', () => {
    const failed = printer({ printheads: [printhead({ status: 'failed' })] });
    const replaced = printer({ printheads: [printhead({ serialNumber: 'PH-0002' })] });
    const result = evaluateRules(failed, replaced, {}, now);
    expect(result.raise).toEqual([]);
    expect(result.resolve).toContain('printhead.failed@printhead/cyan+magenta/PH-0001');
  });
});

describe('ink.non_oem_detected', () => {
  const nonOem = printer({ cartridges: [cartridge({ nonOemInkConsumedMl: 12.5, manufacturer: 'Acme' })] });

  it('counts the first report as first sight', () => {
    const { raise } = evaluateRules(null, nonOem, {}, now);
    expect(raise.map((a) => [a.code, a.severity, a.dedupeKey])).toEqual([
      ['ink.non_oem_detected', 'warning', 'ink.non_oem_detected@cartridge/cyan/CN-C-0001'],
    ]);
    expect(raise[0].message).toContain('12.5 ml');
  });

  it('fires when consumption grows from 0, and not again while it keeps growing', () => {
    expect(codes(evaluateRules(printer(), nonOem, {}, now).raise)).toEqual(['ink.non_oem_detected']);
    const more = printer({ cartridges: [cartridge({ nonOemInkConsumedMl: 40, manufacturer: 'Acme' })] });
    const again = evaluateRules(nonOem, more, {}, now);
    expect(again.raise).toEqual([]);
    expect(again.resolve).not.toContain('ink.non_oem_detected@cartridge/cyan/CN-C-0001');
  });

  it('fires for a newly inserted cartridge that already carries non-OEM ink', () => {
    const swapped = printer({
      cartridges: [cartridge({ serialNumber: 'CN-C-0099', nonOemInkConsumedMl: 3 })],
    });
    const result = evaluateRules(nonOem, swapped, {}, now);
    expect(result.raise.map((a) => a.dedupeKey)).toEqual(['ink.non_oem_detected@cartridge/cyan/CN-C-0099']);
    expect(result.resolve).toContain('ink.non_oem_detected@cartridge/cyan/CN-C-0001');
    expect(result.resolve).not.toContain('ink.non_oem_detected@cartridge/cyan/CN-C-0099');
  });

  it('fires once for a printhead flagged as used with non-OEM ink', () => {
    const flagged = printer({ printheads: [printhead({ nonOemInkUsed: true })] });
    expect(evaluateRules(printer(), flagged, {}, now).raise.map((a) => a.dedupeKey)).toEqual([
      'ink.non_oem_detected@printhead/cyan+magenta/PH-0001',
    ]);
    expect(evaluateRules(flagged, flagged, {}, now).raise).toEqual([]);
  });
});

describe('engine.error', () => {
  it('raises while the engine is in an error state and resolves when it recovers', () => {
    const broken = printer({ engineState: 'Error', statusMessage: 'Service 86:01' });
    const raised = evaluateRules(printer(), broken, {}, now);
    expect(raised.raise).toEqual([
      {
        code: 'engine.error',
        severity: 'error',
        message: 'Print engine reports "Error": Service 86:01',
        dedupeKey: 'engine.error',
      },
    ]);
    expect(raised.resolve).not.toContain('engine.error');
    const recovered = evaluateRules(broken, printer(), {}, now);
    expect(recovered.raise).toEqual([]);
    expect(recovered.resolve).toContain('engine.error');
  });

  it('does not treat a busy or stopped engine as an error', () => {
    for (const engineState of ['printing', 'processing', 'stopped', 'sleep']) {
      expect(evaluateRules(null, printer({ engineState }), {}, now).raise).toEqual([]);
    }
  });
});

describe('counter.backwards', () => {
  it('raises a critical alert naming each dropped counter, never on the first report', () => {
    const swapped = printer({ counters: { totalInkMl: 20, totalMediaAreaM2: 1100, jobs: 300, pages: 900 } });
    const { raise, resolve } = evaluateRules(printer(), swapped, {}, now);
    expect(raise).toHaveLength(1);
    expect(raise[0]).toMatchObject({
      code: 'counter.backwards',
      severity: 'critical',
      dedupeKey: 'counter.backwards',
    });
    expect(raise[0].message).toContain('totalInkMl 5000 -> 20 (fresh counter: board swap?)');
    expect(raise[0].message).toContain(
      'totalMediaAreaM2 1200 -> 1100 (not a fresh counter: rollback or tamper?)',
    );
    expect(raise[0].message).not.toContain('jobs');
    expect(resolve).not.toContain('counter.backwards');
    expect(evaluateRules(null, swapped, {}, now).raise).toEqual([]);
  });

  it('ignores floating-point noise and unknown counters', () => {
    const noisy = printer({
      counters: { totalInkMl: 5000 - 5000 * 5e-10, totalMediaAreaM2: null, jobs: 300, pages: 900 },
    });
    expect(evaluateRules(printer(), noisy, {}, now).raise).toEqual([]);
  });

  it('is an event: not resolved by the next normal report', () => {
    const swapped = printer({ counters: { totalInkMl: 20 } });
    const after = printer({ counters: { totalInkMl: 30 } });
    const result = evaluateRules(swapped, after, {}, now);
    expect(result.raise).toEqual([]);
    expect(result.resolve.some((key) => key.startsWith('counter.') || key.startsWith('identity.'))).toBe(
      false,
    );
  });
});

describe('identity.mismatch', () => {
  it('raises when the serial changes under one credential, and skips comparisons with the other device', () => {
    const other = printer({
      serialNumber: 'OTHER999',
      counters: { totalInkMl: 10 },
      printheads: [printhead({ serialNumber: 'PH-X', nonOemInkUsed: true })],
    });
    const before = printer({ printheads: [printhead({ serialNumber: 'PH-X', nonOemInkUsed: true })] });
    const { raise } = evaluateRules(before, other, {}, now);
    expect(raise.map((a) => [a.code, a.severity])).toEqual([
      ['ink.non_oem_detected', 'warning'], // first sight on this device
      ['identity.mismatch', 'critical'],
    ]);
    expect(raise[1].message).toBe('Serial number changed under the same credential: SG12A3456 -> OTHER999');
  });

  it('ignores case and surrounding spaces in serials', () => {
    expect(evaluateRules(printer(), printer({ serialNumber: ' sg12a3456 ' }), {}, now).raise).toEqual([]);
  });
});

describe('input validation', () => {
  it('names the invalid field instead of crashing', () => {
    const bad = printer({ cartridges: [cartridge({ levelPercent: Number.NaN })] });
    expect(() => evaluateRules(null, bad, {}, now)).toThrow(
      'next.cartridges[0].levelPercent: expected a finite number or null, got NaN',
    );
    const badDate = printer({ printheads: [printhead({ expiresAt: '2026-01-01' as unknown as Date })] });
    expect(() => evaluateRules(badDate, printer(), {}, now)).toThrow(
      /prev\.printheads\[0\]\.expiresAt: expected a valid Date/,
    );
    const badCounter = printer({ counters: { jobs: -1 } });
    expect(() => evaluateRules(null, badCounter, {}, now)).toThrow(/next\.counters\.jobs/);
    expect(() => evaluateRules(null, printer(), {}, new Date('x'))).toThrow(/now: expected a valid Date/);
  });

  it('validates thresholds', () => {
    expect(resolveThresholds({ cartridgeLowPercent: 15 })).toEqual({
      cartridgeLowPercent: 15,
      expiringWithinDays: 30,
      printheadHealthMinPercent: 20,
    });
    expect(() => resolveThresholds({ cartridgeLowPercent: 120 })).toThrow(/thresholds\.cartridgeLowPercent/);
    expect(() => resolveThresholds({ expiringWithinDays: -1 })).toThrow(/thresholds\.expiringWithinDays/);
  });

  it('documents a severity for every code', () => {
    expect(Object.keys(ALERT_RULES).sort()).toEqual([
      'cartridge.empty',
      'cartridge.expired',
      'cartridge.expiring',
      'cartridge.low',
      'cartridge.missing',
      'counter.backwards',
      'engine.error',
      'identity.mismatch',
      'ink.non_oem_detected',
      'printhead.expired',
      'printhead.failed',
      'printhead.health_low',
      'printhead.missing',
    ]);
  });
});

describe('normalizeDeviceAlert', () => {
  const norm = (code: string, severity: 'info' | 'warning' | 'error' | 'critical' = 'info', extra = {}) =>
    normalizeDeviceAlert({ code, severity, message: 'm', ...extra });

  it.each([
    ['mediaJam', 'critical'],
    ['media-jam-error', 'critical'],
    ['markerSupplyEmpty', 'critical'],
    ['markerInkEmpty', 'critical'],
    ['markerWasteFull', 'critical'],
    ['markerWasteInkReceptacleFull', 'critical'],
    ['markerTonerCartridgeMissing', 'critical'],
    ['printheadMissing', 'critical'],
    ['subunitUnrecoverableFailure', 'critical'],
    ['markerSupplyLow', 'warning'],
    ['marker-supply-low-warning', 'warning'],
    ['markerInkAlmostEmpty', 'warning'],
    ['markerWasteAlmostFull', 'warning'],
    ['mediaEmpty', 'warning'],
    ['inputTrayMissing', 'warning'],
    ['inputMediaSupplyEmpty', 'warning'],
    ['subunitLifeAlmostOver', 'warning'],
    ['subunitLifeOver', 'error'],
    ['coverOpen', 'info'], // no policy: the device's own severity stands
  ])('%s -> %s', (code, expected) => {
    expect(norm(code).severity).toBe(expected);
  });

  it('keeps the device severity when it is higher than the policy', () => {
    expect(norm('markerSupplyLow', 'critical').severity).toBe('critical');
    expect(norm('mediaEmpty', 'error')).toMatchObject({ severity: 'error', deviceSeverity: 'error' });
  });

  it('makes any fieldService alert critical, from the field or a raw PWG value', () => {
    expect(norm('coverOpen', 'warning', { training: 'fieldService' }).severity).toBe('critical');
    const raw = norm('code=other;severity=warning;training=fieldService;group=marker');
    expect(raw).toMatchObject({ code: 'other', severity: 'critical' });
  });

  it('builds a dedupe key from code and component and defaults cleared to false', () => {
    expect(norm('mediaJam', 'critical', { component: ' roll-1 ' })).toEqual({
      code: 'mediaJam',
      severity: 'critical',
      deviceSeverity: 'critical',
      message: 'm',
      component: 'roll-1',
      cleared: false,
      dedupeKey: 'device:mediaJam@roll-1',
    });
    expect(norm('mediaJam', 'critical', { cleared: true })).toMatchObject({
      cleared: true,
      dedupeKey: 'device:mediaJam',
    });
  });

  it('rejects an unknown severity or empty code naming the field', () => {
    expect(() => normalizeDeviceAlert({ code: 'x', severity: 'fatal' as 'info', message: '' })).toThrow(
      /^severity: /,
    );
    expect(() => normalizeDeviceAlert({ code: ' ', severity: 'info', message: '' })).toThrow(/^code: /);
  });
});
