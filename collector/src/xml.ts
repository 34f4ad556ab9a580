// XML helpers for the printers' XML interfaces (PIWS, LEDM). Namespace prefixes change between
// firmware releases, so documents are parsed with prefixes removed and navigated by local names.
import { XMLParser } from 'fast-xml-parser';

export type XmlNode = Record<string, unknown>;

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false, // keep "007" and "1e3" as text; callers convert explicitly
  trimValues: true,
  processEntities: true,
});

export class XmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlError';
  }
}

/** Parses a document and returns its root element, checking the root's local name. */
export function parseXmlRoot(xml: string | Buffer, expectedRoot: string): XmlNode {
  let doc: XmlNode;
  try {
    doc = parser.parse(typeof xml === 'string' ? xml : xml.toString('utf8')) as XmlNode;
  } catch (err) {
    throw new XmlError(`not well-formed XML: ${(err as Error).message}`);
  }
  const root = doc[expectedRoot];
  if (root === undefined) {
    const found = Object.keys(doc).filter((k) => !k.startsWith('?'));
    throw new XmlError(`expected a <${expectedRoot}> document, found <${found.join('>, <') || 'nothing'}>`);
  }
  return typeof root === 'object' && root !== null ? (root as XmlNode) : {};
}

/** The child element(s) with this local name, always as an array. */
export function children(node: unknown, name: string): XmlNode[] {
  if (node === null || typeof node !== 'object') return [];
  const v = (node as XmlNode)[name];
  if (v === undefined || v === null) return [];
  const arr = Array.isArray(v) ? v : [v];
  return arr.map((x) => (typeof x === 'object' && x !== null ? (x as XmlNode) : { '#text': String(x) }));
}

export function child(node: unknown, name: string): XmlNode | undefined {
  return children(node, name)[0];
}

/** Follows a path of local names, taking the first match at each step. */
export function at(node: unknown, ...path: string[]): XmlNode | undefined {
  let cur: unknown = node;
  for (const name of path) {
    cur = child(cur, name);
    if (cur === undefined) return undefined;
  }
  return cur as XmlNode;
}

/** Text content of the element at `path`; null when absent or empty. */
export function textAt(node: unknown, ...path: string[]): string | null {
  const el = path.length === 0 ? node : at(node, ...path);
  if (el === undefined || el === null) return null;
  if (typeof el !== 'object') return String(el).trim() || null;
  const t = (el as XmlNode)['#text'];
  if (t === undefined || t === null) return null;
  const s = String(t).trim();
  return s === '' ? null : s;
}

export function attr(node: unknown, name: string): string | null {
  if (node === null || typeof node !== 'object') return null;
  const v = (node as XmlNode)[`@${name}`];
  return v === undefined || v === null ? null : String(v);
}
