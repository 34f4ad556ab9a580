// IPP/1.1 binary encoding (RFC 8010): the collector's own encoder and decoder for the two read-only
// operations it sends and the responses it reads. Values are decoded into plain JS (numbers, strings,
// Dates, nested collections) keyed by attribute name, one object per attribute group.

export const IPP_VERSION = { major: 2, minor: 0 } as const;

/** Operation ids the collector knows by name; see ipp.client.ts for the read-only allow-list. */
export const Operation = {
  PrintJob: 0x0002,
  ValidateJob: 0x0004,
  CreateJob: 0x0005,
  CancelJob: 0x0008,
  GetJobAttributes: 0x0009,
  GetJobs: 0x000a,
  GetPrinterAttributes: 0x000b,
  PausePrinter: 0x0010,
  ResumePrinter: 0x0011,
  PurgeJobs: 0x0012,
  SetPrinterAttributes: 0x0013,
} as const;

export const GroupTag = {
  operation: 0x01,
  job: 0x02,
  end: 0x03,
  printer: 0x04,
  unsupported: 0x05,
} as const;
export type GroupName = keyof typeof GroupTag;

export const ValueTag = {
  unsupported: 0x10,
  unknown: 0x12,
  noValue: 0x13,
  integer: 0x21,
  boolean: 0x22,
  enum: 0x23,
  octetString: 0x30,
  dateTime: 0x31,
  resolution: 0x32,
  rangeOfInteger: 0x33,
  begCollection: 0x34,
  textWithLanguage: 0x35,
  nameWithLanguage: 0x36,
  endCollection: 0x37,
  text: 0x41,
  name: 0x42,
  keyword: 0x44,
  uri: 0x45,
  uriScheme: 0x46,
  charset: 0x47,
  naturalLanguage: 0x48,
  mimeMediaType: 0x49,
  memberAttrName: 0x4a,
  extension: 0x7f,
} as const;

export interface IppResolution {
  x: number;
  y: number;
  units: number;
}
export interface IppRange {
  lower: number;
  upper: number;
}
export type IppValue =
  number | boolean | string | Date | Buffer | IppResolution | IppRange | IppCollection | null;
export interface IppCollection {
  [member: string]: IppValue[];
}

/** One attribute group; multi-valued attributes ("1setOf") keep all values in order. */
export interface IppGroup {
  tag: number;
  attributes: Map<string, IppValue[]>;
}

export interface IppMessage {
  version: { major: number; minor: number };
  /** operation-id in a request, status-code in a response */
  code: number;
  requestId: number;
  groups: IppGroup[];
  data: Buffer;
}

export class IppDecodeError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`invalid IPP message at byte ${offset}: ${message}`);
    this.name = 'IppDecodeError';
  }
}

// ---------------------------------------------------------------------------------------------
// Encoding (requests). Only the value types the collector sends are supported.

export interface EncodeAttribute {
  tag: number;
  name: string;
  values: Array<string | number | boolean>;
}
export interface EncodeGroup {
  tag: number;
  attributes: EncodeAttribute[];
}

function encodeValue(tag: number, value: string | number | boolean): Buffer {
  switch (tag) {
    case ValueTag.integer:
    case ValueTag.enum: {
      if (typeof value !== 'number' || !Number.isInteger(value))
        throw new TypeError(`IPP integer expected, got ${String(value)}`);
      const b = Buffer.alloc(4);
      b.writeInt32BE(value);
      return b;
    }
    case ValueTag.boolean:
      return Buffer.from([value ? 1 : 0]);
    default:
      if (typeof value !== 'string') throw new TypeError(`IPP string expected for tag 0x${tag.toString(16)}`);
      return Buffer.from(value, 'utf8');
  }
}

function lengthPrefixed(buf: Buffer): Buffer {
  if (buf.length > 0xffff) throw new RangeError('IPP value longer than 65535 bytes');
  const len = Buffer.alloc(2);
  len.writeUInt16BE(buf.length);
  return Buffer.concat([len, buf]);
}

