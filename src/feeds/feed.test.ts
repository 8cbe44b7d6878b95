import { XMLValidator } from 'fast-xml-parser';
import Parser from 'rss-parser';
import { describe, expect, it } from 'vitest';
import { emptyPaper, type Paper } from '../model/paper.js';
import { renderAtom } from './atom.js';
import { ChangeClock } from './conditional-get.js';
import { buildFeed, paperEntry, xmlSafe } from './feed.js';
import { renderRss } from './rss.js';

const BASE = 'https://papers.example.org';

function paper(id: string, title: string, extra: Partial<Paper> = {}): Paper {
  return {
    ...emptyPaper(id, title, '2024-06-14'),
    version: 1,
    authors: ['Ada Lovelace', 'Alan Turing'],
    abstract: 'First paragraph with $x<y$ & more.\n\nSecond paragraph.',
    categories: ['cs.LG', 'cs.AI'],
    isArxiv: !id.startsWith('pb-'),
    numComments: 0,
    ...extra,
  };
}

const HOSTILE = 'Ranking <b>bold</b> & "quoted" \'apostrophes\' with $\\alpha<\\beta$ ]]> \u0001done';

function sampleFeed() {
  return buildFeed(
    {
      title: 'Paperboy: Papers matching “a & b”',
      subtitle: 'Subtitle <with> markup & ampersands',
      htmlPath: '/search?q=a+%26+b',
      selfPath: '/feeds/search.atom?q=a+%26+b',
      fallbackUpdated: '2024-06-14T00:00:00.000Z',
    },
    [
      paper('2406.09414', HOSTILE, {
        updatedAt: '2024-06-20T10:11:12Z',
        codeUrl: 'https://github.com/a/b?x=1&y=2',
      }),
      paper('astro-ph/0601001', 'An old-style id', { feedDate: '2024-06-13' }),
      paper('pb-0123456789ab', 'A local paper without authors', { authors: [] }),
    ],
    BASE,
  );
}

describe('paperEntry', () => {
  it('uses the absolute paper URL as a stable id and link', () => {
    const entry = paperEntry(paper('astro-ph/0601001', 'Old'), BASE);
    expect(entry.id).toBe('https://papers.example.org/papers/astro-ph/0601001');
    expect(entry.link).toBe(entry.id);
    expect(entry.related[0]).toEqual({
      href: 'https://arxiv.org/pdf/astro-ph/0601001',
      title: 'PDF',
      type: 'application/pdf',
    });
  });

  it('dates an entry by its feed day, updated by a later arXiv version', () => {
    const entry = paperEntry(paper('2406.09414', 'T', { updatedAt: '2024-06-20T10:11:12Z' }), BASE);
    expect(entry.published).toBe('2024-06-14T00:00:00.000Z');
    expect(entry.updated).toBe('2024-06-20T10:11:12.000Z');
    const older = paperEntry(paper('2406.09414', 'T', { updatedAt: '2024-01-01T00:00:00Z' }), BASE);
    expect(older.updated).toBe(older.published);
  });

  it('drops characters XML cannot carry and joins wrapped titles', () => {
    expect(xmlSafe('a\u0000b\u0008c\u000Bd\ud800e\tf\ng')).toBe('abcde\tf\ng');
    expect(paperEntry(paper('2406.09414', 'Two\n  lines\u0002'), BASE).title).toBe('Two lines');
  });
});

describe('buildFeed', () => {
  it('is as new as its newest entry, or the fallback when empty', () => {
    expect(sampleFeed().updated).toBe('2024-06-20T10:11:12.000Z');
    const empty = buildFeed(
      {
        title: 't',
        subtitle: 's',
        htmlPath: '/',
        selfPath: '/feeds/daily.atom',
        fallbackUpdated: '2024-01-02T00:00:00.000Z',
      },
      [],
      BASE,
    );
    expect(empty.updated).toBe('2024-01-02T00:00:00.000Z');
    expect(empty.id).toBe('https://papers.example.org/feeds/daily.atom');
  });
});

