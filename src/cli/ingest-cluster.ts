// Several ingest processes on one host, sharing one port (`serve --roles ingest --processes N` or
// INGEST_PROCESSES). One ingest process is bound by its main thread (about 0.5 ms of CPU per report), and
// the role keeps no state of its own, so on a host with spare cores more processes accept more reports.
// node:cluster lets them share the listening socket: this primary accepts connections and hands them to
// the children in turn; the children are ordinary `serve --roles ingest` processes.
//
// The primary only supervises: it reports readiness once every child listens, replaces a child that
// dies while serving, and on SIGTERM/SIGINT asks every child to shut down gracefully (over IPC, so a
// terminal's SIGINT reaching the children as well does not count as a second, hard signal), then exits 0
// when all of them stopped cleanly. A child that dies before it ever listened (bad configuration,
// pending migrations) stops the whole group with exit code 1 rather than being restarted in a loop.
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';

/** IPC message from the primary asking a child to shut down gracefully. */
export const SHUTDOWN_MESSAGE = 'plotmeter:shutdown';

/** Sent to the primary's own parent (if it has an IPC channel) once every child listens. */
export interface ClusterReadyMessage {
  type: 'plotmeter:ready';
  url: string;
  pids: number[];
}

const RESTART_DELAY_MS = 1_000;

export interface IngestClusterOptions {
  processes: number;
  /** Each child's own graceful-shutdown budget; the primary waits a little longer before killing. */
  shutdownTimeoutMs: number;
  scheme: 'http' | 'https';
  log: Logger;
}

/** Runs the primary until the group has stopped; resolves with the process exit code. */
export function runIngestCluster(options: IngestClusterOptions): Promise<number> {
  const { processes, shutdownTimeoutMs, scheme, log } = options;
  // Children run this same command line; node:cluster tells them apart (cluster.isWorker).
  cluster.setupPrimary({ exec: process.argv[1], args: process.argv.slice(2) });

  return new Promise<number>((resolve) => {
    const listening = new Set<Worker>();
    let readyAnnounced = false;
    let stopping = false;
    let exitCode = 0;

    const alive = () => Object.values(cluster.workers ?? {}).filter((w): w is Worker => Boolean(w));

    const finish = () => {
      if (alive().length > 0) return;
      log.info({ exitCode }, 'ingest processes stopped');
      resolve(exitCode);
    };

    const stop = (reason: string, code: number) => {
      if (code !== 0) exitCode = code;
      if (stopping) return;
      stopping = true;
      log.info({ reason }, 'stopping ingest processes');
      for (const worker of alive()) if (worker.isConnected()) worker.send(SHUTDOWN_MESSAGE);
      const killer = setTimeout(() => {
        log.error(`ingest processes did not stop within ${shutdownTimeoutMs + 5_000} ms; killing them`);
        exitCode = 1;
        for (const worker of alive()) worker.process.kill('SIGKILL');
      }, shutdownTimeoutMs + 5_000);
      killer.unref();
      finish();
    };

    cluster.on('listening', (worker, address) => {
      listening.add(worker);
      if (readyAnnounced || listening.size < processes) return;
      readyAnnounced = true;
      const host = address.addressType === 6 ? `[${address.address}]` : address.address;
      const url = `${scheme}://${host}:${address.port}`;
      const pids = [...listening].map((w) => w.process.pid!);
      log.info({ processes, url, childPids: pids }, 'ingest processes listening');
      if (process.send && process.connected)
        process.send({ type: 'plotmeter:ready', url, pids } satisfies ClusterReadyMessage);
    });

    cluster.on('exit', (worker, code, signal) => {
      const wasListening = listening.delete(worker);
      if (stopping) {
        if (code !== 0) exitCode = 1;
        finish();
        return;
      }
      if (!wasListening) {
        log.error({ childPid: worker.process.pid, code, signal }, 'an ingest process failed to start');
        stop('an ingest process failed to start', 1);
        return;
      }
      log.error({ childPid: worker.process.pid, code, signal }, 'an ingest process died; starting another');
      setTimeout(() => {
        if (!stopping) cluster.fork();
      }, RESTART_DELAY_MS);
    });

    let signalled = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (signalled) {
        log.error(`received ${signal} again; killing the ingest processes`);
        for (const worker of alive()) worker.process.kill('SIGKILL');
        process.exit(1);
      }
      signalled = true;
      stop(signal, 0);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);

    for (let i = 0; i < processes; i++) cluster.fork();
  });
}
