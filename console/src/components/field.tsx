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
  options: ReadonlyArray<{ value: V; label: string; disabled?: boolean }>;
  /** The text of a first option with the value '' (e.g. "Choose…", "All customers"). */
  none?: string;
}) {
  return (
    <Field label={label} error={error} hint={hint}>
      {(a) => (
        <select {...a} value={value} onChange={(e) => onChange(e.target.value as V)}>
          {none !== undefined && <option value="">{none}</option>}
          {options.map((o) => (
            <option key={o.value} value={o.value} disabled={o.disabled}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
