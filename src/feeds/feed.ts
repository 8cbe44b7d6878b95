/**
 * The content of a feed, independent of its format: atom.ts and rss.ts write the same Feed as Atom 1.0
 * and RSS 2.0. Pure functions; every URL in a feed is absolute (built from config.baseUrl), because feed
 * readers fetch the entries' links long after, and far from, the feed itself.
 */
import { arxivPdfUrl } from '../model/arxiv-id.js';
import type { Paper } from '../model/paper.js';
import { paperPath } from '../web/paper-card.js';

export type FeedFormat = 'atom' | 'rss';

export const FEED_FORMATS: FeedFormat[] = ['atom', 'rss'];

export const FEED_CONTENT_TYPES: Record<FeedFormat, string> = {
  atom: 'application/atom+xml; charset=utf-8',
  rss: 'application/rss+xml; charset=utf-8',
};

export interface FeedLink {
  href: string;
  title: string;
  /** MIME type of the target, e.g. application/pdf. */
  type?: string;
}

export interface FeedEntry {
  /** Stable and unique: the paper's absolute URL, which never changes for a paper. */
  id: string;
  title: string;
  /** The paper's page. */
  link: string;
  /** Other places to read the paper: the PDF, the code. */
  related: FeedLink[];
  /** When the paper entered the feed, ISO-8601 UTC. */
  published: string;
  /** The later of `published` and the paper's last update on arXiv. */
  updated: string;
  authors: string[];
  categories: string[];
  /** The abstract as plain text: paragraphs separated by a blank line, LaTeX as written. */
  summary: string;
}

export interface Feed {
  /** Stable and unique: the feed's own absolute URL. */
  id: string;
  title: string;
  subtitle: string;
  /** The web page showing the same papers. */
  htmlUrl: string;
  /** Where the feed is fetched from (Atom's rel="self"). */
  selfUrl: string;
  /** The newest entry's `updated`, or `fallbackUpdated` for an empty feed. */
  updated: string;
  entries: FeedEntry[];
}

/** Characters XML 1.0 cannot carry at all, not even escaped; imported text occasionally holds them. */
const NOT_XML =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text safe to put in an XML document (escaping itself is left to the XML writer). */
export function xmlSafe(text: string): string {
  return text.replace(NOT_XML, '');
}

/** One line of text: titles and author names carry the source's hard line breaks. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Midnight UTC of a YYYY-MM-DD feed day, with milliseconds, as every timestamp Paperboy writes. */
export function dayTimestamp(day: string): string {
  return `${day}T00:00:00.000Z`;
}

function laterTimestamp(a: string, b: string | null): string {
  const ms = b === null ? NaN : Date.parse(b);
  return !Number.isNaN(ms) && ms > Date.parse(a) ? new Date(ms).toISOString() : a;
}

/** The absolute URL of a path on this instance. */
export function absoluteUrl(baseUrl: string, path: string): string {
  return `${baseUrl}${path}`;
}

export function paperEntry(paper: Paper, baseUrl: string): FeedEntry {
  const url = absoluteUrl(baseUrl, paperPath(paper.id));
  const published = dayTimestamp(paper.feedDate);
  const related: FeedLink[] = [];
  if (paper.isArxiv) related.push({ href: arxivPdfUrl(paper.id), title: 'PDF', type: 'application/pdf' });
  if (paper.codeUrl) related.push({ href: paper.codeUrl, title: 'Code' });
  if (paper.projectUrl) related.push({ href: paper.projectUrl, title: 'Project page' });
  return {
    id: url,
    title: xmlSafe(oneLine(paper.title)),
    link: url,
    related,
    published,
    updated: laterTimestamp(published, paper.updatedAt),
    authors: paper.authors.map((name) => xmlSafe(oneLine(name))).filter(Boolean),
    categories: paper.categories,
    summary: xmlSafe(paper.abstract.trim()),
  };
}

export interface FeedDescription {
  title: string;
  subtitle: string;
  /** Path of the web page with the same papers, e.g. `/trending`. */
  htmlPath: string;
  /** Path and query of the feed itself, e.g. `/feeds/search.atom?q=diffusion`. */
  selfPath: string;
  /** `updated` of a feed without entries, e.g. the newest feed day. */
  fallbackUpdated: string;
}

export function buildFeed(description: FeedDescription, papers: Paper[], baseUrl: string): Feed {
  const entries = papers.map((paper) => paperEntry(paper, baseUrl));
  const updated = entries.reduce(
    (newest, entry) => (Date.parse(entry.updated) > Date.parse(newest) ? entry.updated : newest),
    entries[0]?.updated ?? description.fallbackUpdated,
  );
  const selfUrl = absoluteUrl(baseUrl, description.selfPath);
  return {
    id: selfUrl,
    title: xmlSafe(description.title),
    subtitle: xmlSafe(description.subtitle),
    htmlUrl: absoluteUrl(baseUrl, description.htmlPath),
    selfUrl,
    updated,
    entries,
  };
}
