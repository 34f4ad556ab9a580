// The on-disk upload queue. Every batch is written here (gzipped Report v1 body, write + fsync +
// rename) before any upload is attempted, and removed only after the portal accepted it, so a batch
// survives server outages, kill -9 and reboots. Entries are uploaded strictly in the order they
// were written, which keeps each printer's reports in order. Batches the portal rejects for good
// (4xx) move to spool/dead/ with the reason beside them; nothing is deleted silently. The spool is
// bounded: when full, put() refuses, and the caller keeps the data on the printers instead.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { fsyncDir, writeFileAtomic } from './atomic-file';

export interface SpoolLimits {
  maxBytes: number;
  maxEntries: number;
}

export const DEFAULT_SPOOL_LIMITS: SpoolLimits = { maxBytes: 256 * 1024 * 1024, maxEntries: 10_000 };

export interface SpoolEntry {
  name: string;
  reportId: string;
  bytes: number;
}

export class SpoolFullError extends Error {
  constructor(
    readonly limits: SpoolLimits,
    readonly used: { bytes: number; entries: number },
  ) {
    super(
      `spool full (${used.entries} batches, ${used.bytes} bytes; limits ${limits.maxEntries} batches, ${limits.maxBytes} bytes)`,
    );
    this.name = 'SpoolFullError';
  }
}

/** The disk (or the user's quota) is full: writing a batch failed for want of space, not for a bug. */
export function isDiskFull(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

const ENTRY_RE = /^(\d{16})-([0-9a-f-]{36})\.json\.gz$/;

export class Spool {
  readonly dir: string;
  readonly deadDir: string;
  private lastSeq = 0;

  constructor(
    stateDir: string,
    readonly limits: SpoolLimits = DEFAULT_SPOOL_LIMITS,
  ) {
    this.dir = join(stateDir, 'spool');
    this.deadDir = join(this.dir, 'dead');
  }

  async init(): Promise<void> {
    await fs.mkdir(this.deadDir, { recursive: true, mode: 0o700 });
    // Temporary files are leftovers of a write interrupted before its rename: never a valid batch.
    for (const name of await fs.readdir(this.dir)) {
      if (name.endsWith('.tmp')) await fs.rm(join(this.dir, name), { force: true });
    }
  }

  async list(): Promise<SpoolEntry[]> {
    const names = (await fs.readdir(this.dir)).filter((n) => ENTRY_RE.test(n)).sort();
    const entries: SpoolEntry[] = [];
    for (const name of names) {
      const stat = await fs.stat(join(this.dir, name)).catch(() => null);
      if (stat) entries.push({ name, reportId: ENTRY_RE.exec(name)![2]!, bytes: stat.size });
    }
    return entries;
  }

  async stats(): Promise<{ entries: number; bytes: number; deadLetters: number }> {
    const entries = await this.list();
    const dead = (await fs.readdir(this.deadDir).catch(() => [] as string[])).filter((n) => ENTRY_RE.test(n));
    return {
      entries: entries.length,
      bytes: entries.reduce((s, e) => s + e.bytes, 0),
      deadLetters: dead.length,
    };
  }

  /** Durably stores one gzipped batch; throws SpoolFullError when the limits would be exceeded. */
  async put(reportId: string, body: Buffer): Promise<SpoolEntry> {
    const existing = await this.list();
    const used = { entries: existing.length, bytes: existing.reduce((s, e) => s + e.bytes, 0) };
    if (used.entries + 1 > this.limits.maxEntries || used.bytes + body.length > this.limits.maxBytes) {
      throw new SpoolFullError(this.limits, used);
    }
    // Sequence: microseconds since the epoch, strictly increasing even within one millisecond and
    // across restarts (it never goes below the newest entry on disk).
    const newest = existing.length > 0 ? Number(existing[existing.length - 1]!.name.slice(0, 16)) : 0;
    const seq = Math.max(Date.now() * 1000, this.lastSeq + 1, newest + 1);
    this.lastSeq = seq;
    const name = `${String(seq).padStart(16, '0')}-${reportId}.json.gz`;
    await writeFileAtomic(join(this.dir, name), body, 0o600);
    return { name, reportId, bytes: body.length };
  }

  read(entry: SpoolEntry): Promise<Buffer> {
    return fs.readFile(join(this.dir, entry.name));
  }

  async remove(entry: SpoolEntry): Promise<void> {
    await fs.rm(join(this.dir, entry.name), { force: true });
    await fsyncDir(this.dir);
  }

  /** Moves a batch the portal will never accept to dead/, with the portal's answer beside it. */
  async deadLetter(entry: SpoolEntry, reason: string): Promise<void> {
    await writeFileAtomic(join(this.deadDir, `${entry.name}.reason.txt`), `${reason}\n`, 0o600);
    await fs.rename(join(this.dir, entry.name), join(this.deadDir, entry.name));
    await fsyncDir(this.deadDir);
    await fsyncDir(this.dir);
  }
}