describe('renderAtom', () => {
  const xml = renderAtom(sampleFeed());

  it('is well-formed XML', () => {
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).not.toContain('\u0001');
  });

  it('round-trips hostile text through a real feed parser', async () => {
    const feed = await new Parser().parseString(xml);
    expect(feed.title).toBe('Paperboy: Papers matching “a & b”');
    expect(feed.feedUrl).toBe('https://papers.example.org/feeds/search.atom?q=a+%26+b');
    expect(feed.link).toBe('https://papers.example.org/search?q=a+%26+b');
    const [first] = feed.items;
    expect(first?.title).toBe(HOSTILE.replace('\u0001', ''));
    expect(first?.summary).toBe('First paragraph with $x<y$ & more.\n\nSecond paragraph.');
    expect(first?.link).toBe('https://papers.example.org/papers/2406.09414');
    expect(first?.isoDate).toBe('2024-06-14T00:00:00.000Z');
  });

  it('writes RFC 3339 dates and one author element per author', () => {
    expect(xml).toContain('<updated>2024-06-20T10:11:12.000Z</updated>');
    expect(xml.match(/<name>Ada Lovelace<\/name>/g)).toHaveLength(2);
    // The feed-level author covers entries that have none, as RFC 4287 requires.
    expect(xml).toMatch(/<author>\s*<name>Paperboy<\/name>\s*<\/author>/);
    expect(xml).toContain('href="https://github.com/a/b?x=1&amp;y=2"');
  });
});

describe('renderRss', () => {
  const xml = renderRss(sampleFeed());

  it('is well-formed RSS 2.0 with RFC 822 dates and permalink guids', async () => {
    expect(XMLValidator.validate(xml)).toBe(true);
    const feed = await new Parser().parseString(xml);
    expect(feed.title).toBe('Paperboy: Papers matching “a & b”');
    expect(feed.feedUrl).toBe('https://papers.example.org/feeds/search.atom?q=a+%26+b');
    expect(feed.items.map((item) => item.guid)).toEqual([
      'https://papers.example.org/papers/2406.09414',
      'https://papers.example.org/papers/astro-ph/0601001',
      'https://papers.example.org/papers/pb-0123456789ab',
    ]);
    expect(feed.items[0]?.pubDate).toBe('Fri, 14 Jun 2024 00:00:00 GMT');
    expect(feed.items[0]?.title).toBe(HOSTILE.replace('\u0001', ''));
    expect(feed.items[0]?.categories).toEqual(['cs.LG', 'cs.AI']);
  });

  it('describes items in HTML escaped once for HTML and once for XML', async () => {
    const feed = await new Parser().parseString(xml);
    const html = feed.items[0]?.content ?? '';
    expect(html).toContain('<p>First paragraph with $x&lt;y$ &amp; more.</p>');
    expect(html).toContain('<a href="https://github.com/a/b?x=1&amp;y=2">Code</a>');
    expect(html).toContain('<a href="https://arxiv.org/pdf/2406.09414">PDF</a>');
  });
});

describe('ChangeClock', () => {
  it('keeps a date while the content stays, and moves it on at least a second when it changes', () => {
    let now = Date.parse('2024-06-14T10:00:00.400Z');
    const clock = new ChangeClock(10, () => now);
    const first = clock.since('/feeds/daily.atom', '"a"');
    expect(first).toBe(Date.parse('2024-06-14T10:00:00Z'));
    now += 300;
    expect(clock.since('/feeds/daily.atom', '"a"')).toBe(first);
    // Same second, new content: still a later HTTP date, so If-Modified-Since cannot hide the change.
    expect(clock.since('/feeds/daily.atom', '"b"')).toBe(first + 1000);
    now += 60_000;
    expect(clock.since('/feeds/daily.atom', '"c"')).toBe(Date.parse('2024-06-14T10:01:00Z'));
  });

  it('forgets the least recently used URLs beyond its capacity', () => {
    let now = 0;
    const clock = new ChangeClock(2, () => now);
    clock.since('a', '1');
    clock.since('b', '1');
    clock.since('a', '1');
    clock.since('c', '1'); // evicts b
    now = 5000;
    expect(clock.since('a', '1')).toBe(0);
    expect(clock.since('b', '1')).toBe(5000);
  });
});
