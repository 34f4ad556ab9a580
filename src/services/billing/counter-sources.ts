// Which source a billed quantity rests on, and why a quantity is unknown.
//
// A reading's figures are the printer's own lifetime counters unless the sender said otherwise in
// Report v1 `usage.sources` (stored in usage_reading.counter_sources): a collector polling a printer
// that exposes no lifetime counter for a figure sends the sum of the job accounting it reported
// (`job-accounting`, with the instant summing began). A statement line's quantity per printer is a
// difference of readings, so its source is what those readings say for the figure behind the meter.
import type { Meter, MeterUsage } from '../../domain/billing';
import type { CounterSource } from '../../entities/usage-reading.entity';

/** The Report v1 usage figure each meter is read from (see reading-counters.ts). */
export function usageFigureOf(
  meter: Meter,
  selector: { mediaType?: string | null; category?: string | null },
) {
  switch (meter) {
    case 'MEDIA_AREA_M2':
      if (selector.mediaType) return 'mediaByType';
      if (selector.category) return 'applicationCategories';
      return 'totalMediaAreaM2';
    case 'MEDIA_LENGTH_M':
      return 'applicationCategories'; // the length total is the sum over categories
    case 'INK_OEM_ML':
    case 'INK_NON_OEM_ML':
      return 'inkByCartridgeType';
    case 'SCAN_AREA_M2':
    case 'COPY_AREA_M2':
      return 'scan';
    case 'PAGES':
      return 'pages';
  }
}

export type QuantitySourceKind = 'PRINTER_COUNTER' | 'JOB_ACCOUNTING' | 'JOBS';

export interface QuantitySource {
  kind: QuantitySourceKind;
  /** Protocol the printer counter was read with (`piws`, `ledm`, ...), when the sender said. */
  protocol: string | null;
  /** JOB_ACCOUNTING: when the sender started summing. */
  since: string | null;
}

/**
 * The distinct sources of one figure over the readings a quantity rests on (more than one when the
 * source changed inside the period, e.g. a collector's sum restarted). JOBS-basis lines rest on the
 * job log itself.
 */
export function quantitySources(
  basis: string | null,
  figure: string,
  readings: ReadonlyArray<{ counterSources: readonly CounterSource[] | null }>,
): QuantitySource[] {
  if (basis === 'JOBS') return [{ kind: 'JOBS', protocol: null, since: null }];
  const out = new Map<string, QuantitySource>();
  for (const reading of readings) {
    const stated = reading.counterSources?.find((s) => s.counter === figure);
    const source: QuantitySource =
      stated?.source === 'job-accounting'
        ? { kind: 'JOB_ACCOUNTING', protocol: null, since: stated.since ?? null }
        : { kind: 'PRINTER_COUNTER', protocol: stated?.protocol ?? null, since: null };
    out.set(`${source.kind}|${source.protocol}|${source.since}`, source);
  }
  return [...out.values()];
}

/** Plain-language reason a printer's quantity for a figure is unknown, for the USAGE_UNKNOWN flag. */
export function unknownUsageReason(usage: MeterUsage | undefined, figure: string): string {
  if (!usage || usage.flags.includes('NO_READINGS'))
    return 'no usage readings within 24 h of the billed window (the printer or its collector did not report)';
  return `its readings carry no ${figure} figure (the printer exposes no lifetime counter for it and its sender sent no job accounting for it)`;
}
