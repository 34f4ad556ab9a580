// The simulated printer's bookkeeping: reproducible from its seed, lifetime counters that agree with
// the jobs it printed, faults that raise and clear, and a board swap that resets the counters.
import { reportV1Schema } from '@plotmeter/protocol';
import { describe, expect, it } from 'vitest';
import { modelByKey } from '../../simulator/src/catalog';
import { printerEntry } from '../../simulator/src/report-builder';
import { HOUR_MS } from '../../simulator/src/sim-clock';
import { SimPrinter, type SimEvent } from '../../simulator/src/sim-printer';

const START = new Date('2026-03-02T08:00:00Z');
const at = (hours: number) => new Date(START.getTime() + hours * HOUR_MS);

function printer(
  seed = 42,
  model = 't1700dr',
  extra: Partial<ConstructorParameters<typeof SimPrinter>[0]> = {},
) {
  const p = new SimPrinter({
    serialNumber: 'SGTEST0001',
    model: modelByKey(model),
    seed,
    startAt: START,
    ...extra,
  });
  const events: SimEvent[] = [];
  p.onEvent((e) => events.push(e));
  return { p, events };
}

describe('SimPrinter', () => {
  it('replays the same history for the same seed and a different one for another seed', () => {
    const a = printer(7);
    const b = printer(7);
    const c = printer(8);
    for (const x of [a, b, c]) x.p.advance(at(24));
    const jobs = (e: SimEvent[]) =>
      e.filter((x) => x.type === 'job').map((x) => (x.type === 'job' ? x.job.job : null));
    expect(jobs(a.events).length).toBeGreaterThan(50);
    expect(jobs(b.events)).toEqual(jobs(a.events));
    expect(b.p.counters).toEqual(a.p.counters);
    expect(jobs(c.events).map((j) => j!.uuid)).not.toEqual(jobs(a.events).map((j) => j!.uuid));
  });

  it('counts every printed job in the lifetime counters and draws its ink from the cartridges', () => {
    const { p, events } = printer(11);
    const before = structuredClone(p.counters);
    const inkBefore = p.slotCounters.reduce((s, c) => s + c.inkUsedMl, 0);
    p.advance(at(12));
    const jobs = events.flatMap((e) => (e.type === 'job' ? [e.job.job] : []));
    expect(jobs.length).toBeGreaterThan(20);
    expect(p.counters.jobs - before.jobs).toBe(jobs.length);
    expect(p.counters.pages - before.pages).toBe(jobs.reduce((s, j) => s + j.pages * j.copies, 0));
    const mediaM2 = jobs.reduce((s, j) => s + (j.mediaAreaM2 ?? 0), 0);
    expect(p.counters.totalMediaAreaM2 - before.totalMediaAreaM2).toBeCloseTo(mediaM2, 3);
    // Ink drawn can be less than requested only when a cartridge ran dry mid-job.
    const jobInk = jobs.reduce((s, j) => s + j.inkByColor.reduce((t, i) => t + i.ml, 0), 0);
    const drawn = p.slotCounters.reduce((s, c) => s + c.inkUsedMl, 0) - inkBefore;
    expect(drawn).toBeGreaterThan(0);
    expect(drawn).toBeLessThanOrEqual(jobInk + 1e-6);
    expect(p.counters.totalInkMl - before.totalInkMl).toBeCloseTo(drawn, 3);
    for (const j of jobs) {
      expect(j.completedAt >= START.toISOString() && j.completedAt <= at(12).toISOString()).toBe(true);
      expect(j.sequenceNumber).toBeGreaterThan(before.jobs);
    }
  });

  it('never lets OEM ink exceed total ink, and counts non-OEM ink only from third-party cartridges', () => {
    const { p } = printer(5, 'z9plus', { nonOemChance: 0.5 });
    p.advance(at(48));
    p.slotCounters.forEach((slot) => expect(slot.hpInkUsedMl).toBeLessThanOrEqual(slot.inkUsedMl));
    const entry = printerEntry(p, 'schedule', [], [], p.simulatedTime);
    for (const c of entry.cartridges)
      expect(c.nonOemInkConsumedMl).toBe(c.manufacturer === 'HP' ? 0 : c.inkConsumedMl);
  });

  it('raises an ink-out alert, stops printing, then replaces the cartridge and clears the alert', () => {
    const { p, events } = printer(3);
    p.advance(at(1));
    const oldSerial = p.cartridges[0]!.serialNumber;
    const insertions = p.slotCounters[0]!.insertions;
    const alert = p.injectFault('ink-out');
    expect(alert).toMatchObject({ code: 'markerSupplyEmpty', severity: 'critical' });
    expect(p.engineState).toBe('error');
    const jobsBefore = p.counters.jobs;
    p.advance(at(1.4)); // the fix comes 30 simulated minutes later
    expect(p.counters.jobs).toBe(jobsBefore);
    p.advance(at(1.6));
    expect(
      events.some(
        (e) => e.type === 'alert-cleared' && e.alert.code === 'markerSupplyEmpty' && e.alert.cleared === true,
      ),
    ).toBe(true);
    expect(p.cartridges[0]!.serialNumber).not.toBe(oldSerial);
    expect(p.cartridges[0]!.levelMl).toBe(p.cartridges[0]!.spec.capacityMl);
    expect(p.slotCounters[0]!.insertions).toBe(insertions + 1);
  });

  it('resets every lifetime counter on a board swap and announces a boot', () => {
    const { p, events } = printer(9, 't830', { boardSwapAt: at(5) });
    p.advance(at(4.99));
    expect(p.counters.jobs).toBeGreaterThan(1000);
    p.advance(at(8));
    const boot = events.find((e) => e.type === 'boot');
    expect(boot).toMatchObject({ type: 'boot', reason: 'board-swap' });
    const jobsAfterSwap = events.filter(
      (e) => e.type === 'job' && e.job.job.completedAt > at(5).toISOString(),
    ).length;
    expect(p.counters.jobs).toBe(jobsAfterSwap);
    expect(p.slotCounters.every((s) => s.inkUsedMl < 100)).toBe(true);
  });

  it('renders entries the Report v1 schema accepts, for every model', () => {
    for (const key of ['t1700dr', 't830', 't650', 'z9plus', 'pwxl5200', 'xl3600']) {
      const { p, events } = printer(21, key);
      p.advance(at(6));
      const jobs = events.flatMap((e) => (e.type === 'job' ? [e.job.job] : []));
      const alerts = events.flatMap((e) => (e.type === 'alert' ? [e.alert] : []));
      const report = {
        schemaVersion: 1,
        reportId: '3f2b8c1e-5d4a-4e8b-9c0d-1a2b3c4d5e6f',
        sentAt: p.simulatedTime.toISOString(),
        source: { kind: 'direct' },
        printers: [printerEntry(p, 'jobs', jobs, alerts, p.simulatedTime)],
      };
      const parsed = reportV1Schema.safeParse(report);
      expect(parsed.success, `${key}: ${JSON.stringify(parsed.error?.issues.slice(0, 3))}`).toBe(true);
      if (p.model.mfp) expect(jobs.some((j) => j.kind !== 'print')).toBe(true);
    }
  });
});
