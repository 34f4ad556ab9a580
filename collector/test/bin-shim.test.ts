// `npx plotmeter-collector ...` straight after `npm ci` in a fresh clone: npm links the committed
// bin/plotmeter-collector.js (dist/ does not exist at install time), and the shim compiles the
// collector on its first run when dist/ is missing, or says what to do when it cannot.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = join(__dirname, '..', '..');
const collectorDir = join(repo, 'collector');
const pkg = JSON.parse(readFileSync(join(collectorDir, 'package.json'), 'utf8')) as {
  version: string;
  bin: Record<string, string>;
  files: string[];
};

function runNode(script: string, args: string[], cwd = repo) {
  const r = spawnSync(process.execPath, [script, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('plotmeter-collector bin', () => {
  it('is a committed file that npm links at install time, before any build', () => {
    const bin = pkg.bin['plotmeter-collector']!;
    expect(bin).toBe('bin/plotmeter-collector.js');
    expect(pkg.files).toContain('bin');
    // Tracked by git, so a fresh clone has it when npm ci links node_modules/.bin.
    execFileSync('git', ['ls-files', '--error-unmatch', join('collector', bin)], {
      cwd: repo,
      stdio: 'pipe',
    });
    const linked = join(repo, 'node_modules', '.bin', 'plotmeter-collector');
    expect(realpathSync(linked)).toBe(realpathSync(join(collectorDir, bin)));
  });

  it('runs through npx from the repository root', () => {
    const r = spawnSync('npx', ['--no-install', 'plotmeter-collector', '--version'], {
      cwd: repo,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it(
    'compiles the collector on the first run of a checkout without dist/, then runs it directly',
    { timeout: 240_000 },
    () => {
      // A fresh clone after npm ci: sources and installed dependencies, nothing compiled.
      const clone = mkdtempSync(join(tmpdir(), 'pm-fresh-clone-'));
      cpSync(join(repo, 'tsconfig.base.json'), join(clone, 'tsconfig.base.json'));
      for (const [dir, entries] of [
        ['protocol', ['package.json', 'tsconfig.json', 'src']],
        ['collector', ['package.json', 'tsconfig.json', 'src', 'bin']],
      ] as const) {
        mkdirSync(join(clone, dir));
        for (const e of entries) cpSync(join(repo, dir, e), join(clone, dir, e), { recursive: true });
      }
      symlinkSync(join(repo, 'node_modules'), join(clone, 'node_modules'));
      const shim = join(clone, 'collector', 'bin', 'plotmeter-collector.js');

      const first = runNode(shim, ['--version'], clone);
      expect(first.code, first.err).toBe(0);
      expect(first.out.trim()).toBe(pkg.version);
      expect(first.err).toMatch(/first run after install, compiling the collector/);
      expect(existsSync(join(clone, 'collector', 'dist', 'cli.js'))).toBe(true);

      const second = runNode(shim, ['status', '--state-dir', join(clone, 'state')], clone);
      expect(second.err).not.toMatch(/compiling/);
      expect(second.code).toBe(3); // not enrolled: the real CLI answered
      expect(second.err).toMatch(/not enrolled/);
    },
  );

  it('says to run npm run build when there is nothing to compile from', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pm-no-dist-'));
    mkdirSync(join(dir, 'bin'));
    cpSync(join(collectorDir, 'bin', 'plotmeter-collector.js'), join(dir, 'bin', 'plotmeter-collector.js'));
    const r = runNode(join(dir, 'bin', 'plotmeter-collector.js'), ['--version'], dir);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/dist\/cli\.js is missing and cannot be built here; run "npm run build"/);
  });
});
