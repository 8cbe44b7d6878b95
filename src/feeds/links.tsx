/** Feed addresses and the `<link rel="alternate">` tags that let browsers and readers discover them. */
import { urlWith } from '../web/layout.js';
import { FEED_FORMATS, type FeedFormat } from './feed.js';

const LINK_TYPES: Record<FeedFormat, string> = {
  atom: 'application/atom+xml',
  rss: 'application/rss+xml',
};

const FORMAT_NAMES: Record<FeedFormat, string> = { atom: 'Atom', rss: 'RSS' };

/** A feed, by what it lists; the same for both formats. */
export type FeedSubject =
  | { kind: 'daily' }
  | { kind: 'trending' }
  | { kind: 'category'; category: string }
  | { kind: 'search'; q: string; category?: string };

export function feedPath(subject: FeedSubject, format: FeedFormat): string {
  switch (subject.kind) {
    case 'daily':
    case 'trending':
      return `/feeds/${subject.kind}.${format}`;
    case 'category':
      return `/feeds/category/${encodeURIComponent(subject.category)}.${format}`;
    case 'search':
      return urlWith(`/feeds/search.${format}`, { q: subject.q, category: subject.category });
  }
}

export function feedTitle(subject: FeedSubject): string {
  switch (subject.kind) {
    case 'daily':
      return 'Daily papers';
    case 'trending':
      return 'Trending papers';
    case 'category':
      return `Newest papers in ${subject.category}`;
    case 'search':
      return `Papers matching “${subject.q}”${subject.category ? ` in ${subject.category}` : ''}`;
  }
}

/** Autodiscovery links for the page's `head`, one per feed and format. */
export function FeedLinks({ feeds }: { feeds: FeedSubject[] }) {
  return (
    <>
      {feeds.flatMap((subject) =>
        FEED_FORMATS.map((format) => (
          <link
            rel="alternate"
            type={LINK_TYPES[format]}
            title={`${feedTitle(subject)} (${FORMAT_NAMES[format]})`}
            href={feedPath(subject, format)}
          />
        )),
      )}
    </>
  );
}
