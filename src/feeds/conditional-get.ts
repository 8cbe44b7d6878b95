/**
 * Conditional GET for documents that are cheap to build but fetched often and by machines: feed readers
 * poll every few minutes, reference managers re-fetch `.bib` files. Clients that kept the ETag or the
 * Last-Modified date get an empty 304 while the document is unchanged.
 */
import { createHash } from 'node:crypto';
import type { Context } from 'hono';

export interface CacheableDocument {
  body: string;
  contentType: string;
  /** How long clients and shared caches may reuse it without asking. */
  maxAgeSeconds: number;
  /** Extra headers for both the 200 and the 304, e.g. Content-Disposition. */
  headers?: Record<string, string>;
}

export function entityTag(body: string): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

/**
 * When each URL's current content was first served. Papers carry only the day they entered the feed, so
 * the content cannot say when it last changed (papers harvested at noon join the same day); the time
 * this process first served a body is a Last-Modified that never claims "unchanged" wrongly. A change
 * moves the date at least one second on, because HTTP dates have whole seconds.
 */
export class ChangeClock {
  private readonly seen = new Map<string, { etag: string; since: number }>();

  constructor(
    private readonly capacity = 5000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Last-Modified for `key` serving the body tagged `etag`, in ms at a whole second. */
  since(key: string, etag: string): number {
    const known = this.seen.get(key);
    if (known) this.seen.delete(key); // re-inserted below: the Map's order is least recently used first
    const now = wholeSeconds(this.now());
    const since = !known ? now : known.etag === etag ? known.since : Math.max(now, known.since + 1000);
    this.seen.set(key, { etag, since });
    if (this.seen.size > this.capacity) this.seen.delete(this.seen.keys().next().value as string);
    return since;
  }
}

const clock = new ChangeClock();

/** If-None-Match holds `*` or one of the tags; weak comparison, as RFC 9110 prescribes for GET. */
function matchesAny(header: string, etag: string): boolean {
  const strip = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim() === '*' || strip(tag) === strip(etag));
}

function wholeSeconds(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

/** Sends the document, or 304 Not Modified when the client's copy is current. */
export function sendCacheable(c: Context, doc: CacheableDocument): Response {
  const etag = entityTag(doc.body);
  const lastModified = clock.since(c.req.url, etag);
  const headers: Record<string, string> = {
    ETag: etag,
    'Last-Modified': new Date(lastModified).toUTCString(),
    'Cache-Control': `public, max-age=${doc.maxAgeSeconds}`,
    ...doc.headers,
  };
  const ifNoneMatch = c.req.header('if-none-match');
  const ifModifiedSince = Date.parse(c.req.header('if-modified-since') ?? '');
  // If-None-Match wins when both are sent (RFC 9110 §13.2.2).
  const fresh = ifNoneMatch
    ? matchesAny(ifNoneMatch, etag)
    : !Number.isNaN(ifModifiedSince) && lastModified <= ifModifiedSince;
  if (fresh) return c.body(null, 304, headers);
  return c.body(doc.body, 200, { ...headers, 'Content-Type': doc.contentType });
}
