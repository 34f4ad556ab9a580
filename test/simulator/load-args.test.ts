// `npm run load` options: defaults, and bad input refused with a message naming the option.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLoadArgs } from '../../simulator/src/load';

describe('load generator options', () => {
  it('takes the key and server from the environment and applies the defaults', () => {
    const o = parseLoadArgs(['--printers', '10000'], {
      PLOTMETER_API_KEY: 'pmk_x',
      PLOTMETER_URL: 'http://10.0.0.5:4000',
    });
    expect(o).toMatchObject({
      printers: 10000,
      apiKey: 'pmk_x',
      server: 'http://10.0.0.5:4000',
      timeScale: 360,
      durationSeconds: null,
      maxInFlight: 64,
      json: false,
    });
    expect(Number.isInteger(o.seed) && o.seed > 0).toBe(true);
  });

  it('refuses missing keys and bad numbers naming the option', () => {
    expect(() => parseLoadArgs([], {})).toThrow(/--api-key/);
    expect(() => parseLoadArgs(['--printers', '0'], { PLOTMETER_API_KEY: 'k' })).toThrow(/--printers/);
    expect(() => parseLoadArgs(['--printers', '2.5'], { PLOTMETER_API_KEY: 'k' })).toThrow(
      /--printers must be a whole number/,
    );
    expect(() => parseLoadArgs(['--time-scale', 'fast'], { PLOTMETER_API_KEY: 'k' })).toThrow(/--time-scale/);
    expect(() => parseLoadArgs(['--server', 'not a url'], { PLOTMETER_API_KEY: 'k' })).toThrow(/--server/);
  });
});

describe('plotmeter-load bin', () => {
  const repo = join(__dirname, '..', '..');

  it('is a committed launcher, so npm ci links the command in a fresh clone before any build', () => {
    const pkg = JSON.parse(readFileSync(join(repo, 'simulator', 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
    };
    const bin = pkg.bin['plotmeter-load']!;
    execFileSync('git', ['ls-files', '--error-unmatch', join('simulator', bin)], {
      cwd: repo,
      stdio: 'pipe',
    });
    expect(realpathSync(join(repo, 'node_modules', '.bin', 'plotmeter-load'))).toBe(
      realpathSync(join(repo, 'simulator', bin)),
    );
  });

  it('runs through npx and refuses a bad option with its usage', () => {
    const r = spawnSync('npx', ['--no-install', 'plotmeter-load', '--printers', 'many'], {
      cwd: repo,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--printers/);
  });
});
