// ippeveprinter registers itself over DNS-SD and will not start unless the system D-Bus and
// avahi-daemon run. On a fresh CI machine neither does, and several test files may ask for them at
// the same moment, so this starts each daemon only when it is not already answering, tolerates losing
// the race to another process, and then waits until the daemon really answers.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';

function processRunning(name: string): boolean {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // A zombie keeps its name in comm, so check the state too.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (comm === name && state !== 'Z') return true;
    } catch {
      // the process ended while we looked
    }
  }
  return false;
}

function succeeds(command: string, args: string[]): { ok: boolean; stderr: string } {
  try {
    execFileSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000 });
    return { ok: true, stderr: '' };
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? String(err);
    return { ok: false, stderr };
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function waitUntil(check: () => boolean, timeoutMs: number): boolean {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (check()) return true;
    sleepSync(100);
  }
  return check();
}

function ensureDbus(): void {
  const answering = () => existsSync('/run/dbus/system_bus_socket') && processRunning('dbus-daemon');
  if (answering()) return;
  mkdirSync('/run/dbus', { recursive: true });
  // A pid file or socket left by a daemon that is gone makes dbus-daemon refuse to start.
  if (!processRunning('dbus-daemon')) {
    rmSync('/run/dbus/pid', { force: true });
    rmSync('/run/dbus/system_bus_socket', { force: true });
  }
  const started = succeeds('dbus-daemon', ['--system', '--fork']);
  if (!waitUntil(answering, 5_000)) {
    throw new Error(`the system D-Bus daemon did not start: ${started.stderr.trim()}`);
  }
}

/** Makes sure dbus and avahi-daemon run; idempotent and safe to call from parallel processes. */
export function ensureAvahi(): void {
  // --check trusts the pid file, which a killed (or zombie) daemon leaves behind.
  const avahiAnswering = () => processRunning('avahi-daemon') && succeeds('avahi-daemon', ['--check']).ok;
  if (avahiAnswering()) return;
  ensureDbus();
  if (!processRunning('avahi-daemon')) rmSync('/run/avahi-daemon/pid', { force: true });
  // Another test process may win the race; its daemon serves us just as well.
  const started = succeeds('avahi-daemon', ['--no-drop-root', '--no-chroot', '-D']);
  if (!waitUntil(avahiAnswering, 5_000)) {
    throw new Error(`avahi-daemon did not start: ${started.stderr.trim() || 'no output'}`);
  }
}
