// The messages between the benchmark's main thread and its load-generator worker thread, and the
// figures one load phase produces. Shared by both sides so they cannot drift apart.

export interface BenchCredential {
  keyId: string;
  secret: string;
  serialNumber: string;
}

/** workerData of the load generator: what to build before any phase runs. */
export interface LoadWorkerData {
  credentials: BenchCredential[];
  /** How many distinct reports (one gzip body each) to prepare; report i belongs to printer i % N. */
  bodies: number;
  jobsPerReport: number;
  /** Added to every report's seed, so two runs against one database never collide. */
  seedOffset: number;
}

export interface PhaseRequest {
  type: 'run';
  label: string;
  /** Origin of the server under load, e.g. "http://127.0.0.1:41234". */
  origin: string;
  path: string;
  /** Requests in flight at any time (one keep-alive connection each). */
  concurrency: number;
  /** The phase stops after this long or when the bodies run out (unless cycling). */
  durationMs: number;
  /** First body index this phase sends. */
  startIndex: number;
  /** Upper bound on requests; the phase never sends more. */
  maxRequests: number;
  /** Reuse bodies (and signatures) from the start when they run out: only for a server that neither
   * verifies signatures nor remembers nonces. */
  cycle: boolean;
}

export interface PhaseResult {
  label: string;
  sent: number;
  /** Responses with a 2xx status for a report the server had not seen before. */
  accepted: number;
  /** 2xx answers saying the report had been accepted before (must be 0: every body is new). */
  duplicates: number;
  /** Status code -> count for everything not accepted; "network" for transport errors, "duplicate" for
   * duplicate answers. */
  failures: Record<string, number>;
  firstFailure: string | null;
  elapsedMs: number;
  acceptedPerSecond: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  /** Time spent signing this phase's requests before the clock started. */
  signMs: number;
}

export interface ReadyMessage {
  type: 'ready';
  bodies: number;
  avgGzipBytes: number;
  avgJsonBytes: number;
  buildMs: number;
}

export type WorkerMessage =
  ReadyMessage | { type: 'result'; result: PhaseResult } | { type: 'error'; message: string };
export type MainMessage = PhaseRequest | { type: 'exit' };
