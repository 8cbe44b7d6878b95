/**
 * The Atom and RSS feeds through the whole app: parsed by a real feed parser (rss-parser) and checked for
 * well-formedness by a strict XML validator, with conditional GET and autodiscovery links on the pages.
 */
import { XMLValidator } from 'fast-xml-parser';
import Parser from 'rss-parser';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTempApp, testPaper, type TempApp } from './support/temp-app.js';

const HOSTILE_TITLE = 'Less <is> more & "quoted": $a<b$ ]]> tricks';
const BASE = 'http://127.0.0.1:0';
const FEEDS = [
  '/feeds/daily.atom',
  '/feeds/daily.rss',
  '/feeds/trending.atom',
  '/feeds/trending.rss',
  '/feeds/category/cs.CV.atom',
  '/feeds/category/cs.CV.rss',
  '/feeds/search.atom?q=diffusion',
  '/feeds/search.rss?q=diffusion',
];

let t: TempApp;

beforeAll(async () => {
  t = await createTempApp();
  await t.store.upsertPapers([
    testPaper('2406.00001', HOSTILE_TITLE, '2024-06-14', {
      upvotes: 9,
      categories: ['cs.CV'],
      abstract: 'A diffusion model.\n\nWith a second paragraph & a <tag>.',
    }),
    testPaper('2406.00002', 'Diffusion for old-style ids', '2024-06-14', {
      upvotes: 3,
      categories: ['cs.CV', 'cs.LG'],
    }),
    testPaper('astro-ph/0601001', 'Diffusion in the cosmos', '2024-06-13', { categories: ['astro-ph.CO'] }),
    testPaper('2406.00003', 'A paper from the day before', '2024-06-13', {
      categories: ['cs.CV'],
      updatedAt: '2024-06-20T08:00:00Z',
    }),
    testPaper('pb-0123456789ab', 'Diffusion without arXiv or authors', '2024-06-12', {
      authors: [],
      categories: ['cs.DL'],
    }),
  ]);
});

afterAll(async () => {
  await t.close();
});

async function fetchFeed(path: string, headers: Record<string, string> = {}) {
  return t.app.request(path, { headers });
}

async function parseFeed(path: string) {
  const res = await fetchFeed(path);
  expect(res.status, path).toBe(200);
  const xml = await res.text();
  expect(XMLValidator.validate(xml), path).toBe(true);
  const warn = vi.spyOn(console, 'warn');
  const feed = await new Parser().parseString(xml);
  expect(warn).not.toHaveBeenCalled();
  warn.mockRestore();
  return { res, xml, feed };
}

