// A labelled form control with its own error message: the message is tied to the control
// (aria-describedby) and marks it invalid, so a screen reader says which field is wrong and why.
import { useId, type ReactNode } from 'react';

export interface FieldA11y {
  id: string;
  'aria-invalid': boolean | undefined;
  'aria-describedby': string | undefined;
}

export function Field({
  label,
  error,
  hint,
  className,
  children,
}: {
  label: ReactNode;
  error?: string | null;
  hint?: ReactNode;
  className?: string;
  children: (a11y: FieldA11y) => ReactNode;
}) {
  const id = useId();
  const described = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ') || undefined;
  return (
    <div className={['field', className].filter(Boolean).join(' ')}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': described })}
      {hint && (
        <span id={`${id}-hint`} className="hint">
          {hint}
        </span>
      )}
      {error && (
        <span id={`${id}-error`} className="field-error">
          {error}
        </span>
      )}
    </div>
  );
}

/** Errors that name no field of the form, above its submit button. */
export function FormErrors({ messages }: { messages: ReadonlyArray<string | undefined | null> }) {
  const shown = messages.filter((m): m is string => !!m);
  if (shown.length === 0) return null;
  return (
    <div role="alert" className="form-error">
      {shown.map((m) => (
        <p key={m}>{m}</p>
      ))}
    </div>
  );
}

export interface Choice<V extends string = string> {
  value: V;
  label: string;
  disabled?: boolean;
}

/** Records with an id and a name (customers, sites, contracts) as choices. */
export function namedChoices(items: ReadonlyArray<{ id: string; name: string }>): Choice[] {
  return items.map((item) => ({ value: item.id, label: item.name }));
}

/** A map of values to their labels as choices, in the map's order. */
export function choicesOf<V extends string>(labels: Record<V, string>): Array<Choice<V>> {
  return (Object.keys(labels) as V[]).map((value) => ({ value, label: labels[value] }));
}

/** The options of a select: an optional first "none" choice with the value '', then the choices. */
function Options({ options, none }: { options: ReadonlyArray<Choice>; none?: string }) {
  return (
    <>
      {none !== undefined && <option value="">{none}</option>}
      {options.map((o) => (
        <option key={o.value} value={o.value} disabled={o.disabled}>
          {o.label}
        </option>
      ))}
    </>
  );
}

/**
 * A select inside its label, for filters and inline forms where no message stands beside it (the
 * label names the control without an id).
 */
export function InlineSelect<V extends string>({
  label,
  value,
  onChange,
  options,
  none,
  disabled,
  required,
}: {
  label: ReactNode;
  value: V | '';
  onChange: (value: V) => void;
  options: ReadonlyArray<Choice<V>>;
  /** The text of a first option with the value '' (e.g. "Any", "All customers"). */
  none?: string;
  disabled?: boolean;
  required?: boolean;
}) {
  return (
    <label>
      {label}
      <select
        value={value}
        disabled={disabled}
        required={required}
        onChange={(e) => onChange(e.target.value as V)}
      >
        <Options options={options} none={none} />
      </select>
    </label>
  );
}

/** A labelled select of fixed options (an optional first "none" choice with the value ''). */
export function SelectField<V extends string>({
  label,
  error,
  hint,
  value,
  onChange,
  options,
  none,
}: {
  label: ReactNode;
  error?: string | null;
  hint?: ReactNode;
  value: V | '';
  onChange: (value: V) => void;
  options: ReadonlyArray<Choice<V>>;
  /** The text of a first option with the value '' (e.g. "Choose…", "All customers"). */
  none?: string;
}) {
  return (
    <Field label={label} error={error} hint={hint}>
      {(a) => (
        <select {...a} value={value} onChange={(e) => onChange(e.target.value as V)}>
          <Options options={options} none={none} />
        </select>
      )}
    </Field>
  );
}
