/**
 * Reading untrusted XML safely: bytes to text in the declared encoding, no document type
 * declaration (so no entity can be defined, expanded or fetched), a well-formedness check, then
 * fast-xml-parser with entity processing off and a nesting limit, and finally a small element tree
 * whose names have their namespace prefixes removed.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { BankFileError } from './errors.js';

/** An element: its local name, its text, its attributes, and its children by local name in document order. */
export interface XElement {
  readonly name: string;
  /** The element's own text, trimmed; '' when it has none. */
  readonly text: string;
  readonly attrs: ReadonlyMap<string, string>;
  readonly children: ReadonlyMap<string, readonly XElement[]>;
}

export interface XmlDocument {
  /** The document element. */
  readonly root: XElement;
  /** The namespace URI of the document element (default namespace or its prefix's), or null. */
  readonly namespace: string | null;
}

export interface XmlLimits {
  /** Largest input accepted, in bytes (or UTF-16 code units for a string). */
  maxBytes: number;
  /** Deepest element nesting accepted. camt messages nest about 15 deep. */
  maxDepth: number;
}

export const DEFAULT_XML_LIMITS: XmlLimits = { maxBytes: 10 * 1024 * 1024, maxDepth: 64 };

const TEXT = '#text';
const ATTR = '@_';

/** Encodings a declaration may name that we read; ISO 20022 messages are UTF-8, a few banks write Latin-1. */
const ENCODINGS: Record<string, string> = {
  'utf-8': 'utf-8',
  'utf8': 'utf-8',
  'us-ascii': 'utf-8',
  'ascii': 'utf-8',
  'iso-8859-1': 'latin1',
  'latin1': 'latin1',
  'iso-8859-15': 'iso-8859-15',
  'windows-1252': 'windows-1252',
  'cp1252': 'windows-1252',
};

/** Bytes to text: UTF-16 only with a byte order mark, otherwise the declared encoding, UTF-8 by default; invalid bytes are refused. */
export function decodeXmlBytes(bytes: Uint8Array): string {
  let label = 'utf-8';
  let offset = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) offset = 3;
  else if (bytes[0] === 0xff && bytes[1] === 0xfe) label = 'utf-16le';
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) label = 'utf-16be';
  else {
    const head = new TextDecoder('latin1').decode(bytes.subarray(0, 200));
    const declared = /^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head)?.[1]?.toLowerCase();
    if (declared !== undefined) {
      const known = ENCODINGS[declared];
      if (!known) throw new BankFileError('malformed_xml', `the file declares the encoding ${declared}, which is not read here (send UTF-8, as ISO 20022 asks)`);
      label = known;
    }
  }
  try {
    return new TextDecoder(label, { fatal: true }).decode(bytes.subarray(offset));
  } catch {
    throw new BankFileError('malformed_xml', `the file is not valid ${label.toUpperCase()} text`);
  }
}

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/**
 * Replaces XML's five predefined entities and character references. This is escaping, not entity
 * expansion: with document type declarations refused, no other entity can exist, and each
 * reference stands for exactly one character.
 */
export function unescapeXml(value: string): string {
  if (!value.includes('&')) return value;
  return value.replace(/&(?:#x([0-9A-Fa-f]{1,6})|#([0-9]{1,7})|([A-Za-z]+));/g, (whole, hex: string | undefined, dec: string | undefined, name: string | undefined) => {
    if (name !== undefined) return PREDEFINED[name] ?? whole;
    const code = hex !== undefined ? parseInt(hex, 16) : Number(dec);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

const parser = (maxDepth: number) =>
  new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: ATTR,
    removeNSPrefix: false,
    // Values stay strings: an amount or a reference with leading zeros must reach us as written.
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    // No entity expansion at all; the predefined escapes are undone by unescapeXml.
    processEntities: false,
    htmlEntities: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    maxNestedTags: maxDepth,
  });

function localName(qualified: string): string {
  const colon = qualified.indexOf(':');
  return colon === -1 ? qualified : qualified.slice(colon + 1);
}

function toElement(name: string, value: unknown, depth: number, maxDepth: number): XElement {
  if (depth > maxDepth) throw new BankFileError('too_large', `the file nests elements deeper than ${maxDepth} levels`);
  const attrs = new Map<string, string>();
  const children = new Map<string, XElement[]>();
  let text = '';
  if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      if (key === TEXT) text = unescapeXml(String(v));
      else if (key.startsWith(ATTR)) attrs.set(key.slice(ATTR.length), unescapeXml(String(v)));
      else {
        const local = localName(key);
        const list = children.get(local) ?? [];
        for (const item of Array.isArray(v) ? v : [v]) list.push(toElement(local, item, depth + 1, maxDepth));
        children.set(local, list);
      }
    }
  } else if (value !== undefined && value !== null) {
    text = unescapeXml(String(value));
  }
  return { name, text, attrs, children };
}

/** Parses a whole document, or throws a BankFileError saying why it is not acceptable XML. */
export function readXml(input: Uint8Array | string, limits: Partial<XmlLimits> = {}): XmlDocument {
  const { maxBytes, maxDepth } = { ...DEFAULT_XML_LIMITS, ...limits };
  const size = typeof input === 'string' ? input.length : input.byteLength;
  if (size > maxBytes) throw new BankFileError('too_large', `the file has ${size} bytes, more than the ${maxBytes} accepted`);
  if (size === 0) throw new BankFileError('malformed_xml', 'the file is empty');
  const text = (typeof input === 'string' ? input : decodeXmlBytes(input)).replace(/^\uFEFF/, '');
  if (/<!DOCTYPE/i.test(text) || /<!ENTITY/i.test(text)) {
    throw new BankFileError('malformed_xml', 'document type declarations are not accepted: camt messages have none, and entities are never expanded');
  }
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new BankFileError('malformed_xml', `the file is not well-formed XML: ${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`);
  let parsed: Record<string, unknown>;
  try {
    parsed = parser(maxDepth).parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new BankFileError('malformed_xml', `the file could not be read as XML: ${(err as Error).message}`);
  }
  const roots = Object.keys(parsed).filter((k) => !k.startsWith('?') && !k.startsWith(ATTR) && k !== TEXT);
  const [rootKey] = roots;
  if (roots.length !== 1 || rootKey === undefined) throw new BankFileError('malformed_xml', 'the file must have exactly one document element');
  const rootValue = parsed[rootKey];
  if (Array.isArray(rootValue)) throw new BankFileError('malformed_xml', 'the file must have exactly one document element');
  const root = toElement(localName(rootKey), rootValue, 1, maxDepth);
  const colon = rootKey.indexOf(':');
  const namespace = colon === -1 ? (root.attrs.get('xmlns') ?? null) : (root.attrs.get(`xmlns:${rootKey.slice(0, colon)}`) ?? null);
  return { root, namespace };
}

// --- Reading the tree ------------------------------------------------------------------------

export function childOf(el: XElement | undefined, name: string): XElement | undefined {
  return el?.children.get(name)?.[0];
}

export function childrenOf(el: XElement | undefined, name: string): readonly XElement[] {
  return el?.children.get(name) ?? [];
}

/** The text at a path of child names, or undefined where an element is missing or empty. */
export function textAt(el: XElement | undefined, ...names: string[]): string | undefined {
  let node = el;
  for (const name of names) node = childOf(node, name);
  return node && node.text !== '' ? node.text : undefined;
}
