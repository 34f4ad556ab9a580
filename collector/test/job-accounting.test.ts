// The collector's own lifetime counters from reported job accounting: summed once per job, kept
// across polls through state.json, restarted (visibly) when a job lacks a figure, and merged into
// Report v1 usage only where no printer protocol knows the figure, with each figure's source.
import { usageV1Schema, type JobV1, type UsageV1 } from '@plotmeter/protocol';
import { describe, expect, it } from 'vitest';
import { addJobs, completeUsage, emptyAccounting, readAccounting } from '../src/job-accounting';

const T0 = '2026-12-01T00:00:00.000Z';
const T1 = '2026-12-01T03:00:00.000Z';

function job(over: Partial<JobV1> & { uuid: string }): JobV1 {
  return {
    sequenceNumber: 1,
    kind: 'print',
    name: 'plan.pdf',
    completedAt: T0,
    status: 'printed',
    source: 'driver',
    pages: 2,
    copies: 1,
    inkByColor: [],
    mediaAreaM2: 1.5,
    printedAreaM2: 1.2,
    mediaLengthM: 1.6,
    mediaType: 'bond',
    categories: [{ category: 'lines', mediaAreaM2: 1.5, printedAreaM2: 1.2, inkMl: 3, mediaLengthM: 1.6 }],
    ...over,
  };
}

const printerUsage = (over: Partial<UsageV1> = {}): UsageV1 => ({
  inkByCartridgeType: [],
  mediaByType: [],
  scan: { totalAreaM2: null, scanAreaM2: null, copyAreaM2: null },
  applicationCategories: [],
  jobs: null,
  pages: null,
  totalInkMl: null,
  totalMediaAreaM2: null,
  ...over,
});

describe('job accounting', () => {
  it('sums print, scan and copy jobs by media type and category, once per job, across a JSON round trip', () => {
    let s = addJobs(
      emptyAccounting(T0),
      [
        job({ uuid: 'a' }),
        job({
          uuid: 'b',
          mediaAreaM2: 0.25,
          mediaType: 'photo',
          copies: 3,
          categories: [
            { category: 'image', mediaAreaM2: 0.25, printedAreaM2: 0.2, inkMl: 4, mediaLengthM: 0.3 },
          ],
        }),
        job({
          uuid: 's',
          kind: 'scan',
          pages: 1,
          mediaAreaM2: null,
          mediaType: null,
          categories: [],
          scannedAreaM2: 0.6,
        }),
        job({ uuid: 'c', kind: 'copy', scannedAreaM2: 0.5 }),
      ],
      T0,
    );
    // state.json: written as JSON, read back next poll or after a restart
    s = readAccounting(JSON.parse(JSON.stringify(s)), T1);
    s = addJobs(
      s,
      [
        job({ uuid: 'a' }),
        job({
          uuid: 'd',
          mediaAreaM2: 0.1,
          categories: [
            { category: 'lines', mediaAreaM2: 0.1, printedAreaM2: 0.1, inkMl: 0.2, mediaLengthM: 0.11 },
          ],
        }),
      ],
      T1,
    ); // 'a' again (a re-read after a crash) is not counted twice

    expect(s.jobs.value).toBe(5);
    expect(s.pages.value).toBe(2 + 6 + 2 + 2); // pages × copies of print and copy jobs
    expect(s.mediaAreaM2).toEqual({ value: 3.35, since: T0 });
    expect(s.mediaByType.value).toEqual({ bond: 3.1, photo: 0.25 });
    expect(s.categories.value).toEqual({
      lines: { areaM2: 3.1, lengthM: 3.31 },
      image: { areaM2: 0.25, lengthM: 0.3 },
    });
    expect(s.scan.value).toEqual({ scanAreaM2: 0.6, copyAreaM2: 0.5 });
  });

  it('restarts a figure from zero when a job lacks it, so the portal sees a reset instead of a short sum', () => {
    const before = addJobs(emptyAccounting(T0), [job({ uuid: 'a' })], T0);
    const after = addJobs(
      before,
      [job({ uuid: 'ipp-1', mediaAreaM2: null, mediaType: null, categories: [] }), job({ uuid: 'e' })],
      T1,
    );
    // The job after the unknown one is not added in the same poll: the drop to zero stays visible.
    expect(after.mediaAreaM2).toEqual({ value: 0, since: T1 });
    expect(after.mediaByType).toEqual({ value: {}, since: T1 });
    expect(after.jobs).toEqual({ value: 3, since: T0 }); // job count is still known
    const next = addJobs(after, [job({ uuid: 'f' })], '2026-12-01T06:00:00.000Z');
    expect(next.mediaAreaM2).toEqual({ value: 1.5, since: T1 });
  });

  it('a print job without media type or category split makes only that split restart', () => {
    const s = addJobs(
      addJobs(emptyAccounting(T0), [job({ uuid: 'a' })], T0),
      [job({ uuid: 'b', mediaType: null, categories: [] })],
      T1,
    );
    expect(s.mediaAreaM2).toEqual({ value: 3, since: T0 });
    expect(s.mediaByType).toEqual({ value: {}, since: T1 });
    expect(s.categories).toEqual({ value: {}, since: T1 });
  });

  it('garbage in state.json starts afresh instead of crashing', () => {
    expect(readAccounting({ jobs: { value: -1, since: T0 }, mediaAreaM2: 'x' }, T1)).toEqual(
      emptyAccounting(T1),
    );
    expect(readAccounting(null, T1)).toEqual(emptyAccounting(T1));
  });
});