export function encodeRequest(msg: {
  operation: number;
  requestId: number;
  groups: EncodeGroup[];
  data?: Buffer;
}): Buffer {
  const parts: Buffer[] = [];
  const header = Buffer.alloc(8);
  header.writeInt8(IPP_VERSION.major, 0);
  header.writeInt8(IPP_VERSION.minor, 1);
  header.writeUInt16BE(msg.operation, 2);
  header.writeInt32BE(msg.requestId, 4);
  parts.push(header);
  for (const group of msg.groups) {
    parts.push(Buffer.from([group.tag]));
    for (const attr of group.attributes) {
      attr.values.forEach((value, i) => {
        parts.push(Buffer.from([attr.tag]));
        // Additional values of a 1setOf attribute carry an empty name (RFC 8010 §3.1.5).
        parts.push(lengthPrefixed(Buffer.from(i === 0 ? attr.name : '', 'utf8')));
        parts.push(lengthPrefixed(encodeValue(attr.tag, value)));
      });
    }
  }
  parts.push(Buffer.from([GroupTag.end]));
  if (msg.data) parts.push(msg.data);
  return Buffer.concat(parts);
}

// ---------------------------------------------------------------------------------------------
// Decoding.

class Reader {
  offset = 0;
  constructor(readonly buf: Buffer) {}
  need(n: number): void {
    if (this.offset + n > this.buf.length)
      throw new IppDecodeError(`truncated (needed ${n} more bytes)`, this.offset);
  }
  u8(): number {
    this.need(1);
    return this.buf.readUInt8(this.offset++);
  }
  u16(): number {
    this.need(2);
    const v = this.buf.readUInt16BE(this.offset);
    this.offset += 2;
    return v;
  }
  bytes(n: number): Buffer {
    this.need(n);
    const v = this.buf.subarray(this.offset, this.offset + n);
    this.offset += n;
    return v;
  }
}

function decodeDateTime(b: Buffer): Date {
  // RFC 2579 DateAndTime: year(2) month day hour min sec deci-sec direction(+/-) hours minutes
  const year = b.readUInt16BE(0);
  const ms = Date.UTC(year, b[2]! - 1, b[3]!, b[4]!, b[5]!, b[6]!, b[7]! * 100);
  const sign = String.fromCharCode(b[8]!) === '-' ? -1 : 1;
  const offsetMin = sign * (b[9]! * 60 + b[10]!);
  return new Date(ms - offsetMin * 60_000);
}

function decodeSimpleValue(tag: number, raw: Buffer, offset: number): IppValue {
  switch (tag) {
    case ValueTag.integer:
    case ValueTag.enum:
      if (raw.length !== 4) throw new IppDecodeError(`integer value of ${raw.length} bytes`, offset);
      return raw.readInt32BE(0);
    case ValueTag.boolean:
      if (raw.length !== 1) throw new IppDecodeError(`boolean value of ${raw.length} bytes`, offset);
      return raw[0] !== 0;
    case ValueTag.dateTime:
      if (raw.length !== 11) throw new IppDecodeError(`dateTime value of ${raw.length} bytes`, offset);
      return decodeDateTime(raw);
    case ValueTag.resolution:
      if (raw.length !== 9) throw new IppDecodeError(`resolution value of ${raw.length} bytes`, offset);
      return { x: raw.readInt32BE(0), y: raw.readInt32BE(4), units: raw[8]! };
    case ValueTag.rangeOfInteger:
      if (raw.length !== 8) throw new IppDecodeError(`rangeOfInteger value of ${raw.length} bytes`, offset);
      return { lower: raw.readInt32BE(0), upper: raw.readInt32BE(4) };
    case ValueTag.textWithLanguage:
    case ValueTag.nameWithLanguage: {
      // language length + language, text length + text
      const langLen = raw.readUInt16BE(0);
      const textLen = raw.readUInt16BE(2 + langLen);
      return raw.subarray(4 + langLen, 4 + langLen + textLen).toString('utf8');
    }
    case ValueTag.unsupported:
    case ValueTag.unknown:
    case ValueTag.noValue:
      return null;
    case ValueTag.octetString:
      // printer-supply and similar octetStrings are ASCII key=value text in practice.
      return raw.toString('utf8');
    default:
      if (tag >= 0x40 && tag <= 0x5f) return raw.toString('utf8');
      return Buffer.from(raw);
  }
}

