/** Atom 1.0 (RFC 4287) for a Feed. Pure. */
import type { Feed, FeedEntry } from './feed.js';
import { type XmlNode, xmlDocument } from './xml.js';

/** RFC 3339 timestamps, as Atom requires: `2024-06-14T00:00:00.000Z`. */
function rfc3339(timestamp: string): string {
  return new Date(timestamp).toISOString();
}

function entry(item: FeedEntry): XmlNode {
  return {
    id: item.id,
    title: { '@_type': 'text', '#text': item.title },
    link: [
      { '@_rel': 'alternate', '@_type': 'text/html', '@_href': item.link },
      ...item.related.map((link) => ({
        '@_rel': 'related',
        '@_href': link.href,
        '@_title': link.title,
        ...(link.type ? { '@_type': link.type } : {}),
      })),
    ],
    published: rfc3339(item.published),
    updated: rfc3339(item.updated),
    author: item.authors.map((name) => ({ name })),
    category: item.categories.map((term) => ({ '@_term': term })),
    summary: item.summary ? { '@_type': 'text', '#text': item.summary } : undefined,
  };
}

export function renderAtom(feed: Feed): string {
  return xmlDocument({
    feed: {
      '@_xmlns': 'http://www.w3.org/2005/Atom',
      id: feed.id,
      title: { '@_type': 'text', '#text': feed.title },
      subtitle: { '@_type': 'text', '#text': feed.subtitle },
      link: [
        { '@_rel': 'self', '@_type': 'application/atom+xml', '@_href': feed.selfUrl },
        { '@_rel': 'alternate', '@_type': 'text/html', '@_href': feed.htmlUrl },
      ],
      updated: rfc3339(feed.updated),
      // Entries without authors (some imports have none) inherit this one, as RFC 4287 requires an author.
      author: { name: 'Paperboy' },
      generator: 'Paperboy',
      entry: feed.entries.map(entry),
    },
  });
}
