// Editing a contract's price lines: meter (and optionally one media type or category of it), counters
// or jobs, a unit price or tiers (graduated or volume), the allowance and a minimum charge. Every input
// shows its own message, from the form's checks (lib/price-lines.ts) or the API's extensions.field.
import type { QuantityBasis, TierMode } from '../gql/graphql';
import type { FieldErrors } from '../lib/field-errors';
import { JOB_MEASURABLE, linePath, METER_OPTIONS, newLine, type LineDraft } from '../lib/price-lines';
import { Field, SelectField } from './field';

export function PriceLinesEditor({
  lines,
  onChange,
  errors,
  currency,
}: {
  lines: LineDraft[];
  onChange: (lines: LineDraft[]) => void;
  errors: FieldErrors;
  currency: string;
}) {
  const setLine = (i: number, patch: Partial<LineDraft>) =>
    onChange(lines.map((l, j) => (i === j ? { ...l, ...patch } : l)));
  const minor = currency ? `minor units of ${currency.toUpperCase()}` : 'minor units';
  return (
    <div className="stack">
      {errors['input.priceLines'] && (
        <p className="form-error" role="alert">
          {errors['input.priceLines']}
        </p>
      )}
      {lines.map((line, i) => {
        const err = (property: string) => errors[linePath(i, property)];
        const tiers = line.tiers;
        const setTier = (j: number, patch: Partial<LineDraft['tiers'][number]>) =>
          setLine(i, { tiers: tiers.map((t, k) => (k === j ? { ...t, ...patch } : t)) });
        return (
          <fieldset key={i} className="price-line">
            <legend>Price line {i + 1}</legend>
            <SelectField
              label="Meter"
              error={err('meter')}
              value={line.meter}
              onChange={(meter) =>
                setLine(i, {
                  meter,
                  ...(JOB_MEASURABLE.includes(meter) ? {} : { basis: 'COUNTERS' as QuantityBasis }),
                })
              }
              options={METER_OPTIONS}
            />
            <Field label="Description" error={err('description')} hint="On the statement; default: the meter">
              {(a) => (
                <input
                  {...a}
                  value={line.description}
                  maxLength={200}
                  onChange={(e) => setLine(i, { description: e.target.value })}
                />
              )}
            </Field>
            {line.meter === 'MEDIA_AREA_M2' && (
              <Field label="Only media type" error={err('mediaType')} hint="Empty: all media">
                {(a) => (
                  <input
                    {...a}
                    value={line.mediaType}
                    onChange={(e) => setLine(i, { mediaType: e.target.value })}
                  />
                )}
              </Field>
            )}
            {(line.meter === 'MEDIA_AREA_M2' || line.meter === 'MEDIA_LENGTH_M') && (
              <Field label="Only category" error={err('category')} hint="Empty: all categories">
                {(a) => (
                  <input
                    {...a}
                    value={line.category}
                    onChange={(e) => setLine(i, { category: e.target.value })}
                  />
                )}
              </Field>
            )}
            <Field label="Measured from" error={err('basis')}>
              {(a) => (
                <select
                  {...a}
                  value={line.basis}
                  onChange={(e) => setLine(i, { basis: e.target.value as QuantityBasis })}
                >
                  <option value="COUNTERS">Lifetime counters</option>
                  <option value="JOBS" disabled={!JOB_MEASURABLE.includes(line.meter)}>
                    Jobs completed
                  </option>
                </select>
              )}
            </Field>
            <Field label="Allowance per period" error={err('allowance')} hint="Included, not billed">
              {(a) => (
                <input
                  {...a}
                  inputMode="decimal"
                  value={line.allowance}
                  onChange={(e) => setLine(i, { allowance: e.target.value })}
                />
              )}
            </Field>
            <Field
              label="Minimum charge per period"
              error={err('minimumCommitmentMinor')}
              hint={`Whole ${minor}`}
            >
              {(a) => (
                <input
                  {...a}
                  inputMode="numeric"
                  value={line.minimumCommitmentMinor}
                  onChange={(e) => setLine(i, { minimumCommitmentMinor: e.target.value })}
                />
              )}
            </Field>
            <Field label="Pricing" error={err('tierMode')}>
              {(a) => (
                <select
                  {...a}
                  value={line.pricing === 'unit' ? 'unit' : line.tierMode}
                  onChange={(e) =>
                    setLine(
                      i,
                      e.target.value === 'unit'
                        ? { pricing: 'unit' }
                        : { pricing: 'tiers', tierMode: e.target.value as TierMode },
                    )
                  }
                >
                  <option value="unit">One unit price</option>
                  <option value="GRADUATED">Tiers, each band at its price</option>
                  <option value="VOLUME">Tiers, all at the band reached</option>
                </select>
              )}
            </Field>
            {line.pricing === 'unit' ? (
              <Field label="Price per unit" error={err('unitPriceMinor')} hint={`In ${minor}, e.g. 4.5`}>
                {(a) => (
                  <input
                    {...a}
                    inputMode="decimal"
                    value={line.unitPriceMinor}
                    onChange={(e) => setLine(i, { unitPriceMinor: e.target.value })}
                  />
                )}
              </Field>
            ) : (
              <div className="tiers stack" role="group" aria-label={`Tiers of price line ${i + 1}`}>
                {err('tiers') && <p className="form-error">{err('tiers')}</p>}
                {tiers.map((tier, j) => {
                  const last = j === tiers.length - 1;
                  return (
                    <div key={j} className="tier-row">
                      <Field label={`Band ${j + 1} up to`} error={err(`tiers[${j}].upTo`)}>
                        {(a) =>
                          last ? (
                            <input {...a} value="and above" readOnly />
                          ) : (
                            <input
                              {...a}
                              inputMode="decimal"
                              value={tier.upTo}
                              onChange={(e) => setTier(j, { upTo: e.target.value })}
                            />
                          )
                        }
                      </Field>
                      <Field label={`Band ${j + 1} price per unit`} error={err(`tiers[${j}].unitPriceMinor`)}>
                        {(a) => (
                          <input
                            {...a}
                            inputMode="decimal"
                            value={tier.unitPriceMinor}
                            onChange={(e) => setTier(j, { unitPriceMinor: e.target.value })}
                          />
                        )}
                      </Field>
                      <button
                        type="button"
                        className="secondary"
                        disabled={tiers.length <= 2}
                        onClick={() => setLine(i, { tiers: tiers.filter((_, k) => k !== j) })}
                      >
                        Remove band {j + 1}
                      </button>
                    </div>
                  );
                })}
                <div>
                  <button
                    type="button"
                    className="secondary"
                    onClick={() =>
                      setLine(i, {
                        tiers: [
                          ...tiers.slice(0, -1),
                          { upTo: '', unitPriceMinor: '' },
                          tiers[tiers.length - 1]!,
                        ],
                      })
                    }
                  >
                    Add a band
                  </button>
                </div>
              </div>
            )}
            <div className="wide">
              <button
                type="button"
                className="secondary"
                onClick={() => onChange(lines.filter((_, j) => j !== i))}
                disabled={lines.length === 1}
              >
                Remove price line {i + 1}
              </button>
            </div>
          </fieldset>
        );
      })}
      <div>
        <button
          type="button"
          className="secondary"
          onClick={() => onChange([...lines, newLine('INK_OEM_ML')])}
        >
          Add price line
        </button>
      </div>
    </div>
  );
}
