// The API benchmark's throw-away environment and the two servers under test, each in its own child
// process so the load generator never shares an event loop with them:
// - ours: the compiled CLI, `node dist/main.js serve --roles api`, exactly as an operator runs it;
// - the baseline: PostGraphile v4 (api-postgraphile.server.ts) on the same database.
// Migration and the reseller's API key also go through the CLI (`migrate`, `admin create-reseller`).
import { type ChildProcess, execFile, fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { REDIS_URL, adminQuery, databaseUrl } from './bench-env';
import { processCpuMs } from './postgres-cpu';

const execFileAsync = promisify(execFile);

/** The repository root, whether this runs from bench/ or from its compiled copy in bench/dist. */
export const REPO_ROOT = findRepoRoot(__dirname);
const MAIN_JS = path.join(REPO_ROOT, 'dist/main.js');

function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'tsconfig.build.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no tsconfig.build.json above ${from}`);
  }
}

/** A fresh key per run for the benchmark's own server; it encrypts nothing that outlives the run. */
const BENCH_SECRET_KEY = randomBytes(32).toString('base64url');

async function cli(args: string[], env: Record<string, string>): Promise<string> {
  if (!existsSync(MAIN_JS)) throw new Error(`${MAIN_JS} is missing: run \`npm run build\` first`);
  try {
    const { stdout } = await execFileAsync(process.execPath, [MAIN_JS, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    });
    return stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`node dist/main.js ${args.join(' ')} failed: ${stderr || (error as Error).message}`);
  }
}

export interface BenchEnvironment {
  databaseName: string;
  databaseUrl: string;
  redisPrefix: string;
  resellerId: string;
  apiKey: string;
  /** Drops the database and the Redis keys. */
  dispose(): Promise<void>;
}

/** A fresh database migrated by the CLI, and one reseller with its admin API key. */
export async function createEnvironment(): Promise<BenchEnvironment> {
  const databaseName = `plotmeter_bench_api_${randomBytes(5).toString('hex')}`;
  const url = databaseUrl(databaseName);
  const redisPrefix = `{pmbench-api-${randomBytes(4).toString('hex')}}`;
  await adminQuery(`create database "${databaseName}"`);
  const dispose = async () => {
    await adminQuery(`drop database if exists "${databaseName}" with (force)`);
    await clearRedisPrefix(redisPrefix);
  };
  try {
    await cli(['migrate'], { DATABASE_URL: url });
    const out = await cli(['admin', 'create-reseller', '--name', 'Bench Reseller', '--json'], {
      DATABASE_URL: url,
    });
    const { resellerId, apiKey } = JSON.parse(out.trim().split('\n').at(-1)!) as {
      resellerId: string;
      apiKey: string;
    };
    return { databaseName, databaseUrl: url, redisPrefix, resellerId, apiKey, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

async function clearRedisPrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export interface RunningServer {
  name: string;
  /** The GraphQL endpoint, e.g. http://127.0.0.1:41234/graphql */
  graphqlUrl: string;
  /**
   * CPU time (user + system) the server process has used so far, in ms; null where /proc is missing.
   * On a shared machine this says more than wall-clock latency: it is the work per request.
   */
  cpuMs(): number | null;
  /** The server's process id, where it runs in a child process of ours (for /proc figures). */
  pid?: number;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function stopChild(child: ChildProcess, timeoutMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function waitUntilReady(
  url: string,
  child: ChildProcess,
  output: () => string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with code ${child.exitCode}: ${output()}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server at ${url} not ready within ${timeoutMs} ms: ${output()}`);
}

/**
 * V8 flags both servers run with: `npm start`'s young-generation size (package.json, README). Under 32
 * concurrent requests the default 16 MiB semi-space promotes request data that is still in flight, and
 * garbage collection took about 30 % of our server's CPU; 64 / 128 / 256 MiB cut the fleet page from
 * ~14 to ~12 and ~10 CPU ms (docs/performance.md). Starting at 64 MiB rather than growing there cut
 * the report worker's CPU by about 8 % in bench:ingest (the API figures in docs/performance.md were
 * measured before this minimum was added).
 */
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=256', '--min-semi-space-size=64'];

/**
 * Our API role from the compiled CLI. `cpuProfileDir` adds --cpu-prof (the profile is written when
 * the process exits after SIGTERM).
 */
export async function startPlotmeter(
  env: BenchEnvironment,
  options: { cpuProfileDir?: string } = {},
): Promise<RunningServer> {
  const port = await freePort();
  const nodeArgs = [
    ...SERVER_NODE_FLAGS,
    ...(options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : []),
  ];
  const child = spawn(process.execPath, [...nodeArgs, MAIN_JS, 'serve', '--roles', 'api'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      DATABASE_URL: env.databaseUrl,
      REDIS_URL,
      REDIS_PREFIX: env.redisPrefix,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      PLOTMETER_SECRET_KEY: BENCH_SECRET_KEY,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(`${base}/readyz`, child, () => output);
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return {
    name: 'Plotmeter',
    graphqlUrl: `${base}/graphql`,
    cpuMs: () => processCpuMs(child.pid),
    pid: child.pid,
    stop: () => stopChild(child),
  };
}

/** PostGraphile v4 in a child process, authenticated by the same bearer token as our API key. */
export async function startPostGraphile(env: BenchEnvironment): Promise<RunningServer> {
  const entry = path.join(__dirname, 'api-postgraphile.server.js');
  const child = fork(entry, [], {
    execArgv: SERVER_NODE_FLAGS,
    env: {
      ...process.env,
      DATABASE_URL: env.databaseUrl,
      BENCH_RESELLER_ID: env.resellerId,
      BENCH_TOKEN: env.apiKey,
      NODE_ENV: 'production',
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`PostGraphile did not start within 60 s: ${output}`)),
      60_000,
    );
    child.once('message', (message: { url?: string }) => {
      clearTimeout(timer);
      if (message.url) resolve(message.url);
      else reject(new Error(`unexpected message from PostGraphile: ${JSON.stringify(message)}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`PostGraphile exited with code ${code}: ${output}`));
    });
  }).catch(async (error: unknown) => {
    await stopChild(child);
    throw error;
  });
  return {
    name: 'PostGraphile 4',
    graphqlUrl: `${url}/graphql`,
    cpuMs: () => processCpuMs(child.pid),
    stop: () => stopChild(child),
  };
}
