// The ingest role as an operator would scale it on one host: `node dist/main.js serve --roles ingest
// --processes N` in its own process group (src/cli/ingest-cluster.ts), configured like the in-process
// app of the same run (same database, Redis prefix and secret key, so the fleet's credentials work).
// The primary announces readiness over IPC once every child listens, so no load reaches a group that
// is still half started (keep-alive connections would stick to the first child).
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Config } from '../../src/config';
import type { ClusterReadyMessage } from '../../src/cli/ingest-cluster';
import { REPO_ROOT, serverProcessEnv } from './bench-env';

export interface IngestCluster {
  url: string;
  /** The primary first, then the children. */
  pids: number[];
  stop(): Promise<void>;
}

export async function startIngestCluster(config: Config, processes: number): Promise<IngestCluster> {
  // The children share the one port the primary picks.
  const env = serverProcessEnv(config);

  const primary: ChildProcess = fork(
    path.join(REPO_ROOT, 'dist/main.js'),
    ['serve', '--roles', 'ingest', '--processes', String(processes)],
    { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  const exited = new Promise<number | null>((resolve) => primary.once('exit', (code) => resolve(code)));
  const ready = await Promise.race([
    new Promise<ClusterReadyMessage>((resolve) =>
      primary.on('message', (m: ClusterReadyMessage) => m.type === 'plotmeter:ready' && resolve(m)),
    ),
    exited.then((code) => {
      throw new Error(`the ingest cluster exited with code ${code} before it was ready`);
    }),
  ]);
  return {
    url: ready.url,
    pids: [primary.pid!, ...ready.pids],
    async stop() {
      if (primary.exitCode !== null) return;
      primary.kill('SIGTERM');
      const code = await exited;
      if (code !== 0) throw new Error(`the ingest cluster exited with code ${code} on SIGTERM`);
    },
  };
}
