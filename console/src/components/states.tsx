// Loading, empty and error states, the same on every page.
import type { CombinedError } from 'urql';

export function Loading({ label = 'Loading' }: { label?: string }) {
  return (
    <div className="state" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {label}…
    </div>
  );
}

export function Empty({ children }: { children: React.ReactNode }) {
  return <div className="state empty">{children}</div>;
}

/** The API's message for a failed operation ("which field, why"), never a stack trace. */
export function errorMessage(error: CombinedError | Error | null | undefined): string {
  if (!error) return '';
  if ('graphQLErrors' in error && error.graphQLErrors.length) {
    return error.graphQLErrors.map((e) => e.message).join('; ');
  }
  if ('networkError' in error && error.networkError)
    return `Cannot reach the server (${error.networkError.message})`;
  return error.message;
}

/** A failed mutation's message under its form; nothing when there is no error. */
export function FormError({ error }: { error: CombinedError | Error | null | undefined }) {
  if (!error) return null;
  return (
    <p role="alert" className="form-error">
      {errorMessage(error)}
    </p>
  );
}

export function ErrorState({ error, retry }: { error: CombinedError | Error; retry?: () => void }) {
  return (
    <div className="state error" role="alert">
      <strong>Something went wrong.</strong> {errorMessage(error)}
      {retry && (
        <button type="button" className="secondary" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Badge({
  tone,
  children,
}: {
  tone: 'ok' | 'warn' | 'bad' | 'info' | 'muted';
  children: React.ReactNode;
}) {
  return <span className={`badge ${tone}`}>{children}</span>;
}

const STATE_TONE: Record<string, 'ok' | 'warn' | 'bad' | 'info' | 'muted'> = {
  idle: 'ok',
  ready: 'ok',
  printing: 'info',
  processing: 'info',
  warning: 'warn',
  error: 'bad',
  offline: 'muted',
  sleep: 'muted',
  unknown: 'muted',
};

export function EngineState({ state }: { state: string }) {
  return <Badge tone={STATE_TONE[state] ?? 'muted'}>{state}</Badge>;
}

const SEVERITY_TONE = { INFO: 'info', WARNING: 'warn', ERROR: 'bad', CRITICAL: 'bad' } as const;
export function SeverityBadge({ severity }: { severity: keyof typeof SEVERITY_TONE }) {
  return <Badge tone={SEVERITY_TONE[severity]}>{severity.toLowerCase()}</Badge>;
}

/** Shows a secret exactly once, with a copy button and a warning. */
export function SecretOnce({ label, value }: { label: string; value: string }) {
  return (
    <div className="secret" role="status">
      <p>
        <strong>{label}</strong> — shown only now; store it safely, it cannot be shown again.
      </p>
      <code>{value}</code>
      <button type="button" className="secondary" onClick={() => void navigator.clipboard?.writeText(value)}>
        Copy
      </button>
    </div>
  );
}
