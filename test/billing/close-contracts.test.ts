// Closing many contracts a few at a time (the month close over a fleet, and the close-period-run job):
// every outcome comes back in the contracts' order whatever order the closes finish in, a refused
// contract is an outcome, each statement is what closing that contract alone gives, and an error that
// is not the contract's answer stops the run before any further contract starts.
import 'reflect-metadata';
import type { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initOrm } from '../../src/db/orm';
import { BillingStatement } from '../../src/entities/billing-statement.entity';
import { type ContractCloseOutcome, closeContracts } from '../../src/services/billing/close-contracts';
import { closeBillingPeriod } from '../../src/services/billing/close-period';
import { approveStatement } from '../../src/services/billing/statement-lifecycle';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { newCustomer, newDirectPrinter, newReseller } from '../support/factories';
import { insertReading, monthlyContract, utc } from './billing-fixtures';

let db: TestDatabase;
let orm: MikroORM;
let resellerId: string;
/** Contracts in the order they are passed; the one at APPROVED is refused. */
const contractIds: string[] = [];
const APPROVED = 2;

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await initOrm(db.url);
  const em = orm.em.fork();
  resellerId = (await newReseller(em)).reseller.id;
  const customerId = (await newCustomer(em, resellerId)).id;
  // Six contracts of one printer each; contract i's printer prints 10 × (i + 1) m² in October, so
  // every statement has its own total and a mix-up between contracts shows.
  for (let i = 0; i < 6; i += 1) {
    const printer = await newDirectPrinter(em, resellerId, customerId);
    for (const [at, area] of [
      ['2026-09-30T23:00:00', 100],
      ['2026-10-31T23:00:00', 100 + 10 * (i + 1)],
    ] as const)
      await insertReading(em, resellerId, printer.printerId, {
        at: utc(at),
        serial: printer.serialNumber,
        mediaAreaM2: area,
        ink: [[1, 0]],
      });
    const contract = await monthlyContract(em, resellerId, {
      name: `Contract ${i}`,
      customerId,
      printerIds: [printer.printerId],
      priceLines: [{ meter: 'MEDIA_AREA_M2', unitPriceMinor: '100' }],
    });
    contractIds.push(contract.id);
  }
  const approved = await closeBillingPeriod(orm.em.fork(), {
    resellerId,
    contractId: contractIds[APPROVED]!,
    periodKey: '2026-10',
  });
  await approveStatement(orm.em.fork(), resellerId, approved.statement.id, 'test', {
    acceptIncomplete: true,
  });
});
afterAll(async () => {
  await orm?.close(true);
  await db?.drop();
});

async function generatedAt(contractId: string): Promise<Date | undefined> {
  const statement = await orm.em
    .fork()
    .findOne(BillingStatement, { contract: contractId, status: 'DRAFT' }, { orderBy: { version: 'desc' } });
  return statement?.generatedAt;
}

describe('closeContracts', () => {
  it('hands on every outcome in the contracts order, refusals included, with the statements a single close gives', async () => {
    const outcomes: ContractCloseOutcome[] = [];
    await closeContracts(
      orm.em,
      { resellerId, periodKey: '2026-10', contractIds, concurrency: 3 },
      async (outcome) => {
        // A slow consumer must not let a later outcome overtake an earlier one.
        await new Promise((resolve) => setImmediate(resolve));
        outcomes.push(outcome);
      },
    );
    expect(outcomes.map((o) => o.contractId)).toEqual(contractIds);
    expect(outcomes[APPROVED]).toMatchObject({ ok: false, message: expect.stringMatching(/APPROVED/) });
    for (const [i, outcome] of outcomes.entries()) {
      if (i === APPROVED) continue;
      if (!outcome.ok) throw new Error(`contract ${i} was refused: ${outcome.message}`);
      const statement = await orm.em.fork().findOneOrFail(BillingStatement, outcome.statementId);
      expect(statement.contract.id).toBe(contractIds[i]);
      expect(statement.status).toBe('DRAFT');
      // 10 × (i + 1) m² at 100 minor units.
      expect(statement.totalMinor).toBe(String(1000 * (i + 1)));
      // Closing the contract alone refreshes the same draft to the same figures.
      const alone = await closeBillingPeriod(orm.em.fork(), {
        resellerId,
        contractId: contractIds[i]!,
        periodKey: '2026-10',
      });
      expect(alone.statement.id).toBe(outcome.statementId);
      expect(alone.statement.totalMinor).toBe(statement.totalMinor);
      expect(outcome.complete).toBe(alone.statement.complete);
    }
  });

  it('stops at an error that is not the contract answer: nothing after it starts, and the error is thrown', async () => {
    const now = new Date('2026-11-05T10:00:00Z');
    const handed: string[] = [];
    // A malformed id fails in the database, as a lost connection would: not a refusal.
    const ids = [contractIds[0]!, 'not-a-uuid', contractIds[1]!, contractIds[3]!];
    await expect(
      closeContracts(
        orm.em,
        { resellerId, periodKey: '2026-10', contractIds: ids, concurrency: 2, now },
        (o) => {
          handed.push(o.contractId);
        },
      ),
    ).rejects.toThrow(/uuid/);
    // The contract before the failure finished and was handed on; none after it was closed.
    expect(handed).toEqual([contractIds[0]]);
    expect(await generatedAt(contractIds[0]!)).toEqual(now);
    expect(await generatedAt(contractIds[1]!)).not.toEqual(now);
    expect(await generatedAt(contractIds[3]!)).not.toEqual(now);
  });

  it('stops when the consumer fails, and refuses a concurrency below 1', async () => {
    const now = new Date('2026-11-06T10:00:00Z');
    await expect(
      closeContracts(
        orm.em,
        {
          resellerId,
          periodKey: '2026-10',
          contractIds: [contractIds[4]!, contractIds[5]!],
          concurrency: 1,
          now,
        },
        () => {
          throw new Error('progress could not be saved');
        },
      ),
    ).rejects.toThrow('progress could not be saved');
    expect(await generatedAt(contractIds[4]!)).toEqual(now);
    expect(await generatedAt(contractIds[5]!)).not.toEqual(now);

    await expect(
      closeContracts(
        orm.em,
        { resellerId, periodKey: '2026-10', contractIds, concurrency: 0 },
        () => undefined,
      ),
    ).rejects.toThrow(/concurrency/);
  });
});
