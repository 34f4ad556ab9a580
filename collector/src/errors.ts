// Errors meant for the person running the collector: each carries a message that says what went
// wrong and what to do, and the process exit code the CLI uses for it.
export class OperatorError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = 1,
  ) {
    super(message);
    this.name = 'OperatorError';
  }
}

/** Exit codes, documented in docs/collector.md. */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  notEnrolled: 3,
  serverRejected: 4,
  stateDir: 5,
} as const;

export function errorMessage(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as Error & { cause?: unknown }).cause;
    const causeText =
      cause instanceof Error && cause.message && !err.message.includes(cause.message)
        ? `: ${cause.message}`
        : '';
    return `${err.message}${causeText}`;
  }
  return String(err);
}
