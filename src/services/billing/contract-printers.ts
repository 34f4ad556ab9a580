// Changing which printers a running contract covers: a printer joins from a date, or its coverage ends
// at a date (a replacement is both: the old one ends, the new one joins at the same instant). Closed
// periods are unaffected — approved statements never change; a correction is a void and rebill.
import type { EntityManager } from '@mikro-orm/postgresql';
import { ContractPrinter } from '../../entities/contract-printer.entity';
import { Contract } from '../../entities/contract.entity';
import { Printer } from '../../entities/printer.entity';
import { DomainError } from '../../errors/domain-error';
import { assertNotCoveredElsewhere } from './contracts';
import { recordAudit } from '../audit';

async function contractAndPrinter(
  tx: EntityManager,
  resellerId: string,
  contractId: string,
  printerId: string,
) {
  const contract = await tx.findOne(Contract, { id: contractId, reseller: resellerId });
  if (!contract) throw new DomainError('NOT_FOUND', 'contract not found', 'contractId');
  if (contract.archivedAt) throw new DomainError('BAD_USER_INPUT', 'the contract is archived', 'contractId');
  const printer = await tx.findOne(Printer, { id: printerId, reseller: resellerId });
  if (!printer) throw new DomainError('NOT_FOUND', 'printer not found', 'printerId');
  return { contract, printer };
}

export async function addContractPrinter(
  em: EntityManager,
  actor: string,
  resellerId: string,
  input: { contractId: string; printerId: string; from: Date },
): Promise<ContractPrinter> {
  return em.transactional(async (tx) => {
    const { contract, printer } = await contractAndPrinter(tx, resellerId, input.contractId, input.printerId);
    if (printer.customer.id !== contract.customer.id) {
      throw new DomainError(
        'BAD_USER_INPUT',
        `printer ${printer.serialNumber} belongs to another customer than the contract`,
        'printerId',
      );
    }
    if (input.from < contract.validFrom || (contract.validTo && input.from >= contract.validTo)) {
      throw new DomainError('BAD_USER_INPUT', 'from must lie within the contract validity', 'from');
    }
    await assertNotCoveredElsewhere(
      tx,
      resellerId,
      [printer.id],
      input.from,
      contract.validTo ?? null,
      () => 'printerId',
    );
    const row = tx.create(ContractPrinter, {
      reseller: contract.reseller,
      contract,
      printer,
      coveredFrom: input.from,
      coveredTo: null,
    });
    recordAudit(tx, contract.reseller, actor, 'contract.printer.add', ['Contract', contract.id], {
      printerId: printer.id,
      from: input.from.toISOString(),
    });
    await tx.flush();
    return row;
  });
}

export async function endContractPrinter(
  em: EntityManager,
  actor: string,
  resellerId: string,
  input: { contractId: string; printerId: string; at: Date },
): Promise<ContractPrinter> {
  return em.transactional(async (tx) => {
    const { contract, printer } = await contractAndPrinter(tx, resellerId, input.contractId, input.printerId);
    const open = await tx.findOne(ContractPrinter, { contract, printer, coveredTo: null });
    if (!open)
      throw new DomainError(
        'NOT_FOUND',
        `printer ${printer.serialNumber} has no open coverage on this contract`,
        'printerId',
      );
    if (input.at <= open.coveredFrom)
      throw new DomainError('BAD_USER_INPUT', 'at must be after the coverage start', 'at');
    open.coveredTo = input.at;
    recordAudit(tx, contract.reseller, actor, 'contract.printer.end', ['Contract', contract.id], {
      printerId: printer.id,
      at: input.at.toISOString(),
    });
    await tx.flush();
    return open;
  });
}
