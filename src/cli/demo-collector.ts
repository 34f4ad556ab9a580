// The real collector as a child process of the demo: `enroll` with the demo tenant's token, then
// `run` polling the simulated LAN printers. Its output goes to a log file; stop() ends it with SIGTERM
// (the collector finishes its current step) and SIGKILL only if it does not exit in time.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';

export function collectorCliPath(): string {
  const cli = path.join(path.dirname(require.resolve('@plotmeter/collector/package.json')), 'dist', 'cli.js');
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run "npm run build" first`);
  return cli;
}

export interface DemoCollectorOptions {
  serverUrl: string;
  token: string;
  stateDir: string;
  logFile: string;
  intervalSeconds: number;
}

export class DemoCollector {
  private child: ChildProcess | null = null;
  private log: WriteStream | null = null;

  constructor(private readonly options: DemoCollectorOptions) {}

  /** Enrolls from a clean state directory (a fresh demo tenant means a fresh collector). */
  async enroll(): Promise<void> {
    await rm(this.options.stateDir, { recursive: true, force: true });
    this.log = createWriteStream(this.options.logFile, { flags: 'w' });
    const code = await this.runToEnd([
      'enroll',
      '--server',
      this.options.serverUrl,
      '--token',
      this.options.token,
      '--state-dir',
      this.options.stateDir,
    ]);
    if (code !== 0)
      throw new Error(`collector enroll failed with exit code ${code}; see ${this.options.logFile}`);
  }

  /** Starts `run` in the background; it polls at once, then every intervalSeconds. */
  start(): void {
    const child = spawn(
      process.execPath,
      [
        collectorCliPath(),
        'run',
        '--state-dir',
        this.options.stateDir,
        '--interval-seconds',
        String(this.options.intervalSeconds),
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        // Its own process group: a terminal's Ctrl-C reaches only the demo, which stops the collector
        // in order (after the fleet, before the server). The exit hook covers a demo that dies hard.
        detached: true,
      },
    );
    const killOnExit = () => child.kill('SIGTERM');
    process.once('exit', killOnExit);
    child.once('exit', () => process.off('exit', killOnExit));
    child.stdout?.pipe(this.log!, { end: false });
    child.stderr?.pipe(this.log!, { end: false });
    child.once('exit', (code, signal) => {
      if (this.child === child) {
        this.child = null;
        console.error(
          `collector exited unexpectedly (${signal ?? `code ${code}`}); see ${this.options.logFile}`,
        );
      }
    });
    this.child = child;
  }

  /** The running collector's process id (the soak measures its memory), or null. */
  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  get running(): boolean {
    return this.child !== null;
  }

  async stop(timeoutMs = 5000): Promise<void> {
    const child = this.child;
    this.child = null;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    }
    await new Promise<void>((resolve) => (this.log ? this.log.end(() => resolve()) : resolve()));
    this.log = null;
  }

  private runToEnd(args: string[]): Promise<number> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [collectorCliPath(), ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout?.pipe(this.log!, { end: false });
      child.stderr?.pipe(this.log!, { end: false });
      child.once('error', reject);
      child.once('exit', (code) => resolve(code ?? 1));
    });
  }
}
