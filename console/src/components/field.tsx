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
