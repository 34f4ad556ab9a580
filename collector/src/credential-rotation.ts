// Changing the collector's signing credential when the portal asks for it (rotateCollectorCredential):
// the signed configuration fetch says so, and the collector exchanges its key for a new one over the
// same signed channel (POST /ingest/v1/credential/rotate), so the new secret only ever goes to the
// holder of the old one. It waits until the spool is empty: a batch the portal accepted under the old
// key whose answer was lost is then re-sent under that key and recognised as a duplicate. At the
// latest an hour before the old key stops working it rotates anyway, because delivering the spool
// matters more than that de-duplication (a batch re-sent under the new key is stored again; its jobs
// still once, by printer and job uuid). Spooled batches are signed when sent, never on disk, so the
// whole spool goes out under whichever key is current.
import { saveCredential, type Credential } from './config';
import { errorMessage } from './errors';
import type { PortalClient, RotationRequest } from './portal-client';
import type { Spool } from './spool';

export const ROTATE_ANYWAY_BEFORE_EXPIRY_MS = 3600_000;

export type RotationOutcome =
  | { kind: 'rotated'; keyId: string }
  | { kind: 'deferred'; reason: string }
  | { kind: 'failed'; reason: string };

/** Within the last hour of the old key: rotate before uploading rather than after. */
export function rotationUrgent(rotation: RotationRequest, now: Date): boolean {
  return (
    rotation.expiresAt !== null &&
    rotation.expiresAt.getTime() - now.getTime() <= ROTATE_ANYWAY_BEFORE_EXPIRY_MS
  );
}

export async function rotateIfDue(
  deps: { stateDir: string; credential: Credential; client: PortalClient; spool: Spool },
  rotation: RotationRequest,
  now: Date,
): Promise<RotationOutcome> {
  const pending = (await deps.spool.stats()).entries;
  if (pending > 0 && !rotationUrgent(rotation, now))
    return { kind: 'deferred', reason: `${pending} batch(es) still spooled under the current key` };
  let issued;
  try {
    issued = await deps.client.rotateCredential(deps.credential);
  } catch (err) {
    return { kind: 'failed', reason: `credential rotation failed: ${errorMessage(err)}` };
  }
  const next: Credential = {
    ...deps.credential,
    keyId: issued.keyId,
    secret: issued.secret,
    rotatedAt: now.toISOString(),
  };
  try {
    await saveCredential(deps.stateDir, next);
  } catch (err) {
    // The old key still works until its end date and the portal keeps asking, so the next attempt
    // gets another new key (the portal ends this one).
    return { kind: 'failed', reason: `new credential not stored: ${errorMessage(err)}` };
  }
  // Everyone holding deps.credential (the uploader, the daemon) signs with the new key from now on.
  Object.assign(deps.credential, next);
  return { kind: 'rotated', keyId: issued.keyId };
}
