// Collects the reports that the `reports` queue's jobs hand in and persists them in batches: one
// transaction (and one commit, the WAL flush that dominated the per-report cost) per batch instead of
// per report. Each job awaits its own report's result, so a BullMQ job completes only after the
// transaction holding its report committed; a crash before that leaves the job to be retried.
//
// - A batch is flushed when it is full (maxSize) or when its oldest report has waited lingerMs, so a
//   lone report is delayed by a few milliseconds at most. While other batches are running, a partial
//   batch waits up to busyLingerMs instead: the store is busy anyway, and a batch started with the few
//   reports that arrived within lingerMs would hold a slot for a full batch's time (at a start-up, the
//   first batches had 8–18 reports each while 2,000 were queued).
// - At most maxInFlight batches run at a time; reports arriving meanwhile wait and make the next batch
//   fuller (batches grow with the load, not with a timer).
// - A report shares no key (its printers, its keyId + reportId) with another report of its batch nor
//   with a batch in flight: it waits for the next batch. So one process persists the reports of a
//   printer one after the other in queue order, and each batch touches each printer row once.
// - Failure isolation: when a batch fails (one report's bad data, a deadlock, a serialization error),
//   its reports are persisted one by one, so a poison report fails only its own job (which retries and
//   is parked as today) and the others still commit.
export interface BatcherOptions<T, R> {
  /** Persists the items in one transaction, returning one result per item (in order). */
  persist: (items: T[]) => Promise<R[]>;
  /** Keys no two items of one batch (or of two batches in flight) may share. */
  keysOf: (item: T) => readonly string[];
  maxSize: number;
  lingerMs: number;
  /** How long a partial batch may wait while other batches run (default: lingerMs). */
  busyLingerMs?: number;
  maxInFlight: number;
  /** Told when a batch failed and its items are retried one by one. */
  onBatchError?: (error: unknown, size: number) => void;
}

interface Pending<T, R> {
  item: T;
  keys: readonly string[];
  since: number;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

interface Selection<T, R> {
  batch: Pending<T, R>[];
  rest: Pending<T, R>[];
  keys: Set<string>;
}

export class Batcher<T, R> {
  private pending: Pending<T, R>[] = [];
  private readonly busyKeys = new Set<string>();
  private inFlight = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly options: BatcherOptions<T, R>) {
    if (!(
      options.maxSize >= 1 &&
      options.maxInFlight >= 1 &&
      options.lingerMs >= 0 &&
      (options.busyLingerMs ?? 0) >= 0
    ))
      throw new RangeError('batcher: maxSize and maxInFlight must be ≥ 1, lingerMs and busyLingerMs ≥ 0');
  }

  /** Resolves with the item's result once the transaction that stored it committed. */
  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, keys: this.options.keysOf(item), since: Date.now(), resolve, reject });
      this.schedule();
    });
  }

  /** Items waiting for a batch, and batches running (for tests and metrics). */
  get stats(): { pending: number; inFlight: number } {
    return { pending: this.pending.length, inFlight: this.inFlight };
  }

  private schedule(): void {
    if (this.inFlight >= this.options.maxInFlight) return;
    const next = this.select();
    if (next.batch.length === 0) return; // all waiting reports conflict with a batch in flight
    const waited = Date.now() - next.batch[0]!.since; // arrival order: the first waited longest
    const linger =
      this.inFlight > 0 ? (this.options.busyLingerMs ?? this.options.lingerMs) : this.options.lingerMs;
    if (next.batch.length >= this.options.maxSize || waited >= linger) {
      this.start(next);
      return;
    }
    // A batch finishing calls schedule() again, so a shorter linger applies as soon as none runs.
    this.timer ??= setTimeout(() => {
      this.timer = null;
      this.schedule();
    }, linger - waited);
  }

  /** The next batch: waiting items in arrival order that share no key with it or a batch in flight. */
  private select(): Selection<T, R> {
    const batch: Pending<T, R>[] = [];
    const rest: Pending<T, R>[] = [];
    const keys = new Set<string>();
    for (const p of this.pending) {
      const free =
        batch.length < this.options.maxSize && p.keys.every((k) => !keys.has(k) && !this.busyKeys.has(k));
      if (free) {
        batch.push(p);
        for (const k of p.keys) keys.add(k);
      } else {
        rest.push(p);
      }
    }
    return { batch, rest, keys };
  }

  private start({ batch, rest, keys }: Selection<T, R>): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.pending = rest;
    this.inFlight += 1;
    for (const k of keys) this.busyKeys.add(k);
    void this.run(batch).finally(() => {
      this.inFlight -= 1;
      for (const k of keys) this.busyKeys.delete(k);
      this.schedule();
    });
    // Another batch may start right away when the limit allows and enough is waiting.
    this.schedule();
  }

  private async run(batch: Pending<T, R>[]): Promise<void> {
    try {
      const results = await this.options.persist(batch.map((p) => p.item));
      batch.forEach((p, i) => p.resolve(results[i]!));
      return;
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      this.options.onBatchError?.(error, batch.length);
    }
    for (const p of batch) {
      try {
        const [result] = await this.options.persist([p.item]);
        p.resolve(result!);
      } catch (error) {
        p.reject(error);
      }
    }
  }
}
