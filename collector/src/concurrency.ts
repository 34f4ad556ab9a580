// Runs async work over many items with at most `limit` in flight — discovery probes thousands of
// addresses and must not open thousands of sockets at once.
export async function mapLimit<T, R>(
  items: Iterable<T>,
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  const iterator = items[Symbol.iterator]();
  let index = 0;
  const worker = async () => {
    for (;;) {
      const next = iterator.next();
      if (next.done) return;
      const i = index++;
      results[i] = await fn(next.value, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, limit) }, worker));
  return results;
}