describe('every feed', () => {
  it.each(FEEDS)('%s parses with unique ids, parseable dates and absolute links', async (path) => {
    const { res, feed } = await parseFeed(path);
    const format = path.includes('.atom') ? 'atom' : 'rss';
    expect(res.headers.get('content-type')).toBe(`application/${format}+xml; charset=utf-8`);
    expect(res.headers.get('cache-control')).toBe('public, max-age=900');
    expect(feed.items.length).toBeGreaterThan(0);
    const ids = feed.items.map((item) => (format === 'atom' ? (item as { id?: string }).id : item.guid));
    expect(new Set(ids).size).toBe(ids.length);
    for (const item of feed.items) {
      expect(item.link).toMatch(/^http:\/\/127\.0\.0\.1:0\/papers\//);
      expect(Number.isNaN(Date.parse(item.pubDate ?? ''))).toBe(false);
      expect(item.isoDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
    expect(feed.feedUrl).toBe(`${BASE}${path}`);
  });

  it('keeps a title full of markup characters intact', async () => {
    for (const path of ['/feeds/daily.atom', '/feeds/daily.rss']) {
      const { feed } = await parseFeed(path);
      expect(feed.items.map((item) => item.title)).toContain(HOSTILE_TITLE);
    }
  });
});

describe('what each feed lists', () => {
  it('daily: the newest feed day, most upvoted first', async () => {
    const { feed } = await parseFeed('/feeds/daily.atom');
    expect(feed.items.map((item) => item.link)).toEqual([
      `${BASE}/papers/2406.00001`,
      `${BASE}/papers/2406.00002`,
    ]);
  });

  it('category: the newest papers of that category only', async () => {
    const { feed } = await parseFeed('/feeds/category/cs.CV.rss');
    expect(feed.items.map((item) => item.guid)).toEqual([
      `${BASE}/papers/2406.00001`,
      `${BASE}/papers/2406.00002`,
      `${BASE}/papers/2406.00003`,
    ]);
    const old = await parseFeed('/feeds/category/astro-ph.CO.atom');
    expect(old.feed.items.map((item) => item.link)).toEqual([`${BASE}/papers/astro-ph/0601001`]);
  });

  it('search: the newest matches, with the category filter', async () => {
    const { feed } = await parseFeed('/feeds/search.atom?q=diffusion');
    const links = feed.items.map((item) => item.link);
    // Newest feed day first; within a day, the better match first.
    expect(links.slice(0, 2).sort()).toEqual([`${BASE}/papers/2406.00001`, `${BASE}/papers/2406.00002`]);
    expect(links.slice(2)).toEqual([`${BASE}/papers/astro-ph/0601001`, `${BASE}/papers/pb-0123456789ab`]);
    const filtered = await parseFeed('/feeds/search.rss?q=diffusion&category=cs.LG');
    expect(filtered.feed.items.map((item) => item.guid)).toEqual([`${BASE}/papers/2406.00002`]);
    expect(filtered.feed.title).toBe('Paperboy: Papers matching “diffusion” in cs.LG');
  });

  it('an unsearchable query or an unknown category gives an empty, valid feed', async () => {
    for (const path of ['/feeds/search.atom?q=-diffusion', '/feeds/category/math.AG.rss']) {
      const { feed } = await parseFeed(path);
      expect(feed.items).toEqual([]);
    }
  });
});

describe('conditional GET', () => {
  it('answers 304 to the ETag it sent, and 200 once the feed changes', async () => {
    const first = await fetchFeed('/feeds/trending.atom');
    const etag = first.headers.get('etag');
    const lastModified = first.headers.get('last-modified');
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(Date.parse(lastModified ?? '')).not.toBeNaN();

    const again = await fetchFeed('/feeds/trending.atom', { 'If-None-Match': etag! });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(again.headers.get('etag')).toBe(etag);
    expect((await fetchFeed('/feeds/trending.atom', { 'If-None-Match': `W/${etag}, "other"` })).status).toBe(
      304,
    );
    expect((await fetchFeed('/feeds/trending.atom', { 'If-Modified-Since': lastModified! })).status).toBe(
      304,
    );
    expect((await fetchFeed('/feeds/trending.rss', { 'If-None-Match': etag! })).status).toBe(200);

    await t.store.upsertPapers([testPaper('2406.00009', 'A brand new paper', '2024-06-14', { upvotes: 50 })]);
    const changed = await fetchFeed('/feeds/trending.atom', { 'If-None-Match': etag! });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(await changed.text()).toContain('A brand new paper');
    // A reader that only keeps the date sees the change too, even within the same second.
    const byDate = await fetchFeed('/feeds/trending.atom', { 'If-Modified-Since': lastModified! });
    expect(byDate.status).toBe(200);
    expect(Date.parse(byDate.headers.get('last-modified')!)).toBeGreaterThan(Date.parse(lastModified!));
  });
});

describe('bad feed addresses', () => {
  it.each([
    ['/feeds/search.atom', 400, /q/],
    ['/feeds/search.rss?q=%20%20', 400, /q/],
    ['/feeds/search.atom?q=' + 'x'.repeat(1001), 400, /too long/],
    ['/feeds/search.atom?q=a&category=not%20a%20category', 400, /category/],
    ['/feeds/category/..%2F..%2Fetc.atom', 400, /category/],
    ['/feeds/category/cs.LG.json', 404, /./],
    ['/feeds/weekly.atom', 404, /./],
  ])('%s → %i', async (path, status, message) => {
    const res = await fetchFeed(path);
    expect(res.status).toBe(status);
    expect(await res.text()).toMatch(message);
  });
});

describe('discovery', () => {
  it('links the feeds from the pages that show the same papers', async () => {
    const home = await (await t.app.request('/')).text();
    expect(home).toContain(
      '<link rel="alternate" type="application/atom+xml" title="Daily papers (Atom)" href="/feeds/daily.atom"/>',
    );
    expect(home).toContain('href="/feeds/daily.rss"');
    const search = await (await t.app.request('/search?q=diffusion&category=cs.CV')).text();
    expect(search).toContain('href="/feeds/search.atom?q=diffusion&amp;category=cs.CV"');
    const feeds = await t.app.request('/feeds');
    expect(feeds.status).toBe(200);
    const page = await feeds.text();
    expect(page).toContain('href="/feeds/category/cs.CV.rss"');
    expect(page).toContain('href="/feeds/trending.atom"');
  });
});
