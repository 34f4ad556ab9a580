// Bounding how long a call may take: readiness checks and the ingest route answer within a deadline
// instead of hanging on a dependency that does not answer.

/** Resolves or rejects like `promise`, or rejects with `onTimeout(ms)` after `ms` milliseconds. */
export async function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  onTimeout: (ms: number) => Error = (elapsed) => new Error(`no answer within ${elapsed} ms`),
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(onTimeout(ms)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
