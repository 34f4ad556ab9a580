// IPP codec and attribute mapping: round-trips our own requests and decodes a real printer's
// Get-Printer-Attributes response captured from an HP Officejet Pro 6830 (vendored with its licence
// in fixtures/third-party, so the test runs in any clone).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  GroupTag,
  IppDecodeError,
  Operation,
  ValueTag,
  decodeMessage,
  encodeRequest,
  firstString,
  groupsOf,
} from '../src/adapters/ipp/codec';
import {
  ippAlerts,
  ippCartridges,
  ippDevice,
  ippJob,
  ippStatus,
  parseKeyValueString,
} from '../src/adapters/ipp/ipp.map';

const CAPTURE = join(__dirname, 'fixtures/third-party/ipp/hp_officejet_pro_6830.get-printer-attributes.bin');

describe('IPP codec', () => {
  it('encodes a request that decodes back to the same operation, id and attributes', () => {
    const buf = encodeRequest({
      operation: Operation.GetJobs,
      requestId: 42,
      groups: [
        {
          tag: GroupTag.operation,
          attributes: [
            { tag: ValueTag.charset, name: 'attributes-charset', values: ['utf-8'] },
            {
              tag: ValueTag.keyword,
              name: 'requested-attributes',
              values: ['job-id', 'job-uuid', 'job-state'],
            },
            { tag: ValueTag.boolean, name: 'my-jobs', values: [false] },
            { tag: ValueTag.integer, name: 'limit', values: [-7] },
          ],
        },
      ],
    });
    // header: version 2.0, operation 0x000A, request id 42
    expect([...buf.subarray(0, 8)]).toEqual([2, 0, 0x00, 0x0a, 0, 0, 0, 42]);
    const msg = decodeMessage(buf);
    expect(msg.code).toBe(Operation.GetJobs);
    expect(msg.requestId).toBe(42);
    const op = msg.groups[0]!;
    expect(op.tag).toBe(GroupTag.operation);
    expect(op.attributes.get('requested-attributes')).toEqual(['job-id', 'job-uuid', 'job-state']);
    expect(op.attributes.get('my-jobs')).toEqual([false]);
    expect(op.attributes.get('limit')).toEqual([-7]);
    expect(buf[buf.length - 1]).toBe(GroupTag.end);
  });

  it('decodes collections, dateTime with a time-zone offset and textWithLanguage', () => {
    const parts: number[] = [2, 0, 0, 0, 0, 0, 0, 1, GroupTag.printer];
    const attr = (tag: number, name: string, value: Buffer) => {
      parts.push(
        tag,
        name.length >> 8,
        name.length & 255,
        ...Buffer.from(name),
        value.length >> 8,
        value.length & 255,
        ...value,
      );
    };
    attr(ValueTag.begCollection, 'media-col', Buffer.alloc(0));
    attr(ValueTag.memberAttrName, '', Buffer.from('media-type'));
    attr(ValueTag.keyword, '', Buffer.from('stationery'));
    attr(ValueTag.endCollection, '', Buffer.alloc(0));
    // 2025-03-01 08:00:00.0 +02:00 == 06:00Z
    attr(
      ValueTag.dateTime,
      'printer-current-time',
      Buffer.from([0x07, 0xe9, 3, 1, 8, 0, 0, 0, '+'.charCodeAt(0), 2, 0]),
    );
    const twl = Buffer.concat([
      Buffer.from([0, 2]),
      Buffer.from('en'),
      Buffer.from([0, 5]),
      Buffer.from('Hello'),
    ]);
    attr(ValueTag.textWithLanguage, 'printer-info', twl);
    parts.push(GroupTag.end);
    const msg = decodeMessage(Buffer.from(parts));
    const g = msg.groups[0]!;
    expect(g.attributes.get('media-col')).toEqual([{ 'media-type': ['stationery'] }]);
    expect((g.attributes.get('printer-current-time')![0] as Date).toISOString()).toBe(
      '2025-03-01T06:00:00.000Z',
    );
    expect(g.attributes.get('printer-info')).toEqual(['Hello']);
  });

  it('rejects a truncated message with the byte offset instead of reading garbage', () => {
    const buf = encodeRequest({
      operation: Operation.GetPrinterAttributes,
      requestId: 1,
      groups: [
        {
          tag: GroupTag.operation,
          attributes: [{ tag: ValueTag.charset, name: 'attributes-charset', values: ['utf-8'] }],
        },
      ],
    });
    expect(() => decodeMessage(buf.subarray(0, buf.length - 6))).toThrow(IppDecodeError);
    expect(() => decodeMessage(buf.subarray(0, buf.length - 6))).toThrow(/at byte \d+/);
  });
});

