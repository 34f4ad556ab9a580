// Printer page → meter readings (the lifetime counters as each report stated them, resets marked)
// and meter offsets (the count a replacement main board started with, which billing uses instead of
// zero after that reset). Technicians and admins record and remove offsets; billing reads them.
import { useMemo, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { ACTIONS_HEADER, DataTable, QueryView } from '../components/data-table';
import { Field, FormErrors, SelectField } from '../components/field';
import { Badge, errorMessage } from '../components/states';
import { graphql } from '../gql';
import type { Meter, MeterOffsetsQuery, PrinterReadingsQuery } from '../gql/graphql';
import { fieldErrorsOf, hasErrors, mergeFieldErrors, type FieldErrors } from '../lib/field-errors';
import { formatDateTime, formatQuantity } from '../lib/format';
import {
  counterDrops,
  localDateTime,
  offsetErrors,
  OFFSET_FIELDS,
  toLocalDateTime,
  type CounterDrop,
  type OffsetDraft,
} from '../lib/meters';
import { METER_LABEL, METER_OPTIONS, METER_UNIT } from '../lib/price-lines';
import { can } from '../lib/roles';
import { locale, useSession } from '../lib/use-session';

const ReadingsQuery = graphql(`
  query PrinterReadings($id: ID!, $from: DateTimeISO!, $to: DateTimeISO!, $first: Int!) {
    printer(id: $id) {
      id
      meterReadings(from: $from, to: $to, first: $first) {
        id
        collectedAt
        receivedAt
        serialNumber
        jobs
        pages
        totalInkMl
        mediaAreaM2
        scanAreaM2
        copyAreaM2
      }
    }
  }
`);

const OffsetsQuery = graphql(`
  query MeterOffsets($printerId: ID!) {
    meterOffsets(printerId: $printerId) {
      id
      meter
      mediaType
      category
      effectiveAt
      startingCount
      note
      recordedBy
      recordedAt
    }
  }
`);

const RecordOffsetMutation = graphql(`
  mutation RecordMeterOffset($input: RecordMeterOffsetInput!) {
    recordMeterOffset(input: $input) {
      id
      startingCount
      note
      recordedAt
    }
  }
`);

const RemoveOffsetMutation = graphql(`
  mutation RemoveMeterOffset($id: ID!) {
    removeMeterOffset(id: $id) {
      id
    }
  }
`);

/** Readings a page shows; hourly reports make 168 a week. */
const READINGS_PAGE = 200;
const SPANS = { 7: 'last 7 days', 30: 'last 30 days', 90: 'last 90 days' } as const;
type Span = keyof typeof SPANS;
type Reading = NonNullable<PrinterReadingsQuery['printer']>['meterReadings'][number];
type Offset = MeterOffsetsQuery['meterOffsets'][number];

export function MetersSection({ printerId }: { printerId: string }) {
  const session = useSession();
  const role = session?.user.role;
  const [prefill, setPrefill] = useState<CounterDrop | null>(null);
  return (
    <>
      <Readings printerId={printerId} onRecord={can(role, 'meters.record') ? setPrefill : undefined} />
      {can(role, 'meters.read') && (
        <Offsets
          printerId={printerId}
          canRecord={can(role, 'meters.record')}
          prefill={prefill}
          onPrefillUsed={() => setPrefill(null)}
        />
      )}
    </>
  );
}

function Readings({ printerId, onRecord }: { printerId: string; onRecord?: (drop: CounterDrop) => void }) {
  const [span, setSpan] = useState<Span>(7);
  // The window's start moves on as the person pages through it (readings come oldest first).
  const [cursor, setCursor] = useState<string | null>(null);
  const range = useMemo(() => {
    const to = new Date();
    return { from: new Date(to.getTime() - span * 86_400_000).toISOString(), to: to.toISOString() };
  }, [span]);
  const [readings, refetch] = useQuery({
    query: ReadingsQuery,
    variables: { id: printerId, from: cursor ?? range.from, to: range.to, first: READINGS_PAGE },
  });
  const rows = readings.data?.printer?.meterReadings ?? [];
  const drops = counterDrops(rows);
  const dropAt = new Map(drops.map((d) => [d.readingId, d]));
  const full = rows.length === READINGS_PAGE;
  return (
    <section className="card" aria-labelledby="readings">
      <div className="section-head">
        <h2 id="readings">Meter readings</h2>
        <div className="controls">
          <label>
            Span
            <select
              value={span}
              onChange={(e) => {
                setSpan(Number(e.target.value) as Span);
                setCursor(null);
              }}
            >
              {(Object.keys(SPANS) as unknown as Span[]).map((s) => (
                <option key={s} value={s}>
                  {SPANS[s]}
                </option>
              ))}
            </select>
          </label>
        </div>
      </div>
      <p className="muted small">
        Lifetime counters as each report stated them, oldest first. A counter lower than before is a reset (a
        main board swapped): billing counts it from zero unless a meter offset gives the count the new board
        started with.
      </p>
      <QueryView
        result={readings}
        loading="Loading readings"
        retry={() => refetch({ requestPolicy: 'network-only' })}
        isEmpty={() => rows.length === 0}
        empty={cursor ? 'No later readings in this span.' : `No readings in the ${SPANS[span]}.`}
      >
        {() => (
          <>
            {drops.length > 0 && (
              <p role="status">
                <Badge tone="warn">
                  {drops.length} reset{drops.length === 1 ? '' : 's'}
                </Badge>{' '}
                on this page: check the meter offsets below.
              </p>
            )}
            <DataTable<Reading>
              compact
              caption="Meter readings"
              captionHidden
              rows={rows}
              rowKey={(r) => r.id}
              columns={[
                {
                  key: 'at',
                  header: 'Collected',
                  cell: (r) => (
                    <>
                      {formatDateTime(locale, r.collectedAt)}
                      {dropAt.has(r.id) && (
                        <div>
                          <Badge tone="warn">reset</Badge>
                        </div>
                      )}
                    </>
                  ),
                },
                { key: 'serial', header: 'Serial', cell: (r) => r.serialNumber },
                {
                  key: 'pages',
                  header: 'Pages',
                  num: true,
                  cell: (r) => formatQuantity(locale, r.pages, 'page'),
                },
                {
                  key: 'media',
                  header: 'Media',
                  num: true,
                  cell: (r) => formatQuantity(locale, r.mediaAreaM2, 'm2', 3),
                },
                {
                  key: 'ink',
                  header: 'Ink',
                  num: true,
                  cell: (r) => formatQuantity(locale, r.totalInkMl, 'ml', 1),
                },
                {
                  key: 'scan',
                  header: 'Scanned',
                  num: true,
                  cell: (r) => formatQuantity(locale, r.scanAreaM2, 'm2', 3),
                },
                {
                  key: 'copy',
                  header: 'Copied',
                  num: true,
                  cell: (r) => formatQuantity(locale, r.copyAreaM2, 'm2', 3),
                },
                {
                  key: 'jobs',
                  header: 'Jobs',
                  num: true,
                  cell: (r) => formatQuantity(locale, r.jobs, 'job'),
                },
                !!onRecord &&
                  drops.length > 0 && {
                    key: 'act',
                    header: ACTIONS_HEADER,
                    cell: (r) => {
                      const drop = dropAt.get(r.id);
                      return (
                        drop && (
                          <button type="button" className="secondary" onClick={() => onRecord(drop)}>
                            Record an offset for this reset
                          </button>
                        )
                      );
                    },
                  },
              ]}
            />
            <nav className="pager" aria-label="Reading pages">
              <span>
                {rows.length} reading{rows.length === 1 ? '' : 's'}
                {cursor ? ` after ${formatDateTime(locale, cursor)}` : ''}
              </span>
              <button type="button" className="secondary" disabled={!cursor} onClick={() => setCursor(null)}>
                First readings
              </button>
              <button
                type="button"
                className="secondary"
                disabled={!full}
                onClick={() =>
                  setCursor(
                    new Date(new Date(rows[rows.length - 1]!.collectedAt).getTime() + 1).toISOString(),
                  )
                }
              >
                Later readings
              </button>
            </nav>
          </>
        )}
      </QueryView>
    </section>
  );
}

function unitOf(meter: Meter) {
  return METER_UNIT[meter];
}

function Offsets({
  printerId,
  canRecord,
  prefill,
  onPrefillUsed,
}: {
  printerId: string;
  canRecord: boolean;
  prefill: CounterDrop | null;
  onPrefillUsed: () => void;
}) {
  const [offsets, refetch] = useQuery({ query: OffsetsQuery, variables: { printerId } });
  const [removing, remove] = useMutation(RemoveOffsetMutation);
  const reload = () => refetch({ requestPolicy: 'network-only' });
  return (
    <section className="card" aria-labelledby="offsets">
      <h2 id="offsets">Meter offsets (board swaps)</h2>
      <QueryView
        result={offsets}
        loading="Loading meter offsets"
        retry={reload}
        isEmpty={(d) => d.meterOffsets.length === 0}
        empty="No meter offsets recorded: every reset is billed from zero."
      >
        {(d) => (
          <DataTable<Offset>
            compact
            caption="Meter offsets"
            captionHidden
            rows={d.meterOffsets}
            rowKey={(o) => o.id}
            columns={[
              {
                key: 'meter',
                header: 'Meter',
                cell: (o) => (
                  <>
                    {METER_LABEL[o.meter]}
                    {(o.mediaType || o.category) && (
                      <div className="sub">
                        {o.mediaType ? `media ${o.mediaType}` : `category ${o.category}`}
                      </div>
                    )}
                  </>
                ),
              },
              { key: 'at', header: 'Board swapped', cell: (o) => formatDateTime(locale, o.effectiveAt) },
              {
                key: 'count',
                header: 'Starting count',
                num: true,
                cell: (o) => formatQuantity(locale, o.startingCount, unitOf(o.meter), 6),
              },
              { key: 'note', header: 'Note', wrap: true, cell: (o) => o.note ?? '—' },
              {
                key: 'by',
                header: 'Recorded',
                cell: (o) => (
                  <>
                    {formatDateTime(locale, o.recordedAt)}
                    <div className="sub">{o.recordedBy}</div>
                  </>
                ),
              },
              canRecord && {
                key: 'remove',
                header: ACTIONS_HEADER,
                cell: (o) => (
                  <button
                    type="button"
                    className="danger"
                    disabled={removing.fetching}
                    onClick={() => {
                      if (window.confirm('Remove this offset? That reset is then billed from zero again.'))
                        void remove({ id: o.id }).then((r) => !r.error && reload());
                    }}
                  >
                    Remove
                  </button>
                ),
              },
            ]}
          />
        )}
      </QueryView>
      <FormErrors messages={[removing.error && errorMessage(removing.error)]} />
      {canRecord && (
        <RecordOffset
          key={prefill?.readingId ?? 'new'}
          printerId={printerId}
          prefill={prefill}
          onDone={() => {
            onPrefillUsed();
            reload();
          }}
        />
      )}
    </section>
  );
}

function RecordOffset({
  printerId,
  prefill,
  onDone,
}: {
  printerId: string;
  prefill: CounterDrop | null;
  onDone: () => void;
}) {
  const [draft, setDraft] = useState<OffsetDraft>(() => ({
    meter: prefill?.meters[0] ?? 'PAGES',
    mediaType: '',
    category: '',
    effectiveAt: prefill ? toLocalDateTime(prefill.collectedAt) : '',
    startingCount: '',
    note: '',
  }));
  const [checked, setChecked] = useState<FieldErrors>({});
  const [server, setServer] = useState<FieldErrors>({});
  const [result, record] = useMutation(RecordOffsetMutation);
  const errors = mergeFieldErrors(checked, server);
  const set = (patch: Partial<OffsetDraft>) => {
    setDraft({ ...draft, ...patch });
    setServer({});
  };
  return (
    <details open={!!prefill}>
      <summary>Record a meter offset</summary>
      <form
        className="form-grid"
        aria-label="Record a meter offset"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const found = offsetErrors(draft);
          setChecked(found);
          setServer({});
          if (hasErrors(found)) return;
          void record({
            input: {
              printerId,
              meter: draft.meter,
              mediaType: draft.mediaType.trim() || null,
              category: draft.category.trim() || null,
              effectiveAt: localDateTime(draft.effectiveAt)!.toISOString(),
              startingCount: draft.startingCount.trim(),
              note: draft.note.trim() || null,
            },
          }).then((r) => {
            if (r.error) setServer(fieldErrorsOf(r.error, (f) => OFFSET_FIELDS.includes(f)));
            else onDone();
          });
        }}
      >
        {prefill && (
          <p className="wide muted">
            The reset between {formatDateTime(locale, prefill.afterCollectedAt)} and{' '}
            {formatDateTime(locale, prefill.collectedAt)}
            {prefill.meters.length > 0 && ` (${prefill.meters.map((m) => METER_LABEL[m]).join(', ')})`}
            {prefill.ink && ' (ink: record INK_OEM_ML and INK_NON_OEM_ML separately)'}: the swap happened
            after the first time and at or before the second. Record one offset per meter.
          </p>
        )}
        <SelectField
          label="Meter"
          error={errors['input.meter']}
          value={draft.meter}
          onChange={(meter) => set({ meter })}
          options={METER_OPTIONS}
        />
        {draft.meter === 'MEDIA_AREA_M2' && (
          <Field label="Only media type" error={errors['input.mediaType']} hint="Empty: the whole meter">
            {(a) => (
              <input {...a} value={draft.mediaType} onChange={(e) => set({ mediaType: e.target.value })} />
            )}
          </Field>
        )}
        {(draft.meter === 'MEDIA_AREA_M2' || draft.meter === 'MEDIA_LENGTH_M') && (
          <Field label="Only category" error={errors['input.category']} hint="Empty: the whole meter">
            {(a) => (
              <input {...a} value={draft.category} onChange={(e) => set({ category: e.target.value })} />
            )}
          </Field>
        )}
        <Field label="Board swapped at (your local time)" error={errors['input.effectiveAt']}>
          {(a) => (
            <input
              {...a}
              type="datetime-local"
              value={draft.effectiveAt}
              onChange={(e) => set({ effectiveAt: e.target.value })}
            />
          )}
        </Field>
        <Field
          label="Starting count on the new board"
          error={errors['input.startingCount']}
          hint={`Exact decimal in ${formatQuantity(locale, 1, unitOf(draft.meter)).replace(/^1\s*/, '') || 'pages'}`}
        >
          {(a) => (
            <input
              {...a}
              inputMode="decimal"
              value={draft.startingCount}
              onChange={(e) => set({ startingCount: e.target.value })}
            />
          )}
        </Field>
        <Field label="Note" error={errors['input.note']} className="wide" hint="E.g. the service ticket">
          {(a) => (
            <input
              {...a}
              value={draft.note}
              maxLength={500}
              onChange={(e) => set({ note: e.target.value })}
            />
          )}
        </Field>
        <div className="wide">
          <FormErrors messages={[errors['']]} />
          <button type="submit" disabled={result.fetching}>
            Record offset
          </button>
        </div>
      </form>
    </details>
  );
}
