import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** A response that is not well-formed XML (truncated, an HTML error page, garbage). */
export class MalformedXmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedXmlError';
  }
}

/** An element as fast-xml-parser gives it: text, or an object of children, attributes (`@_x`) and `#text`. */
export type XmlNode = string | { [key: string]: XmlNode | XmlNode[] | undefined };

/** Elements that may repeat in arXiv's Atom feed and OAI-PMH responses; always parsed as arrays. */
const REPEATED = new Set(['entry', 'author', 'category', 'link', 'record', 'setSpec', 'error']);

const parser = new XMLParser({
  // Namespaces are fixed by the two formats we read; prefixes (arxiv:, oai_dc:) carry no information.
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  // Everything stays text: ids such as 0601001 or 1412.8320 must not become numbers.
  parseTagValue: false,
  parseAttributeValue: false,
  // Numeric character references (&#233;) are common in titles and author names.
  htmlEntities: true,
  isArray: (name) => REPEATED.has(name),
});

/**
 * Parses an XML document after checking that it is well-formed. The check matters: the parser alone
 * accepts a document cut off mid-way, which would look like a short last page and end a harvest early.
 */
export function parseXmlDocument(xml: string, what: string): Record<string, XmlNode | undefined> {
  const verdict = XMLValidator.validate(xml);
  if (verdict !== true) {
    const { msg, line, col } = verdict.err;
    throw new MalformedXmlError(`${what} is not well-formed XML (line ${line}, column ${col}: ${msg})`);
  }
  try {
    return parser.parse(xml) as Record<string, XmlNode | undefined>;
  } catch (err) {
    // The validator lets a few malformed documents through (a broken <?xml …?> declaration) that the parser rejects.
    throw new MalformedXmlError(`${what} is not well-formed XML (${(err as Error).message})`);
  }
}

/** The text of an element (its `#text` when it also has attributes); '' when absent. */
export function textOf(node: XmlNode | XmlNode[] | undefined): string {
  if (node === undefined) return '';
  if (Array.isArray(node)) return textOf(node[0]);
  if (typeof node === 'string') return node;
  const text = node['#text'];
  return typeof text === 'string' ? text : '';
}

/** An attribute's value, or null when the element or attribute is missing. */
export function attributeOf(node: XmlNode | XmlNode[] | undefined, name: string): string | null {
  if (node === undefined || typeof node === 'string') return null;
  if (Array.isArray(node)) return attributeOf(node[0], name);
  const value = node[`@_${name}`];
  return typeof value === 'string' ? value : null;
}

/** A child element; for repeated ones, the array (empty when absent). */
export function childOf(
  node: XmlNode | XmlNode[] | undefined,
  name: string,
): XmlNode | XmlNode[] | undefined {
  if (node === undefined || typeof node === 'string') return undefined;
  if (Array.isArray(node)) return childOf(node[0], name);
  return node[name];
}

export function childrenOf(node: XmlNode | XmlNode[] | undefined, name: string): XmlNode[] {
  const child = childOf(node, name);
  if (child === undefined) return [];
  return Array.isArray(child) ? child : [child];
}
