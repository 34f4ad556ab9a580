// The production systemd units (ops/systemd, docs/operations.md) pass `systemd-analyze verify` with no
// warning at all (unknown keys and bad values are only warnings there, so any output fails). The
// check is first shown to catch a broken unit. scripts/install-test-deps.sh installs systemd; the test
// skips, saying why, only where systemd-analyze is missing or cannot run at all.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const UNITS_DIR = path.resolve(__dirname, '../../ops/systemd');
const units = readdirSync(UNITS_DIR)
  .filter((f) => /\.(service|target)$/.test(f))
  .map((f) => path.join(UNITS_DIR, f));

function verify(files: string[]): { status: number | null; output: string } {
  const result = spawnSync('systemd-analyze', ['verify', ...files], { encoding: 'utf8' });
  if (result.error) return { status: null, output: result.error.message };
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

const probe = (() => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pm-units-'));
  const file = path.join(dir, 'probe.service');
  writeFileSync(file, '[Unit]\nDescription=probe\n[Service]\nType=oneshot\nExecStart=/bin/true\n');
  return verify([file]);
})();
const unavailable =
  probe.status === null
    ? `systemd-analyze is not installed (${probe.output}); run scripts/install-test-deps.sh`
    : probe.status !== 0 || probe.output !== ''
      ? `systemd-analyze cannot verify even a minimal unit in this container: ${probe.output}`
      : null;
if (unavailable) console.warn(`SKIPPED systemd unit checks: ${unavailable}`);

describe.skipIf(unavailable !== null)('ops/systemd units', () => {
  it('has a unit for each server role, the migration, the collector and a target', () => {
    expect(units.map((u) => path.basename(u)).sort()).toEqual([
      'plotmeter-api.service',
      'plotmeter-collector.service',
      'plotmeter-ingest.service',
      'plotmeter-migrate.service',
      'plotmeter-worker.service',
      'plotmeter.target',
    ]);
    // The collector's unit is the one shipped with its package, not a copy.
    expect(realpathSync(path.join(UNITS_DIR, 'plotmeter-collector.service'))).toBe(
      path.resolve(__dirname, '../../collector/packaging/plotmeter-collector.service'),
    );
  });

  it('verify without a single warning', () => {
    const result = verify(units);
    expect(result.output).toBe('');
    expect(result.status).toBe(0);
  });

  it('the check catches a unit with an unknown key or a missing program', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pm-units-'));
    const typo = path.join(dir, 'typo.service');
    writeFileSync(typo, '[Unit]\nDescription=typo\n[Service]\nExecStart=/bin/true\nRestartSecs=2\n');
    expect(verify([typo]).output).toMatch(/Unknown key 'RestartSecs'/);
    const missing = path.join(dir, 'missing.service');
    writeFileSync(missing, '[Unit]\nDescription=missing\n[Service]\nExecStart=/opt/nowhere/node x\n');
    expect(verify([missing]).status).not.toBe(0);
  });
});
