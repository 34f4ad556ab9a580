// Maintenance job: drafts the statements of every contract whose billing period ended at least its
// grace period ago (default 3 days, so late readings are in) and has no statement yet. Runs as the
// worker's own database role across all resellers; see src/services/billing/draft-due.ts. Each draft is
// announced to the reseller's statement.drafted webhooks.
import type { Job } from 'bullmq';
import type { AppServices } from '../services/app-services';
import { announceStatementEvents } from '../services/billing-events';
import { type DraftRunResult, draftDueStatements } from '../services/billing/draft-due';

/** Hourly: a period is drafted within an hour of its grace period ending. */
export const DRAFT_STATEMENTS_EVERY_MS = 3600_000;

export async function draftStatementsJob(_job: Job, services: AppServices): Promise<DraftRunResult> {
  const result = await draftDueStatements(services.orm.em.fork(), new Date());
  if (result.drafted.length > 0)
    services.log.info({ drafted: result.drafted.length }, 'drafted billing statements');
  for (const failure of result.failed) services.log.warn(failure, 'could not draft a billing statement');
  // After each draft has committed (each is its own transaction): a failure here loses no statement.
  for (const drafted of result.drafted) {
    await announceStatementEvents(services, drafted.resellerId, 'statement.drafted', [
      drafted.statementId,
    ]).catch((err: unknown) =>
      services.log.error({ err, ...drafted }, 'could not announce a drafted statement'),
    );
  }
  return result;
}
