// Sends IPP requests to a printer over HTTP (ipp:// = http on port 631). The operation allow-list
// below is the collector's read-only guarantee for IPP: anything that could change a printer
// (Print-Job, Cancel-Job, Pause-Printer, Set-Printer-Attributes, ...) is refused before any byte
// leaves the machine.
import { printerRequest, type PrinterTlsOptions } from '../../printer-http';
import {
  GroupTag,
  Operation,
  ValueTag,
  decodeMessage,
  encodeRequest,
  isSuccess,
  type EncodeAttribute,
  type IppMessage,
} from './codec';

export const READ_ONLY_OPERATIONS: ReadonlySet<number> = new Set([
  Operation.GetPrinterAttributes,
  Operation.GetJobs,
]);

export class IppRequestError extends Error {
  constructor(
    message: string,
    readonly statusCode: number | null,
  ) {
    super(message);
    this.name = 'IppRequestError';
  }
}

export interface IppTarget {
  host: string;
  port: number;
  /** Resource path, e.g. "/ipp/print". */
  path: string;
  timeoutMs: number;
  tls: PrinterTlsOptions;
}

let nextRequestId = 1;

export async function ippRequest(
  target: IppTarget,
  operation: number,
  extraOperationAttributes: EncodeAttribute[],
): Promise<IppMessage> {
  if (!READ_ONLY_OPERATIONS.has(operation)) {
    throw new IppRequestError(
      `IPP operation 0x${operation.toString(16).padStart(4, '0')} is not read-only; refused`,
      null,
    );
  }
  const hostForUri = target.host.includes(':') ? `[${target.host}]` : target.host;
  const printerUri = `ipp://${hostForUri}:${target.port}${target.path}`;
  const requestId = nextRequestId;
  nextRequestId = (nextRequestId % 0x7fffffff) + 1;
  const body = encodeRequest({
    operation,
    requestId,
    groups: [
      {
        tag: GroupTag.operation,
        attributes: [
          { tag: ValueTag.charset, name: 'attributes-charset', values: ['utf-8'] },
          { tag: ValueTag.naturalLanguage, name: 'attributes-natural-language', values: ['en'] },
          { tag: ValueTag.uri, name: 'printer-uri', values: [printerUri] },
          { tag: ValueTag.name, name: 'requesting-user-name', values: ['plotmeter-collector'] },
          ...extraOperationAttributes,
        ],
      },
    ],
  });
  const res = await printerRequest({
    url: `http://${hostForUri}:${target.port}${target.path}`,
    method: 'POST',
    body,
    headers: { 'content-type': 'application/ipp', accept: 'application/ipp' },
    timeoutMs: target.timeoutMs,
    tls: target.tls,
  });
  if (res.status !== 200) throw new IppRequestError(`HTTP ${res.status} from ${printerUri}`, null);
  const msg = decodeMessage(res.body);
  if (!isSuccess(msg.code)) {
    throw new IppRequestError(
      `IPP status 0x${msg.code.toString(16).padStart(4, '0')} from ${printerUri}`,
      msg.code,
    );
  }
  return msg;
}

export function keywords(name: string, values: string[]): EncodeAttribute {
  return { tag: ValueTag.keyword, name, values };
}