describe('real capture: HP Officejet Pro 6830 Get-Printer-Attributes', () => {
  const msg = decodeMessage(readFileSync(CAPTURE));
  const printer = groupsOf(msg, GroupTag.printer)[0];

  it('decodes the whole response with a successful status', () => {
    expect(msg.code).toBe(0);
    expect(firstString(groupsOf(msg, GroupTag.operation)[0], 'attributes-charset')).toBe('utf-8');
    expect(printer).toBeDefined();
    expect(firstString(printer, 'printer-uri-supported')).toBe('ipp://hp6830.local/ipp/print');
  });

  it('maps identity, state and the low-supply warning', () => {
    const dev = ippDevice(printer);
    expect(dev.makeAndModel).toMatch(/Officejet Pro 6830/i);
    expect(dev.uuid).toMatch(/^[0-9a-f-]{36}$/i);
    const status = ippStatus(printer);
    expect(status.reasons).toContain('marker-supply-low-warning');
    expect(status.engineState).toBe('warning');
    const alerts = ippAlerts(printer, new Date('2025-01-01T00:00:00Z'));
    expect(alerts).toContainEqual(
      expect.objectContaining({ code: 'marker-supply-low', severity: 'warning' }),
    );
  });

  it('maps printer-supply into ink cartridges with percent levels and no invented quantities', () => {
    const cartridges = ippCartridges(printer);
    expect(cartridges.length).toBeGreaterThanOrEqual(4);
    for (const c of cartridges) {
      expect(c.levelPercent == null || (c.levelPercent >= 0 && c.levelPercent <= 100)).toBe(true);
      expect(c.inkConsumedMl).toBeNull(); // IPP cannot know it: null, never 0
      expect(c.capacityMl).toBeNull();
    }
    expect(cartridges.map((c) => c.color)).toEqual(
      expect.arrayContaining(['black', 'cyan', 'magenta', 'yellow']),
    );
  });
});

describe('IPP mapping', () => {
  it('parses PWG key=value strings', () => {
    const kv = parseKeyValueString(
      'index=2;class=supplyThatIsConsumed;type=ink;level=75;colorantname=black;',
    );
    expect(kv.get('level')).toBe('75');
    expect(kv.get('colorantname')).toBe('black');
  });

  it('reads serial and product number from the IEEE 1284 device id', () => {
    const printer = {
      tag: GroupTag.printer,
      attributes: new Map<string, unknown[]>([
        ['printer-make-and-model', ['HP DesignJet T830']],
        ['printer-device-id', ['MFG:HP;MDL:DesignJet T830;SN:CN12345;PN:F9A30A;']],
      ]),
    } as Parameters<typeof ippDevice>[0];
    expect(ippDevice(printer)).toMatchObject({ serialNumber: 'CN12345', productNumber: 'F9A30A' });
  });

  it('maps a completed job; an unknown quantity stays null and job-state 7 is cancelled', () => {
    const job = {
      tag: GroupTag.job,
      attributes: new Map<string, unknown[]>([
        ['job-id', [12]],
        ['job-uuid', ['urn:uuid:2f9d7c8e-0b1a-4c5d-9e8f-7a6b5c4d3e2f']],
        ['job-state', [7]],
        ['job-name', ['site-plan.pdf']],
        ['job-impressions-completed', [3]],
        ['date-time-at-creation', [new Date('2025-02-01T10:00:00Z')]],
        ['date-time-at-completed', [new Date('2025-02-01T10:02:30Z')]],
      ]),
    } as Parameters<typeof ippJob>[0];
    const mapped = ippJob(job, null, new Date())!;
    expect(mapped).toMatchObject({
      uuid: '2f9d7c8e-0b1a-4c5d-9e8f-7a6b5c4d3e2f',
      sequenceNumber: 12,
      status: 'cancelled',
      pages: 3,
      copies: 1,
      durationSeconds: 150,
      mediaAreaM2: null,
    });
    const pending = {
      tag: GroupTag.job,
      attributes: new Map<string, unknown[]>([
        ['job-id', [13]],
        ['job-state', [5]],
      ]),
    };
    expect(ippJob(pending as Parameters<typeof ippJob>[0], null, new Date())).toBeNull();
  });
});