describe('completeUsage', () => {
  const s = addJobs(emptyAccounting(T0), [job({ uuid: 'a' })], T0);

  it('keeps the printer counters it has and fills the rest from job accounting, naming every source', () => {
    const usage = completeUsage(
      printerUsage({
        pages: 9000,
        totalInkMl: 812.5,
        inkByCartridgeType: [
          { productNumber: 'P2V68A', totalMl: 812.5, oemMl: 800, nonOemMl: 12.5, insertions: 4 },
        ],
      }),
      s,
      { pages: 'ledm', totalInkMl: 'piws', inkByCartridgeType: 'piws' },
    );
    expect(usageV1Schema.safeParse(usage).success).toBe(true);
    expect(usage).toMatchObject({
      pages: 9000,
      jobs: 1,
      totalMediaAreaM2: 1.5,
      mediaByType: [{ mediaType: 'bond', areaM2: 1.5 }],
      applicationCategories: [{ category: 'lines', areaM2: 1.5, lengthM: 1.6 }],
      scan: { totalAreaM2: 0, scanAreaM2: 0, copyAreaM2: 0 },
    });
    const byCounter = Object.fromEntries(usage.sources!.map((x) => [x.counter, x]));
    expect(byCounter.pages).toEqual({ counter: 'pages', source: 'printer', protocol: 'ledm', since: null });
    expect(byCounter.inkByCartridgeType).toMatchObject({ source: 'printer', protocol: 'piws' });
    expect(byCounter.totalMediaAreaM2).toEqual({
      counter: 'totalMediaAreaM2',
      source: 'job-accounting',
      protocol: null,
      since: T0,
    });
    expect(byCounter.scan).toMatchObject({ source: 'job-accounting', since: T0 });
  });

  it('a printer counter always wins over the collector sum', () => {
    const usage = completeUsage(printerUsage({ totalMediaAreaM2: 4200, jobs: 77 }), s, {
      totalMediaAreaM2: 'piws',
      jobs: 'ipp',
    });
    expect(usage.totalMediaAreaM2).toBe(4200);
    expect(usage.jobs).toBe(77);
    expect(usage.sources!.find((x) => x.counter === 'totalMediaAreaM2')).toMatchObject({ source: 'printer' });
  });
});
