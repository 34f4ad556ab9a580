// What a 202 promises (docs/reliability.md "Redis killed"). The ingest answers 202 once Redis has run
// the add script, which means the report is in Redis's memory and, with the documented production
// configuration (appendonly yes, appendfsync everysec), written to the AOF file in the kernel's page
// cache before Redis replies: it survives Redis or any Plotmeter process being killed, not the host
// losing power (up to about two seconds of writes not yet fsynced).
//
// INGEST_DURABILITY=fsync also makes a 202 survive a host crash: it is only sent by a Redis that
// fsyncs its AOF before every reply (appendfsync always). The ingest checks the server's configuration
// each time its connection (re)connects, and answers 503 (never a 202) while the Redis it talks to
// does not fsync every write or cannot be asked (CONFIG disabled): a Redis restarted with another
// configuration cannot silently weaken the promise.
import type { Redis } from 'ioredis';

export type IngestDurability = 'process' | 'fsync';

export interface DurabilityGate {
  /** null when a 202 may be sent; otherwise why not (for the 503 and the log). */
  refusal(): string | null;
  close(): void;
}

/** Redis's AOF settings, as CONFIG GET reports them. */
export async function aofSettings(redis: Redis): Promise<{ appendonly: string; appendfsync: string }> {
  const pairs = (await redis.call('CONFIG', 'GET', 'append*')) as string[];
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < pairs.length; i += 2) map.set(pairs[i]!, pairs[i + 1]!);
  return { appendonly: map.get('appendonly') ?? 'unknown', appendfsync: map.get('appendfsync') ?? 'unknown' };
}

export function durabilityGate(
  mode: IngestDurability,
  redis: Redis,
  log: { error(obj: object, msg: string): void; info(obj: object, msg: string): void },
): DurabilityGate {
  if (mode === 'process') return { refusal: () => null, close: () => undefined };
  let refusal: string | null = 'the Redis durability settings have not been checked yet';
  let generation = 0;
  const check = () => {
    const mine = ++generation;
    refusal = 'the Redis durability settings have not been checked yet';
    aofSettings(redis).then(
      ({ appendonly, appendfsync }) => {
        if (mine !== generation) return;
        if (appendonly === 'yes' && appendfsync === 'always') {
          refusal = null;
          log.info({ appendonly, appendfsync }, 'INGEST_DURABILITY=fsync: Redis fsyncs every write');
        } else {
          refusal = `INGEST_DURABILITY=fsync needs Redis with appendonly yes and appendfsync always; it has appendonly ${appendonly}, appendfsync ${appendfsync}`;
          log.error({ appendonly, appendfsync }, refusal);
        }
      },
      (error: unknown) => {
        if (mine !== generation) return;
        refusal = `INGEST_DURABILITY=fsync could not read the Redis AOF settings (CONFIG GET): ${(error as Error).message}`;
        log.error({ err: error }, refusal);
      },
    );
  };
  redis.on('ready', check);
  if (redis.status === 'ready') check();
  return {
    refusal: () => refusal,
    close: () => {
      redis.off('ready', check);
    },
  };
}
