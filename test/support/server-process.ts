// The compiled server (`node dist/main.js serve --roles ...`) as a child process on a port of its own,
// for fault tests that kill processes: started, waited for (/healthz), killed and restarted.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { eventually, TEST_SECRET_KEY } from './app';
import { freePort } from './net';

const MAIN = path.resolve(__dirname, '../../dist/main.js');

export interface ServerProcess {
  roles: string;
  port: number;
  url: string;
  child: ChildProcess;
  /** What the process wrote (its log at LOG_LEVEL warn, on stdout, and stderr), the last 200 chunks. */
  output: string[];
  /** Starts it again on the same port (after kill()). */
  restart(): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export interface ServerProcessOptions {
  roles: string;
  env: Record<string, string>;
  /** Wait for /healthz (roles with an HTTP server; a worker-only process listens too). */
  wait?: boolean;
}

export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const port = await freePort();
  const server: ServerProcess = {
    roles: options.roles,
    port,
    url: `http://127.0.0.1:${port}`,
    child: null as unknown as ChildProcess,
    output: [],
    async restart() {
      const child = spawn(process.execPath, [MAIN, 'serve', '--roles', options.roles], {
        env: {
          ...process.env,
          PLOTMETER_SECRET_KEY: TEST_SECRET_KEY,
          LOG_LEVEL: 'warn',
          NODE_ENV: 'test',
          ...options.env,
          PORT: String(port),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      for (const stream of [child.stdout!, child.stderr!]) {
        stream.setEncoding('utf8');
        stream.on('data', (chunk: string) => {
          server.output.push(chunk);
          if (server.output.length > 200) server.output.shift();
        });
      }
      server.child = child;
      if (options.wait === false) return;
      await eventually(
        async () => {
          if (child.exitCode !== null)
            throw new Error(
              `${options.roles} exited ${child.exitCode}: ${server.output.join('').slice(-2000)}`,
            );
          return (await fetch(`${server.url}/healthz`).catch(() => null))?.status === 200;
        },
        60_000,
        100,
      );
    },
    async kill(signal = 'SIGKILL') {
      const child = server.child;
      if (child.exitCode !== null || child.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill(signal);
      });
    },
  };
  await server.restart();
  return server;
}
