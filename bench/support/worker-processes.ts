// The worker role as production runs it: N × `node dist/main.js serve --roles worker` with `npm start`'s
// V8 flags, configured like the in-process app of the same run (same database, Redis prefix, secret
// key and worker settings). They need no readiness signal: the bench times the drain from
// BullMQ's own per-job stamps.
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Config } from '../../src/config';
import { SERVER_NODE_FLAGS } from './api-servers';
import { REPO_ROOT, serverProcessEnv } from './bench-env';

export interface WorkerProcesses {
  pids: number[];
  stop(): Promise<void>;
}

export function startWorkerProcesses(config: Config, processes: number): WorkerProcesses {
  const env = serverProcessEnv(config);

  const children: ChildProcess[] = Array.from({ length: processes }, () =>
    fork(path.join(REPO_ROOT, 'dist/main.js'), ['serve', '--roles', 'worker'], {
      env,
      // More flags for profiling, e.g. BENCH_WORKER_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof".
      execArgv: [
        ...SERVER_NODE_FLAGS,
        ...(process.env.BENCH_WORKER_NODE_FLAGS?.split(/\s+/).filter(Boolean) ?? []),
      ],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  );
  return {
    pids: children.map((c) => c.pid!),
    async stop() {
      await Promise.all(
        children.map(async (child) => {
          if (child.exitCode !== null) return;
          const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
          child.kill('SIGTERM');
          const code = await exited;
          if (code !== 0) throw new Error(`a worker process exited with code ${code} on SIGTERM`);
        }),
      );
    },
  };
}
