// One "close the period" request over several contracts, worked by the worker in the background so
// the console can show progress (processed of total) instead of waiting on one long request.
import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import type { Opt } from '@mikro-orm/core';
import { uuidv7 } from '../lib/ids';
import { optionalTimestamptz, timestamptz } from './base';
import { Reseller } from './reseller.entity';

export const CLOSE_RUN_STATES = ['QUEUED', 'RUNNING', 'DONE'] as const;
export type CloseRunState = (typeof CLOSE_RUN_STATES)[number];

export interface CloseRunFailure {
  contractId: string;
  message: string;
}

@Entity({ tableName: 'close_period_run' })
@Index({ properties: ['reseller', 'createdAt'] })
export class ClosePeriodRun {
  @PrimaryKey({ type: 'uuid' }) id: Opt<string> = uuidv7();
  @ManyToOne(() => Reseller) reseller!: Reseller;
  @Property({ type: 'text' }) periodKey!: string;
  /** The contracts to close, in order; `processed` of them are done (a retried job resumes there). */
  @Property({ type: 'jsonb' }) contractIds!: string[];
  @Enum({ items: [...CLOSE_RUN_STATES] }) state: Opt<CloseRunState> = 'QUEUED';
  @Property({ type: 'integer' }) processed: Opt<number> = 0;
  /** The drafted (or refreshed) statements, in contract order. */
  @Property({ type: 'jsonb' }) statementIds: Opt<string[]> = [];
  /** Contracts that could not be closed, with why (an approved statement, a bad period, ...). */
  @Property({ type: 'jsonb' }) failures: Opt<CloseRunFailure[]> = [];
  /** "user:<id>" or "apikey:<id>". */
  @Property({ type: 'text' }) requestedBy!: string;
  @Property(timestamptz()) createdAt: Opt<Date> = new Date();
  @Property(optionalTimestamptz()) startedAt?: Date | null;
  @Property(optionalTimestamptz()) finishedAt?: Date | null;
}
