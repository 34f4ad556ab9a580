// The simulator's own minimal IPP/2.0 wire codec (RFC 8010): reads the header of a request and
// writes responses with the value types a printer's Get-Printer-Attributes and Get-Jobs answers use.

export const IPP_OPERATION = { getJobs: 0x000a, getPrinterAttributes: 0x000b } as const;
export const IPP_STATUS = { ok: 0x0000, badRequest: 0x0400, operationNotSupported: 0x0501 } as const;

const GROUP = { operation: 0x01, job: 0x02, end: 0x03, printer: 0x04 } as const;

export const TAG = {
  integer: 0x21,
  boolean: 0x22,
  enum: 0x23,
  octetString: 0x30,
  dateTime: 0x31,
  text: 0x41,
  name: 0x42,
  keyword: 0x44,
  uri: 0x45,
  charset: 0x47,
  naturalLanguage: 0x48,
} as const;

export type IppValue = number | boolean | string | Date;
export interface IppAttribute {
  tag: number;
  name: string;
  values: IppValue[];
}

export interface IppRequestHeader {
  operation: number;
  requestId: number;
}

export class IppCodecError extends Error {}

export function readRequestHeader(body: Buffer): IppRequestHeader {
  if (body.length < 9) throw new IppCodecError(`IPP request of ${body.length} bytes is too short`);
  return { operation: body.readUInt16BE(2), requestId: body.readUInt32BE(4) };
}

/** RFC 2579 DateAndTime, 11 bytes, in UTC. */
function dateTime(d: Date): Buffer {
  const b = Buffer.alloc(11);
  b.writeUInt16BE(d.getUTCFullYear(), 0);
  b.writeUInt8(d.getUTCMonth() + 1, 2);
  b.writeUInt8(d.getUTCDate(), 3);
  b.writeUInt8(d.getUTCHours(), 4);
  b.writeUInt8(d.getUTCMinutes(), 5);
  b.writeUInt8(d.getUTCSeconds(), 6);
  b.writeUInt8(Math.floor(d.getUTCMilliseconds() / 100), 7);
  b.write('+', 8, 'ascii');
  return b;
}

function valueBytes(tag: number, value: IppValue): Buffer {
  switch (tag) {
    case TAG.integer:
    case TAG.enum: {
      const b = Buffer.alloc(4);
      b.writeInt32BE(Number(value), 0);
      return b;
    }
    case TAG.boolean:
      return Buffer.from([value ? 1 : 0]);
    case TAG.dateTime:
      return dateTime(value as Date);
    default:
      return Buffer.from(String(value), 'utf8');
  }
}

function attributeBytes(attr: IppAttribute): Buffer[] {
  const out: Buffer[] = [];
  attr.values.forEach((value, i) => {
    // Additional values of a 1setOf attribute carry an empty name.
    const name = Buffer.from(i === 0 ? attr.name : '', 'utf8');
    const v = valueBytes(attr.tag, value);
    const head = Buffer.alloc(1 + 2 + name.length + 2);
    head.writeUInt8(attr.tag, 0);
    head.writeUInt16BE(name.length, 1);
    name.copy(head, 3);
    head.writeUInt16BE(v.length, 3 + name.length);
    out.push(head, v);
  });
  return out;
}

export function encodeResponse(
  status: number,
  requestId: number,
  groups: { printer?: IppAttribute[][]; job?: IppAttribute[][] },
): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt8(2, 0);
  header.writeUInt8(0, 1);
  header.writeUInt16BE(status, 2);
  header.writeUInt32BE(requestId, 4);
  const parts: Buffer[] = [header, Buffer.from([GROUP.operation])];
  parts.push(
    ...attributeBytes({ tag: TAG.charset, name: 'attributes-charset', values: ['utf-8'] }),
    ...attributeBytes({ tag: TAG.naturalLanguage, name: 'attributes-natural-language', values: ['en'] }),
  );
  for (const [tag, list] of [
    [GROUP.printer, groups.printer ?? []],
    [GROUP.job, groups.job ?? []],
  ] as const) {
    for (const attrs of list) {
      parts.push(Buffer.from([tag]));
      for (const a of attrs) if (a.values.length > 0) parts.push(...attributeBytes(a));
    }
  }
  parts.push(Buffer.from([GROUP.end]));
  return Buffer.concat(parts);
}
