// Runs the compiled collector CLI as an operator would: its own process and event loop.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const COLLECTOR_CLI = join(__dirname, '../../collector/dist/cli.js');

export async function collectorCli(
  args: string[],
  options: { script?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [options.script ?? COLLECTOR_CLI, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: options.env ?? process.env,
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => resolve({ code: code ?? -1, out, err }));
  });
}