/** Reads the members of a collection whose begCollection value has just been consumed. */
function decodeCollection(r: Reader): IppCollection {
  const out: IppCollection = {};
  let member: string | null = null;
  for (;;) {
    const at = r.offset;
    const tag = r.u8();
    const nameLen = r.u16();
    r.bytes(nameLen);
    const valueLen = r.u16();
    const raw = r.bytes(valueLen);
    if (tag === ValueTag.endCollection) return out;
    if (tag === ValueTag.memberAttrName) {
      member = raw.toString('utf8');
      out[member] ??= [];
      continue;
    }
    if (member === null) throw new IppDecodeError('collection value before any member name', at);
    const value = tag === ValueTag.begCollection ? decodeCollection(r) : decodeSimpleValue(tag, raw, at);
    out[member]!.push(value);
  }
}

export function decodeMessage(buf: Buffer): IppMessage {
  const r = new Reader(buf);
  const major = r.u8();
  const minor = r.u8();
  const code = r.u16();
  r.need(4);
  const requestId = buf.readInt32BE(r.offset);
  r.offset += 4;
  const groups: IppGroup[] = [];
  let group: IppGroup | null = null;
  let last: IppValue[] | null = null;
  for (;;) {
    const at = r.offset;
    const tag = r.u8();
    if (tag === GroupTag.end) break;
    if (tag < 0x10) {
      group = { tag, attributes: new Map() };
      groups.push(group);
      last = null;
      continue;
    }
    if (group === null) throw new IppDecodeError('attribute before any group tag', at);
    const nameLen = r.u16();
    const name = r.bytes(nameLen).toString('utf8');
    const valueLen = r.u16();
    const raw = r.bytes(valueLen);
    const value = tag === ValueTag.begCollection ? decodeCollection(r) : decodeSimpleValue(tag, raw, at);
    if (name === '') {
      if (last === null) throw new IppDecodeError('additional value without an attribute', at);
      last.push(value);
    } else {
      last = [value];
      group.attributes.set(name, last);
    }
  }
  return { version: { major, minor }, code, requestId, groups, data: buf.subarray(r.offset) };
}

/** All groups of one kind (Get-Jobs returns one job group per job). */
export function groupsOf(msg: IppMessage, tag: number): IppGroup[] {
  return msg.groups.filter((g) => g.tag === tag);
}

export function firstString(group: IppGroup | undefined, name: string): string | null {
  const v = group?.attributes.get(name)?.[0];
  return typeof v === 'string' ? v : null;
}
export function firstNumber(group: IppGroup | undefined, name: string): number | null {
  const v = group?.attributes.get(name)?.[0];
  return typeof v === 'number' ? v : null;
}
export function firstDate(group: IppGroup | undefined, name: string): Date | null {
  const v = group?.attributes.get(name)?.[0];
  return v instanceof Date ? v : null;
}
export function allStrings(group: IppGroup | undefined, name: string): string[] {
  return (group?.attributes.get(name) ?? []).filter((v): v is string => typeof v === 'string');
}
export function allNumbers(group: IppGroup | undefined, name: string): number[] {
  return (group?.attributes.get(name) ?? []).filter((v): v is number => typeof v === 'number');
}

/** Status codes below 0x0100 are successful (RFC 8011 §4.1.6). */
export function isSuccess(statusCode: number): boolean {
  return statusCode < 0x0100;
}
