// A line is never silently unpriced: when a covered printer's quantity cannot be known, the
// USAGE_UNKNOWN flag says, per printer, why (no readings at all, or readings without the figure the
// meter needs), the statement is incomplete, and reconciliation shows the printer's media area UNKNOWN.
import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { closeBillingPeriod } from '../../src/services/billing/close-period';
import { useTestOrm } from '../support/orm';
import { newCustomer, newDirectPrinter, newReseller } from '../support/factories';
import { insertJob, insertReading, monthlyContract, utc } from './billing-fixtures';

const file = useTestOrm();

describe('unknown usage', () => {
  it('says per printer why its quantity is unknown and shows it in reconciliation', async () => {
    const em = file.orm.em.fork();
    const resellerId = (await newReseller(em)).reseller.id;
    const customerId = (await newCustomer(em, resellerId)).id;
    const silent = await newDirectPrinter(em, resellerId, customerId);
    const noArea = await newDirectPrinter(em, resellerId, customerId);
    // Readings with ink but no media-area figure (an old collector that sent no job accounting).
    for (const at of ['2026-10-01T00:00:00', '2026-11-01T00:00:00'])
      await insertReading(em, resellerId, noArea.printerId, {
        at: utc(at),
        serial: noArea.serialNumber,
        mediaAreaM2: null,
        ink: [[at.startsWith('2026-10') ? 10 : 25, 0]],
      });
    await insertJob(em, resellerId, customerId, noArea.printerId, {
      completedAt: utc('2026-10-10T10:00:00'),
      mediaAreaM2: 2.5,
    });
    const contract = await monthlyContract(em, resellerId, {
      customerId,
      printerIds: [silent.printerId, noArea.printerId],
      priceLines: [
        { description: 'Media area', meter: 'MEDIA_AREA_M2', unitPriceMinor: '4.5' },
        { description: 'HP ink', meter: 'INK_OEM_ML', unitPriceMinor: '10' },
      ],
    });
    const { statement, priced } = await closeBillingPeriod(file.orm.em.fork(), {
      resellerId,
      contractId: contract.id,
      periodKey: '2026-10',
      now: utc('2026-11-05T00:00:00'),
    });
    expect(statement.complete).toBe(false);
    const media = priced.flags.find(
      (f) => f.code === 'USAGE_UNKNOWN' && f.lineId === priced.lines[0]!.lineId,
    )!;
    expect(media.message).toContain('Media area: usage unknown, line not priced');
    expect(media.message).toContain(`printer ${silent.serialNumber}: no usage readings within 24 h`);
    expect(media.message).toContain(
      `printer ${noArea.serialNumber}: its readings carry no totalMediaAreaM2 figure`,
    );
    const ink = priced.flags.find((f) => f.code === 'USAGE_UNKNOWN' && f.lineId === priced.lines[1]!.lineId)!;
    expect(ink.message).toContain(silent.serialNumber);
    expect(ink.message).not.toContain(noArea.serialNumber); // its ink is known: 15 mL
    expect(statement.reconciliation).toContainEqual(
      expect.objectContaining({ printerId: noArea.printerId, meterKey: 'mediaAreaM2', status: 'UNKNOWN' }),
    );
  });
});
