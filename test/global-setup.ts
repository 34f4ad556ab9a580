// Runs once per `vitest run`: compiles the project (incrementally — process tests run dist/main.js) and
// builds the migrated template database that every test file clones (CREATE DATABASE ... TEMPLATE).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { ensureAvahi } from '../collector/test/support/avahi';
import { IPP_TOOLS_AVAILABLE } from '../collector/test/support/ipp-printer';
import { adminQuery, databaseUrl } from './support/db';

export default async function setup(): Promise<() => Promise<void>> {
  const template = `plotmeter_test_template_${process.pid}`;
  process.env.PLOTMETER_TEST_TEMPLATE = template;
  const root = path.resolve(__dirname, '..');
  execFileSync('bash', [path.join(root, 'scripts/services.sh')], { stdio: 'inherit' });
  // Once, before test files run in parallel: the IPP tests' printer needs dbus and avahi.
  if (IPP_TOOLS_AVAILABLE) ensureAvahi();
  // PLOTMETER_TEST_SKIP_BUILD=1 reuses dist/ as it is (when you just built it yourself).
  if (!process.env.PLOTMETER_TEST_SKIP_BUILD) {
    execFileSync(
      process.execPath,
      [path.join(root, 'node_modules/typescript/bin/tsc'), '-b', 'tsconfig.build.json'],
      { cwd: root, stdio: 'inherit' },
    );
  }
  await adminQuery(`drop database if exists "${template}" with (force)`);
  await adminQuery(`create database "${template}"`);
  execFileSync(process.execPath, [path.join(root, 'dist/main.js'), 'migrate'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl(template), LOG_LEVEL: 'warn' },
    stdio: 'pipe',
  });
  return async () => {
    await adminQuery(`drop database if exists "${template}" with (force)`);
  };
}
