/** RSS 2.0 for a Feed, with Atom's rel="self" link and Dublin Core creators as feed validators recommend. Pure. */
import { escapeHtml } from '../web/render-abstract.js';
import type { Feed, FeedEntry } from './feed.js';
import { type XmlNode, xmlDocument } from './xml.js';

/** RFC 822 dates, as RSS requires: `Fri, 14 Jun 2024 00:00:00 GMT`. */
function rfc822(timestamp: string): string {
  return new Date(timestamp).toUTCString();
}

/**
 * An item's description is HTML by convention (readers render it), so the plain-text abstract is
 * escaped as HTML here and then once more as XML by the writer.
 */
function descriptionHtml(item: FeedEntry): string {
  const parts: string[] = [];
  if (item.authors.length > 0) parts.push(`<p>${escapeHtml(item.authors.join(', '))}</p>`);
  for (const paragraph of item.summary.split(/\n\s*\n/)) {
    if (paragraph.trim()) parts.push(`<p>${escapeHtml(paragraph.trim())}</p>`);
  }
  if (item.related.length > 0) {
    const links = item.related.map(
      (link) => `<a href="${escapeHtml(link.href)}">${escapeHtml(link.title)}</a>`,
    );
    parts.push(`<p>${links.join(' · ')}</p>`);
  }
  return parts.join('\n');
}

function item(entry: FeedEntry): XmlNode {
  return {
    title: entry.title,
    link: entry.link,
    guid: { '@_isPermaLink': 'true', '#text': entry.id },
    pubDate: rfc822(entry.published),
    'dc:creator': entry.authors,
    category: entry.categories,
    description: descriptionHtml(entry),
  };
}

export function renderRss(feed: Feed): string {
  return xmlDocument({
    rss: {
      '@_version': '2.0',
      '@_xmlns:atom': 'http://www.w3.org/2005/Atom',
      '@_xmlns:dc': 'http://purl.org/dc/elements/1.1/',
      channel: {
        title: feed.title,
        link: feed.htmlUrl,
        description: feed.subtitle,
        language: 'en',
        lastBuildDate: rfc822(feed.updated),
        generator: 'Paperboy',
        docs: 'https://www.rssboard.org/rss-specification',
        'atom:link': { '@_href': feed.selfUrl, '@_rel': 'self', '@_type': 'application/rss+xml' },
        item: feed.entries.map(item),
      },
    },
  });
}
