// Billing → Contracts: each contract with its current prices (and the ones they replaced), the printers
// it covers and since when; create a contract, change its prices from a date (changeContractPrices:
// earlier periods keep their prices), add a printer or end its coverage, archive. Every form shows the
// API's message beside the field it names.
import { useMemo, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { ACTIONS_HEADER, DataTable, QueryView } from '../components/data-table';
import { Field, FormErrors, SelectField } from '../components/field';
import { PriceLinesEditor } from '../components/price-lines-editor';
import { Badge, errorMessage } from '../components/states';
import { graphql } from '../gql';
import type { BillingPeriodKind, ContractsQuery as ContractsResult } from '../gql/graphql';
import { fieldErrorsOf, hasErrors, mergeFieldErrors, type FieldErrors } from '../lib/field-errors';
import { formatDate, formatMoneyMinor, formatNumber, formatQuantity, formatUnitPrice } from '../lib/format';
import { wholeMinorProblem } from '../lib/decimal-input';
import {
  draftFromLine,
  isLineField,
  lineErrors,
  lineInput,
  METER_LABEL,
  METER_UNIT,
  newLine,
  type LineDraft,
} from '../lib/price-lines';
import { nextMonthStart, zonedDate, zonedMidnight } from '../lib/zoned-time';
import { locale } from '../lib/use-session';

/** The printers a contract covers, as the card shows them (the list and both coverage mutations). */
export const ContractCoverage = graphql(`
  fragment ContractCoverage on Contract {
    id
    printers {
      printerId
      serialNumber
      coveredFrom
      coveredTo
    }
  }
`);

export const ContractsQuery = graphql(`
  query Contracts($filter: ContractFilter) {
    contracts(first: 200, filter: $filter) {
      totalCount
      edges {
        node {
          id
          customerId
          name
          currency
          billingPeriod
          anchorDay
          timeZone
          validFrom
          validTo
          fixedFeeMinor
          nonOemSurchargeMinorPerMl
          graceDays
          reconcileThresholdPercent
          archivedAt
          priceLines {
            id
            position
            description
            meter
            mediaType
            category
            basis
            unitPriceMinor
            allowance
            tierMode
            tiers {
              upTo
              unitPriceMinor
            }
            minimumCommitmentMinor
            effectiveFrom
            effectiveTo
          }
          ...ContractCoverage
        }
      }
    }
  }
`);

type ContractNode = ContractsResult['contracts']['edges'][number]['node'];
type PriceLineNode = ContractNode['priceLines'][number];

const CreateContractMutation = graphql(`
  mutation CreateContract($input: CreateContractInput!) {
    createContract(input: $input) {
      id
      name
    }
  }
`);

const ChangePricesMutation = graphql(`
  mutation ChangeContractPrices($input: ChangeContractPricesInput!) {
    changeContractPrices(input: $input) {
      id
      priceLines {
        id
        effectiveFrom
        effectiveTo
      }
    }
  }
`);

const AddPrinterMutation = graphql(`
  mutation AddContractPrinter($contractId: ID!, $printerId: ID!, $from: DateTimeISO!) {
    addContractPrinter(contractId: $contractId, printerId: $printerId, from: $from) {
      ...ContractCoverage
    }
  }
`);

const EndPrinterMutation = graphql(`
  mutation EndContractPrinter($contractId: ID!, $printerId: ID!, $at: DateTimeISO!) {
    endContractPrinter(contractId: $contractId, printerId: $printerId, at: $at) {
      ...ContractCoverage
    }
  }
`);

const ArchiveContractMutation = graphql(`
  mutation ArchiveContract($id: ID!) {
    archiveContract(id: $id) {
      id
      archivedAt
    }
  }
`);

const CustomerPrintersQuery = graphql(`
  query CustomerPrinters($customerId: ID!) {
    printers(first: 500, filter: { customerId: $customerId }) {
      edges {
        node {
          id
          serialNumber
          productName
        }
      }
    }
  }
`);

/** The lines pricing usage now (no end), and the ones an earlier price change ended. */
export function splitPriceLines<L extends { effectiveTo?: string | null }>(lines: readonly L[]) {
  return { current: lines.filter((l) => !l.effectiveTo), ended: lines.filter((l) => !!l.effectiveTo) };
}

function priceText(line: PriceLineNode, currency: string): string {
  if (!line.tiers.length) return formatUnitPrice(locale, line.unitPriceMinor, currency);
  const bands = line.tiers
    .map(
      (t) =>
        `${t.upTo ? `≤ ${formatNumber(locale, t.upTo)}` : 'above'} ${formatUnitPrice(locale, t.unitPriceMinor, currency)}`,
    )
    .join(', ');
  return `${line.tierMode === 'VOLUME' ? 'volume' : 'graduated'}: ${bands}`;
}

function PriceLinesTable({
  lines,
  contract,
  caption,
}: {
  lines: PriceLineNode[];
  contract: ContractNode;
  caption: string;
}) {
  const unit = (l: PriceLineNode) => METER_UNIT[l.meter];
  return (
    <DataTable
      compact
      caption={caption}
      captionHidden
      rows={lines}
      rowKey={(l) => l.id}
      columns={[
        { key: 'pos', header: '#', cell: (l) => lines.indexOf(l) + 1 },
        {
          key: 'what',
          header: 'Description',
          wrap: true,
          cell: (l) => (
            <>
              {l.description ?? METER_LABEL[l.meter]}
              <div className="sub">
                {METER_LABEL[l.meter]}
                {l.mediaType && ` · media ${l.mediaType}`}
                {l.category && ` · category ${l.category}`}
                {l.basis === 'JOBS' && ' · from jobs'}
              </div>
            </>
          ),
        },
        {
          key: 'allowance',
          header: 'Allowance',
          num: true,
          cell: (l) => formatQuantity(locale, l.allowance, unit(l)),
        },
        { key: 'price', header: 'Price per unit', cell: (l) => priceText(l, contract.currency) },
        {
          key: 'minimum',
          header: 'Minimum',
          num: true,
          cell: (l) => formatMoneyMinor(locale, l.minimumCommitmentMinor, contract.currency),
        },
        {
          key: 'effective',
          header: 'In force',
          cell: (l) =>
            `${l.effectiveFrom ? formatDate(locale, l.effectiveFrom, contract.timeZone) : 'from the start'} – ${
              l.effectiveTo ? formatDate(locale, l.effectiveTo, contract.timeZone) : 'now'
            }`,
        },
      ]}
    />
  );
}

export function Contracts({
  customerName,
  customers,
  canManage,
}: {
  customerName: Map<string, string>;
  customers: Array<{ id: string; name: string }>;
  canManage: boolean;
}) {
  const [showArchived, setShowArchived] = useState(false);
  const [contracts, refetch] = useQuery({
    query: ContractsQuery,
    variables: { filter: { includeArchived: showArchived } },
  });
  const [creating, setCreating] = useState(false);
  return (
    <>
      <div className="toolbar">
        {canManage && (
          <button type="button" onClick={() => setCreating(!creating)} aria-expanded={creating}>
            {creating ? 'Cancel' : 'New contract'}
          </button>
        )}
        <label className="check">
          <input type="checkbox" checked={showArchived} onChange={(e) => setShowArchived(e.target.checked)} />
          Show archived contracts
        </label>
      </div>
      {creating && (
        <NewContract
          customers={customers}
          onDone={() => {
            setCreating(false);
            refetch({ requestPolicy: 'network-only' });
          }}
        />
      )}
      <QueryView
        result={contracts}
        loading="Loading contracts"
        retry={() => refetch({ requestPolicy: 'network-only' })}
        isEmpty={(d) => d.contracts.edges.length === 0}
        empty={canManage ? 'No contracts yet. Create one with “New contract”.' : 'No contracts yet.'}
      >
        {(d) =>
          d.contracts.edges.map(({ node: c }) => (
            <ContractCard
              key={c.id}
              contract={c}
              customerName={customerName.get(c.customerId) ?? ''}
              canManage={canManage}
              onChanged={() => refetch({ requestPolicy: 'network-only' })}
            />
          ))
        }
      </QueryView>
    </>
  );
}

type Editing = 'prices' | 'printer' | null;

function ContractCard({
  contract: c,
  customerName,
  canManage,
  onChanged,
}: {
  contract: ContractNode;
  customerName: string;
  canManage: boolean;
  onChanged: () => void;
}) {
  const [editing, setEditing] = useState<Editing>(null);
  const [archiving, archive] = useMutation(ArchiveContractMutation);
  const { current, ended } = splitPriceLines(c.priceLines);
  const active = !c.archivedAt && canManage;
  const toggle = (what: Exclude<Editing, null>) => setEditing(editing === what ? null : what);
  return (
    <section className="card" aria-labelledby={`contract-${c.id}`}>
      <div className="section-head">
        <h2 id={`contract-${c.id}`}>
          {c.name} <small>{customerName}</small>
        </h2>
        {c.archivedAt ? (
          <Badge tone="muted">archived {formatDate(locale, c.archivedAt)}</Badge>
        ) : (
          active && (
            <div className="row">
              <button
                type="button"
                className="secondary"
                aria-expanded={editing === 'prices'}
                onClick={() => toggle('prices')}
              >
                Change prices
              </button>
              <button
                type="button"
                className="secondary"
                aria-expanded={editing === 'printer'}
                onClick={() => toggle('printer')}
              >
                Add a printer
              </button>
              <button
                type="button"
                className="danger"
                disabled={archiving.fetching}
                onClick={() => {
                  if (window.confirm(`Archive “${c.name}”? It is no longer drafted; its statements stay.`))
                    void archive({ id: c.id });
                }}
              >
                Archive
              </button>
            </div>
          )
        )}
      </div>
      <FormErrors messages={[archiving.error && errorMessage(archiving.error)]} />
      <p className="muted">
        {c.billingPeriod === 'MONTHLY' ? 'Monthly' : 'Quarterly'} from day {c.anchorDay} ({c.timeZone}) ·{' '}
        {c.currency} · valid {formatDate(locale, c.validFrom, c.timeZone)} –{' '}
        {c.validTo ? formatDate(locale, c.validTo, c.timeZone) : 'open-ended'}
        {c.fixedFeeMinor && ` · fixed fee ${formatMoneyMinor(locale, c.fixedFeeMinor, c.currency)}`}
        {c.nonOemSurchargeMinorPerMl &&
          ` · non-HP ink surcharge ${formatUnitPrice(locale, c.nonOemSurchargeMinorPerMl, c.currency)} per mL`}
        {` · drafted ${c.graceDays} day${c.graceDays === 1 ? '' : 's'} after a period · jobs and counters flagged beyond ${formatNumber(locale, c.reconcileThresholdPercent)} %`}
      </p>
      {editing === 'prices' && (
        <ChangePrices
          contract={c}
          current={current}
          onDone={() => {
            setEditing(null);
            onChanged();
          }}
        />
      )}
      <PriceLinesTable lines={current} contract={c} caption={`Current prices of ${c.name}`} />
      {ended.length > 0 && (
        <details>
          <summary>Earlier prices ({ended.length})</summary>
          <div className="history">
            <PriceLinesTable lines={ended} contract={c} caption={`Earlier prices of ${c.name}`} />
          </div>
        </details>
      )}
      <h3>Printers covered</h3>
      {editing === 'printer' && (
        <AddPrinter
          contract={c}
          onDone={() => {
            setEditing(null);
            onChanged();
          }}
        />
      )}
      <Coverage contract={c} canManage={active} />
    </section>
  );
}

function Coverage({ contract: c, canManage }: { contract: ContractNode; canManage: boolean }) {
  const [ending, setEnding] = useState<string | null>(null);
  if (c.printers.length === 0) return <p className="muted">No printers covered.</p>;
  return (
    <>
      <DataTable
        compact
        caption={`Printers covered by ${c.name}`}
        captionHidden
        rows={c.printers}
        rowKey={(p) => `${p.printerId}-${p.coveredFrom}`}
        columns={[
          { key: 'serial', header: 'Serial number', cell: (p) => p.serialNumber },
          { key: 'from', header: 'Covered from', cell: (p) => formatDate(locale, p.coveredFrom, c.timeZone) },
          {
            key: 'to',
            header: 'Until',
            cell: (p) => (p.coveredTo ? formatDate(locale, p.coveredTo, c.timeZone) : 'open'),
          },
          canManage && {
            key: 'end',
            header: ACTIONS_HEADER,
            cell: (p) =>
              !p.coveredTo && (
                <button
                  type="button"
                  className="secondary"
                  aria-expanded={ending === p.printerId}
                  aria-label={`End coverage of ${p.serialNumber}`}
                  onClick={() => setEnding(ending === p.printerId ? null : p.printerId)}
                >
                  End coverage
                </button>
              ),
          },
        ]}
      />
      {ending && (
        <EndCoverage
          contract={c}
          printer={c.printers.find((p) => p.printerId === ending && !p.coveredTo)!}
          onDone={() => setEnding(null)}
        />
      )}
    </>
  );
}

/** A date field's value as the instant the API takes (midnight in the contract's zone), or an error. */
function dateProblem(date: string, timeZone: string): string | null {
  if (!date) return 'is required';
  return zonedMidnight(date, timeZone) ? null : `"${date}" is not a date`;
}

function ChangePrices({
  contract: c,
  current,
  onDone,
}: {
  contract: ContractNode;
  current: PriceLineNode[];
  onDone: () => void;
}) {
  const [from, setFrom] = useState(() => nextMonthStart(new Date(), c.timeZone));
  const [lines, setLines] = useState<LineDraft[]>(() =>
    current.length ? current.map(draftFromLine) : [newLine()],
  );
  const [checked, setChecked] = useState<FieldErrors>({});
  const [result, change] = useMutation(ChangePricesMutation);
  const [server, setServer] = useState<FieldErrors>({});
  const known = (f: string) => f === 'input.effectiveFrom' || isLineField(f);
  const errors = mergeFieldErrors(checked, server);
  return (
    <form
      className="stack edit-form"
      aria-label={`New prices for ${c.name}`}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const found: FieldErrors = { ...lineErrors(lines) };
        const bad = dateProblem(from, c.timeZone);
        if (bad) found['input.effectiveFrom'] = bad;
        setChecked(found);
        setServer({});
        if (hasErrors(found)) return;
        void change({
          input: {
            contractId: c.id,
            effectiveFrom: zonedMidnight(from, c.timeZone)!,
            priceLines: lines.map(lineInput),
          },
        }).then((r) => {
          if (r.error) setServer(fieldErrorsOf(r.error, known));
          else onDone();
        });
      }}
    >
      <h3>New prices</h3>
      <p className="muted small">
        The new set replaces every current line from the date on; periods before it keep their prices (also
        when closed again or rebilled), a period across it is priced per part. A date inside an approved
        statement is refused until that statement is voided.
      </p>
      <Field
        label={`In force from (midnight, ${c.timeZone})`}
        error={errors['input.effectiveFrom']}
        hint={`Current prices since ${formatDate(locale, current[0]?.effectiveFrom ?? c.validFrom, c.timeZone)}`}
      >
        {(a) => <input {...a} type="date" value={from} onChange={(e) => setFrom(e.target.value)} />}
      </Field>
      <PriceLinesEditor
        lines={lines}
        onChange={(next) => {
          setLines(next);
          setServer({});
        }}
        errors={errors}
        currency={c.currency}
      />
      <FormErrors messages={[errors['']]} />
      <div className="row">
        <button type="submit" disabled={result.fetching}>
          {result.fetching ? 'Saving…' : 'Save new prices'}
        </button>
        <button type="button" className="secondary" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function AddPrinter({ contract: c, onDone }: { contract: ContractNode; onDone: () => void }) {
  const [printers] = useQuery({ query: CustomerPrintersQuery, variables: { customerId: c.customerId } });
  const covered = new Set(c.printers.filter((p) => !p.coveredTo).map((p) => p.printerId));
  const choices = printers.data?.printers.edges.map((e) => e.node).filter((p) => !covered.has(p.id)) ?? [];
  const [printerId, setPrinterId] = useState('');
  const [from, setFrom] = useState(() => zonedDate(new Date(), c.timeZone));
  const [result, add] = useMutation(AddPrinterMutation);
  const [checked, setChecked] = useState<FieldErrors>({});
  const errors = mergeFieldErrors(
    checked,
    fieldErrorsOf(result.error, (f) => f === 'printerId' || f === 'from'),
  );
  return (
    <form
      className="inline-form"
      aria-label={`Add a printer to ${c.name}`}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const found: FieldErrors = {};
        if (!printerId) found.printerId = 'choose a printer';
        const bad = dateProblem(from, c.timeZone);
        if (bad) found.from = bad;
        setChecked(found);
        if (hasErrors(found)) return;
        void add({ contractId: c.id, printerId, from: zonedMidnight(from, c.timeZone)! }).then((r) => {
          if (!r.error) onDone();
        });
      }}
    >
      <Field label="Printer" error={errors.printerId}>
        {(a) => (
          <select {...a} value={printerId} onChange={(e) => setPrinterId(e.target.value)}>
            <option value="">
              {printers.fetching ? 'Loading…' : choices.length ? 'Choose…' : 'No other printer'}
            </option>
            {choices.map((p) => (
              <option key={p.id} value={p.id}>
                {p.serialNumber} {p.productName ? `(${p.productName})` : ''}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={`Covered from (${c.timeZone})`} error={errors.from}>
        {(a) => <input {...a} type="date" value={from} onChange={(e) => setFrom(e.target.value)} />}
      </Field>
      <button type="submit" disabled={result.fetching}>
        Add printer
      </button>
      <FormErrors messages={[errors['']]} />
    </form>
  );
}

function EndCoverage({
  contract: c,
  printer,
  onDone,
}: {
  contract: ContractNode;
  printer: ContractNode['printers'][number];
  onDone: () => void;
}) {
  const [at, setAt] = useState(() => zonedDate(new Date(), c.timeZone));
  const [result, end] = useMutation(EndPrinterMutation);
  const [checked, setChecked] = useState<FieldErrors>({});
  const errors = mergeFieldErrors(
    checked,
    fieldErrorsOf(result.error, (f) => f === 'at'),
  );
  return (
    <form
      className="inline-form"
      aria-label={`End the coverage of ${printer.serialNumber}`}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const bad = dateProblem(at, c.timeZone);
        setChecked(bad ? { at: bad } : {});
        if (bad) return;
        void end({ contractId: c.id, printerId: printer.printerId, at: zonedMidnight(at, c.timeZone)! }).then(
          (r) => {
            if (!r.error) onDone();
          },
        );
      }}
    >
      <Field label={`${printer.serialNumber} covered until (exclusive, ${c.timeZone})`} error={errors.at}>
        {(a) => <input {...a} type="date" value={at} onChange={(e) => setAt(e.target.value)} />}
      </Field>
      <button type="submit" className="danger" disabled={result.fetching}>
        End coverage
      </button>
      <button type="button" className="secondary" onClick={onDone}>
        Cancel
      </button>
      <FormErrors messages={[errors['']]} />
    </form>
  );
}

const CONTRACT_FIELDS = [
  'input.customerId',
  'input.name',
  'input.currency',
  'input.timeZone',
  'input.validFrom',
  'input.validTo',
  'input.fixedFeeMinor',
  'input.anchorDay',
];

function NewContract({
  customers,
  onDone,
}: {
  customers: Array<{ id: string; name: string }>;
  onDone: () => void;
}) {
  const [customerId, setCustomerId] = useState('');
  const [name, setName] = useState('');
  const [currency, setCurrency] = useState('EUR');
  const [billingPeriod, setBillingPeriod] = useState<BillingPeriodKind>('MONTHLY');
  const [timeZone, setTimeZone] = useState('UTC');
  const [validFrom, setValidFrom] = useState(() => `${zonedDate(new Date(), 'UTC').slice(0, 7)}-01`);
  const [fixedFee, setFixedFee] = useState('');
  const [printerIds, setPrinterIds] = useState<string[]>([]);
  const [lines, setLines] = useState<LineDraft[]>([{ ...newLine(), description: 'Printed media, per m²' }]);
  const [printers] = useQuery({
    query: CustomerPrintersQuery,
    variables: { customerId },
    pause: !customerId,
  });
  const [result, create] = useMutation(CreateContractMutation);
  const [checked, setChecked] = useState<FieldErrors>({});
  const [server, setServer] = useState<FieldErrors>({});
  const errors = mergeFieldErrors(checked, server);
  const known = useMemo(
    () => (f: string) => CONTRACT_FIELDS.includes(f) || f.startsWith('input.printerIds') || isLineField(f),
    [],
  );
  const printerError = Object.entries(errors).find(([k]) => k.startsWith('input.printerIds'))?.[1];
  return (
    <form
      className="card form-grid"
      aria-label="New contract"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const found: FieldErrors = { ...lineErrors(lines) };
        if (!customerId) found['input.customerId'] = 'choose a customer';
        if (!name.trim()) found['input.name'] = 'is required';
        if (!/^[A-Za-z]{3}$/.test(currency.trim()))
          found['input.currency'] = 'a three-letter ISO 4217 code, e.g. EUR';
        const fee = wholeMinorProblem(fixedFee);
        if (fee) found['input.fixedFeeMinor'] = fee;
        const bad = dateProblem(validFrom, timeZone.trim() || 'UTC');
        if (bad) found['input.validFrom'] = bad;
        setChecked(found);
        setServer({});
        if (hasErrors(found)) return;
        let start: string | null;
        try {
          start = zonedMidnight(validFrom, timeZone.trim() || 'UTC');
        } catch {
          setChecked({ 'input.timeZone': `"${timeZone}" is not a known IANA time zone` });
          return;
        }
        void create({
          input: {
            customerId,
            name: name.trim(),
            currency: currency.trim().toUpperCase(),
            billingPeriod,
            timeZone: timeZone.trim() || 'UTC',
            validFrom: start!,
            printerIds,
            ...(fixedFee.trim() ? { fixedFeeMinor: fixedFee.trim() } : {}),
            priceLines: lines.map(lineInput),
          },
        }).then((r) => {
          if (r.error) setServer(fieldErrorsOf(r.error, known));
          else onDone();
        });
      }}
    >
      <h2>New contract</h2>
      <SelectField
        label="Customer"
        error={errors['input.customerId']}
        value={customerId}
        onChange={setCustomerId}
        none="Choose…"
        options={customers.map((c) => ({ value: c.id, label: c.name }))}
      />
      <Field label="Name" error={errors['input.name']}>
        {(a) => <input {...a} value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <Field label="Currency (ISO 4217)" error={errors['input.currency']}>
        {(a) => <input {...a} value={currency} maxLength={3} onChange={(e) => setCurrency(e.target.value)} />}
      </Field>
      <Field label="Period" error={errors['input.billingPeriod']}>
        {(a) => (
          <select
            {...a}
            value={billingPeriod}
            onChange={(e) => setBillingPeriod(e.target.value as BillingPeriodKind)}
          >
            <option value="MONTHLY">Monthly</option>
            <option value="QUARTERLY">Quarterly</option>
          </select>
        )}
      </Field>
      <Field label="Time zone (IANA)" error={errors['input.timeZone']} hint="Whose midnight starts a period">
        {(a) => <input {...a} value={timeZone} onChange={(e) => setTimeZone(e.target.value)} />}
      </Field>
      <Field label="Valid from" error={errors['input.validFrom']}>
        {(a) => <input {...a} type="date" value={validFrom} onChange={(e) => setValidFrom(e.target.value)} />}
      </Field>
      <Field
        label="Fixed fee per period"
        error={errors['input.fixedFeeMinor']}
        hint="Whole minor units, e.g. 2500"
      >
        {(a) => (
          <input {...a} inputMode="numeric" value={fixedFee} onChange={(e) => setFixedFee(e.target.value)} />
        )}
      </Field>
      <fieldset aria-invalid={printerError ? true : undefined}>
        <legend>Printers covered</legend>
        {!customerId ? (
          <p className="muted">Choose a customer first.</p>
        ) : printers.data?.printers.edges.length === 0 ? (
          <p className="muted">This customer has no printers yet.</p>
        ) : (
          printers.data?.printers.edges.map(({ node: p }) => (
            <label key={p.id} className="check">
              <input
                type="checkbox"
                checked={printerIds.includes(p.id)}
                onChange={(e) =>
                  setPrinterIds(
                    e.target.checked ? [...printerIds, p.id] : printerIds.filter((x) => x !== p.id),
                  )
                }
              />
              {p.serialNumber} <span className="sub">{p.productName}</span>
            </label>
          ))
        )}
        {printerError && <span className="field-error">{printerError}</span>}
      </fieldset>
      <div className="wide">
        <h3>Price lines</h3>
        <PriceLinesEditor
          lines={lines}
          onChange={(next) => {
            setLines(next);
            setServer({});
          }}
          errors={errors}
          currency={currency}
        />
      </div>
      <div className="wide">
        <FormErrors messages={[errors['']]} />
        <button type="submit" disabled={result.fetching}>
          Create contract
        </button>
      </div>
    </form>
  );
}
