/** The one XML writer the feeds use: fast-xml-parser's builder, which escapes text and attribute values. */
import { XMLBuilder } from 'fast-xml-parser';

/** Attributes are keys starting with `@_`; text next to attributes goes in `#text`. */
export type XmlNode = string | { [key: string]: XmlNode | XmlNode[] | undefined };

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  format: true,
  indentBy: '  ',
  suppressEmptyNode: true,
  // Otherwise `isPermaLink="true"` comes out as a bare attribute, which is not XML.
  suppressBooleanAttributes: false,
});

/** A UTF-8 XML document with `root` as its root element. */
export function xmlDocument(root: Record<string, XmlNode>): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n${builder.build(root) as string}`;
}
