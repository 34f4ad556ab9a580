// `npm run demo`: migrate, seed a demo reseller (once; remembered in .demo/state.json), and serve with
// every role until Ctrl-C. PORT and DATABASE_URL are honoured. The secret key is generated on first run.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startApp } from '../app';
import { loadConfig } from '../config';
import { initOrm } from '../db/orm';
import { Reseller } from '../entities/reseller.entity';
import { createResellerWithAdminKey } from '../services/resellers';
import { runMigrate, waitForSignal } from './commands';

interface DemoState {
  secretKey: string;
  databaseUrl?: string;
  resellerId?: string;
  apiKey?: string;
}

const STATE_DIR = path.resolve(process.cwd(), '.demo');
const STATE_FILE = path.join(STATE_DIR, 'state.json');

async function loadState(): Promise<DemoState> {
  try {
    return JSON.parse(await readFile(STATE_FILE, 'utf8')) as DemoState;
  } catch {
    return { secretKey: randomBytes(48).toString('base64url') };
  }
}

export async function runDemo(_args: string[]): Promise<void> {
  const state = await loadState();
  const env = { ...process.env, PLOTMETER_SECRET_KEY: process.env.PLOTMETER_SECRET_KEY ?? state.secretKey };
  const config = loadConfig(env, { requireSecretKey: true });
  await runMigrate(config);

  // A different database means the remembered reseller does not exist there: seed again.
  const orm = await initOrm(config.DATABASE_URL);
  try {
    const em = orm.em.fork();
    const known = state.resellerId && state.databaseUrl === config.DATABASE_URL ? await em.findOne(Reseller, { id: state.resellerId }) : null;
    if (!known || !state.apiKey) {
      const { reseller, apiKey } = await createResellerWithAdminKey(em, 'Demo Reseller', 'system:demo');
      Object.assign(state, { resellerId: reseller.id, apiKey, databaseUrl: config.DATABASE_URL });
    }
  } finally {
    await orm.close(true);
  }
  await mkdir(STATE_DIR, { recursive: true });
  await writeFile(STATE_FILE, JSON.stringify(state, null, 2), { mode: 0o600 });

  const app = await startApp(config);
  const url = app.url ?? `http://${config.HOST}:${config.PORT}`;
  const banner = [
    '',
    'Plotmeter demo is running.',
    `GraphQL endpoint: ${url}/graphql`,
    `Readiness:        ${url}/readyz`,
    `API key: ${state.apiKey}`,
    '',
    'Try:',
    `  curl -s ${url}/graphql -H 'content-type: application/json' -H 'authorization: Bearer ${state.apiKey}' \\`,
    `       -d '{"query":"{ me { role reseller { id name } } }"}'`,
    '',
    'Press Ctrl-C to stop.',
    '',
  ];
  console.log(banner.join('\n'));
  await waitForSignal(app.stop, config.SHUTDOWN_TIMEOUT_MS);
}
