// Runs the CLI's main() in-process with captured output, as an operator would call it.
import { main } from '../../src/cli';

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

export async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  let out = '';
  let err = '';
  const code = await main(args, {
    out: (s) => (out += `${s}\n`),
    err: (s) => (err += `${s}\n`),
    isTty: false,
    env: { PATH: process.env.PATH, ...env },
  });
  return { code, out, err };
}
