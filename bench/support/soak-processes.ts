// The soak's server: each role as its own `node dist/main.js serve --roles <role>` process (as the
// systemd units run them), each with its own /metrics listener (METRICS_PORT), plus the real collector.
// The soak reads everything it reports from those scrapes; only the collector, which has no /metrics,
// is measured from /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { freePort } from '../../test/support/net';
import { parseExposition, type Sample } from '../../test/support/prometheus';
import { REPO_ROOT } from './bench-env';

export interface RoleProcess {
  role: string;
  url: string;
  metricsUrl: string;
  child: ChildProcess;
  /** Last lines it wrote (warn and above), for a failure message. */
  output: string[];
  scrape(): Promise<Sample[]>;
  stop(): Promise<void>;
}

/** `npm start`'s V8 flags, so the heap behaves as in production. */
const NODE_FLAGS = ['--max-semi-space-size=256', '--min-semi-space-size=64'];

export async function startRole(role: string, env: NodeJS.ProcessEnv): Promise<RoleProcess> {
  const [port, metricsPort] = [await freePort(), await freePort()];
  const child = spawn(
    process.execPath,
    [...NODE_FLAGS, path.join(REPO_ROOT, 'dist/main.js'), 'serve', '--roles', role],
    {
      env: { ...env, PORT: String(port), METRICS_PORT: String(metricsPort), LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      output.push(chunk);
      if (output.length > 50) output.shift();
    });
  }
  const metricsUrl = `http://127.0.0.1:${metricsPort}`;
  const proc: RoleProcess = {
    role,
    url: `http://127.0.0.1:${port}`,
    metricsUrl,
    child,
    output,
    async scrape() {
      const response = await fetch(`${metricsUrl}/metrics`, { signal: AbortSignal.timeout(30_000) });
      if (!response.ok) throw new Error(`${role} /metrics answered ${response.status}`);
      return parseExposition(await response.text());
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${role} exited with ${child.exitCode}: ${output.join('')}`);
    try {
      await proc.scrape();
      if (role === 'worker') break;
      const ready = await fetch(`${proc.url}/readyz`);
      if (ready.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`${role} did not become ready within 60 s: ${output.join('')}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return proc;
}

/** Resident memory of any process from /proc (the collector has no /metrics), in bytes. */
export async function residentBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (!kb) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(kb[1]) * 1024;
}
