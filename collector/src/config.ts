// Local state of one collector installation, all under the state directory:
//   credential.json  enrollment result (server URL, key id, secret, CA file), mode 0600
//   state.json       last known server config, per-printer adapter cursors, TLS pins, last results
//   spool/           batches waiting for upload (spool.ts)
// The state directory defaults to /var/lib/plotmeter-collector, or $PLOTMETER_COLLECTOR_STATE_DIR.
import { constants, promises as fs } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_COLLECTOR_CONFIG, collectorConfigSchema, type CollectorConfig } from '@plotmeter/protocol';
import type { AdapterCursor, CursorKey } from './adapters/adapter';
import { writeFileAtomic } from './atomic-file';
import { EXIT, OperatorError, errorMessage } from './errors';

export const DEFAULT_STATE_DIR = '/var/lib/plotmeter-collector';
export const STATE_DIR_ENV = 'PLOTMETER_COLLECTOR_STATE_DIR';

export function resolveStateDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? env[STATE_DIR_ENV] ?? DEFAULT_STATE_DIR;
}

/** Creates the state directory (0700) if needed and proves it is writable. */
export async function ensureStateDir(dir: string): Promise<void> {
  try {
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    await fs.access(dir, constants.W_OK | constants.R_OK);
    const probe = join(dir, `.write-test-${process.pid}`);
    await fs.writeFile(probe, '');
    await fs.rm(probe);
  } catch (err) {
    throw new OperatorError(
      `state directory ${dir} is not writable (${errorMessage(err)}); run as a user that owns it, or pass --state-dir / set ${STATE_DIR_ENV}`,
      EXIT.stateDir,
    );
  }
}

export interface Credential {
  serverUrl: string;
  collectorId: string;
  keyId: string;
  secret: string;
  /** PEM file of the CA that signs the portal's certificate; null = the system's trusted roots. */
  caFile: string | null;
  /** enroll --insecure-allow-http: the operator accepted a plain-http portal off this machine. */
  allowInsecureHttp?: boolean;
  enrolledAt: string;
  /** When the portal last had this collector change its secret (credential-rotation.ts). */
  rotatedAt?: string;
}

const credentialPath = (dir: string) => join(dir, 'credential.json');
const statePath = (dir: string) => join(dir, 'state.json');

export async function saveCredential(dir: string, credential: Credential): Promise<void> {
  await writeFileAtomic(credentialPath(dir), `${JSON.stringify(credential, null, 2)}\n`, 0o600);
}

export async function loadCredential(dir: string): Promise<Credential> {
  let text: string;
  try {
    text = await fs.readFile(credentialPath(dir), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new OperatorError(
        `not enrolled: ${credentialPath(dir)} does not exist; run "plotmeter-collector enroll --server URL --token TOKEN" first`,
        EXIT.notEnrolled,
      );
    }
    throw new OperatorError(`cannot read ${credentialPath(dir)}: ${errorMessage(err)}`, EXIT.stateDir);
  }
  let parsed: Partial<Credential>;
  try {
    parsed = JSON.parse(text) as Partial<Credential>;
  } catch {
    throw new OperatorError(`${credentialPath(dir)} is not valid JSON; enroll again`, EXIT.notEnrolled);
  }
  for (const field of ['serverUrl', 'collectorId', 'keyId', 'secret'] as const) {
    if (typeof parsed[field] !== 'string' || parsed[field] === '') {
      throw new OperatorError(
        `${credentialPath(dir)}: field "${field}" is missing; enroll again`,
        EXIT.notEnrolled,
      );
    }
  }
  return { caFile: null, enrolledAt: '', ...parsed } as Credential;
}

export interface PrinterState {
  address: string;
  cursors: Partial<Record<CursorKey, AdapterCursor>>;
}

export interface CollectorError {
  at: string;
  message: string;
  address?: string;
}

export interface CollectorState {
  config: CollectorConfig;
  /** Keyed by serial number: the identity that survives address changes. */
  printers: Record<string, PrinterState>;
  /** SHA-256 certificate fingerprints of printers, pinned on first contact. */
  tlsPins: Record<string, string>;
  lastPollAt: string | null;
  lastUploadAt: string | null;
  lastUploadResult: string | null;
  /** Consecutive failed upload attempts, for backoff; 0 after a success. */
  uploadAttempts: number;
  nextUploadAt: string | null;
  addressesScanned: number;
  printersFound: number;
  lastErrors: CollectorError[];
  heldBack: { at: string; printers: number; reason: string } | null;
}

export function emptyState(): CollectorState {
  return {
    config: DEFAULT_COLLECTOR_CONFIG,
    printers: {},
    tlsPins: {},
    lastPollAt: null,
    lastUploadAt: null,
    lastUploadResult: null,
    uploadAttempts: 0,
    nextUploadAt: null,
    addressesScanned: 0,
    printersFound: 0,
    lastErrors: [],
    heldBack: null,
  };
}

export async function loadState(dir: string): Promise<CollectorState> {
  let text: string;
  try {
    text = await fs.readFile(statePath(dir), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyState();
    throw new OperatorError(`cannot read ${statePath(dir)}: ${errorMessage(err)}`, EXIT.stateDir);
  }
  try {
    const raw = JSON.parse(text) as Partial<CollectorState>;
    const config = collectorConfigSchema.safeParse(raw.config ?? {});
    return { ...emptyState(), ...raw, config: config.success ? config.data : DEFAULT_COLLECTOR_CONFIG };
  } catch {
    // A corrupt state file loses cursors (jobs may be re-sent; the portal de-duplicates them by
    // uuid) but must not stop collection.
    return emptyState();
  }
}

export async function saveState(dir: string, state: CollectorState): Promise<void> {
  await writeFileAtomic(statePath(dir), `${JSON.stringify(state, null, 2)}\n`, 0o600);
}

/** Keeps the most recent errors only; state.json and uploads must stay small. */
export const MAX_REMEMBERED_ERRORS = 50;
