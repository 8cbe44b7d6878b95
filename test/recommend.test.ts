/**
 * Personal recommendations and the topic trend on a real store (SQLite or PostgreSQL) holding the seed
 * listing and a tenth of the arXiv listings (plus every listing paper about diffusion, so the topic has a
 * crowd).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../src/community/model.js';
import { importFiles } from '../src/ingest/import.js';
import { readLines } from '../src/ingest/read-lines.js';
import type { Paper } from '../src/model/paper.js';
import { Recommender } from '../src/recommend/recommender.js';
import { parseQuery } from '../src/search/query.js';
import type { Store } from '../src/store/store.js';
import { monthsBetween } from '../src/recommend/months.js';
import { TrendChart } from '../src/web/trend-chart.js';
import { sharedPath } from './support/shared.js';
import { testPaper } from './support/temp-app.js';
import { createTestDatabase, type TestDatabase } from './support/test-store.js';

let dir: string;
let database: TestDatabase;
let store: Store;
let user: User;
let collectionId: number;

const text = (paper: Pick<Paper, 'title' | 'abstract'>) => `${paper.title} ${paper.abstract}`.toLowerCase();
/** About masked (or "mask", "masking") diffusion: both ideas in its title or abstract. */
const isMaskedDiffusion = (paper: Pick<Paper, 'title' | 'abstract'>) =>
  /\bmask/.test(text(paper)) && /diffusion/.test(text(paper));
const isUnrelated = (paper: Pick<Paper, 'title' | 'abstract'>) => !/diffus|mask/.test(text(paper));

async function findPaper(query: string, title: RegExp): Promise<Paper> {
  const hits = await store.search({
    query: parseQuery(query),
    filters: {},
    sort: 'relevance',
    offset: 0,
    limit: 20,
  });
  const hit = hits.items.find((h) => title.test(h.paper.title));
  if (!hit) throw new Error(`no paper titled ${title} for ${query}`);
  return hit.paper;
}

beforeAll(async () => {
  database = await createTestDatabase();
  dir = database.dir;
  store = database.store;
  const lines: string[] = [];
  let n = 0;
  for await (const line of readLines(sharedPath('corpus/arxiv-listings-2025-2026.jsonl.gz'))) {
    if (n++ % 10 === 0 || /diffusion/i.test((JSON.parse(line) as { title: string }).title)) lines.push(line);
  }
  const subset = join(dir, 'listings-subset.jsonl');
  writeFileSync(subset, lines.join('\n') + '\n');
  const report = await importFiles(store, [sharedPath('corpus/seed-listing.txt'), subset]);
  expect(report.failed).toEqual([]);
  const created = await store.createUser({
    username: 'reader',
    email: 'reader@example.org',
    passwordHash: 'not-used-here',
    createdAt: new Date().toISOString(),
  });
  if (!created.ok) throw new Error('could not create the user');
  user = created.user;
  const collection = await store.createCollection({
    ownerId: user.id,
    name: 'To read',
    isPublic: false,
    now: new Date(),
  });
  if (!collection) throw new Error('could not create the collection');
  collectionId = collection.id;
}, 120_000);

afterAll(async () => {
  await database.close();
});

describe('recommendations', () => {
  let saved: Paper[];

  beforeAll(async () => {
    saved = [
      await findPaper('scaling masked diffusion models text', /^Scaling up Masked Diffusion Models on Text$/),
      await findPaper(
        'masked diffusion time-agnostic',
        /^Masked Diffusion Models are Secretly Time-Agnostic/,
      ),
      // A third from the arXiv listings: the seed's two are local records.
      (
        await store.search({
          query: parseQuery('"masked diffusion" language'),
          filters: {},
          sort: 'relevance',
          offset: 0,
          limit: 10,
        })
      ).items
        .map((hit) => hit.paper)
        .find((paper) => paper.isArxiv && isMaskedDiffusion(paper)) as Paper,
    ];
    expect(saved.every(isMaskedDiffusion)).toBe(true);
    for (const paper of saved)
      expect(await store.addToCollection(collectionId, paper.id, new Date())).toBe(true);
  });

  it('saving three masked-diffusion papers ranks other masked-diffusion papers above unrelated ones', async () => {
    const { items, positives } = await new Recommender(store).recommend(user.id, {}, 60);
    expect(positives).toBe(3);
    const savedIds = new Set(saved.map((p) => p.id));
    expect(items.some((item) => savedIds.has(item.paper.id))).toBe(false);
    const maskedRanks = items.flatMap((item, i) => (isMaskedDiffusion(item.paper) ? [i] : []));
    const unrelatedRanks = items.flatMap((item, i) => (isUnrelated(item.paper) ? [i] : []));
    // Most of the corpus's other masked-diffusion papers are found …
    const corpusMasked = (
      await store.search({
        query: parseQuery('"masked diffusion"'),
        filters: {},
        sort: 'relevance',
        offset: 0,
        limit: 500,
      })
    ).items.filter((hit) => !savedIds.has(hit.paper.id));
    const found = items.filter((item) => corpusMasked.some((hit) => hit.paper.id === item.paper.id));
    expect(found.length).toBeGreaterThanOrEqual(Math.min(20, corpusMasked.length / 2));
    // … and they lead the list: the first ten recommendations are masked-diffusion papers, and every
    // unrelated paper (neither masking nor diffusion) ranks below the twentieth masked-diffusion one.
    expect(maskedRanks.slice(0, 10)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const twentieth = maskedRanks[Math.min(19, maskedRanks.length - 1)] ?? 0;
    for (const rank of unrelatedRanks) expect(rank).toBeGreaterThan(twentieth);
    // Scores agree with the order.
    for (let i = 1; i < items.length; i++)
      expect(items[i - 1]?.score).toBeGreaterThanOrEqual(items[i]?.score ?? 0);
  });

  it('explains each paper by a saved paper and the terms they share', async () => {
    const { items } = await new Recommender(store).recommend(user.id, {}, 10);
    const byId = new Map(saved.map((p) => [p.id, p]));
    for (const { paper, explanation } of items) {
      expect(explanation.because?.kind).toBe('saved');
      const named = byId.get(explanation.because?.paperId ?? '');
      expect(named?.title).toBe(explanation.because?.title);
      expect(explanation.sharedWords.length).toBeGreaterThan(0);
      for (const word of explanation.sharedWords) {
        // The word as the recommended paper writes it, and its stem in the saved paper.
        expect(text(paper)).toContain(word);
        expect(text(named ?? paper)).toContain(word.slice(0, 4));
      }
    }
    // "masked" (or "mask", "masking") is among the reasons for most of them.
    const masked = items.filter((item) => item.explanation.sharedWords.some((word) => /^mask/.test(word)));
    expect(masked.length).toBeGreaterThanOrEqual(items.length * 0.7);
  });

  it('"not interested" removes a paper and its near-duplicates', async () => {
    const recommender = new Recommender(store);
    const before = await recommender.recommend(user.id, {}, 30);
    const target = before.items[0]?.paper;
    if (!target) throw new Error('no recommendation');
    // Two other records of the same paper: the same title differently written, and the same abstract.
    const sameTitle = testPaper('pb-copy-title', `${target.title.toUpperCase()}!`, '2026-06-30', {
      abstract: `${target.abstract} (Workshop version.)`,
      categories: target.categories,
    });
    const sameText = testPaper('pb-copy-text', 'A workshop version', '2026-06-30', {
      abstract: target.abstract,
      categories: target.categories,
    });
    await store.upsertPapers([sameTitle, sameText]);
    const others = before.items.slice(1, 6).map((item) => item.paper.id);

    expect(await store.setNotInterested(user.id, target.id, true, new Date())).toBe(true);
    const after = await recommender.recommend(user.id, {}, 30);
    const ids = after.items.map((item) => item.paper.id);
    expect(ids).not.toContain(target.id);
    expect(ids).not.toContain('pb-copy-title');
    expect(ids).not.toContain('pb-copy-text');
    expect(after.negatives).toBe(1);
    // The rest of the topic stays.
    expect(ids).toEqual(expect.arrayContaining(others));

    // Taking it back brings the paper back.
    await store.setNotInterested(user.id, target.id, false, new Date());
    expect((await recommender.recommend(user.id, {}, 30)).items.map((item) => item.paper.id)).toContain(
      target.id,
    );
    expect(await store.setNotInterested(user.id, 'no-such-paper', true, new Date())).toBe(false);
  });

  it('trains again only when the feedback changes, and a restart reuses the stored model', async () => {
    const recommender = new Recommender(store);
    await recommender.recommend(user.id, {}, 20);
    const stored = await store.recommendationModel(user.id);
    expect(stored).not.toBeNull();
    await recommender.recommend(user.id, { from: '2026-01-01' }, 20);
    await new Recommender(store).recommend(user.id, {}, 20);
    expect(await store.recommendationModel(user.id)).toBe(stored);

    const savedIds = new Set(saved.map((p) => p.id));
    const more = (
      await store.search({
        query: parseQuery('"masked diffusion"'),
        filters: {},
        sort: 'relevance',
        offset: 0,
        limit: 10,
      })
    ).items.find((hit) => !savedIds.has(hit.paper.id))?.paper;
    if (!more) throw new Error('no other masked-diffusion paper');
    await store.addToCollection(collectionId, more.id, new Date());
    const after = await recommender.recommend(user.id, {}, 20);
    expect(after.positives).toBe(4);
    expect(after.items.map((item) => item.paper.id)).not.toContain(more.id);
    const retrained = JSON.parse((await store.recommendationModel(user.id)) ?? '{}') as {
      examples: unknown[];
    };
    expect(retrained.examples).toHaveLength(4);
    await store.removeFromCollection(collectionId, more.id);
  });

  it('leaves out hidden papers and keeps to the window', async () => {
    const recommender = new Recommender(store);
    const first = (await recommender.recommend(user.id, {}, 5)).items[0]?.paper;
    if (!first) throw new Error('no recommendation');
    await store.moderate({
      action: 'hide-paper',
      target: first.id,
      actorId: null,
      actor: 'cli',
      reason: 'test',
      at: new Date().toISOString(),
    });
    // A new list (another window) is read after the change.
    const later = await recommender.recommend(user.id, { from: '2025-01-01' }, 30);
    expect(later.items.map((item) => item.paper.id)).not.toContain(first.id);
    const window = await recommender.recommend(user.id, { from: '2026-03-01', to: '2026-04-30' }, 30);
    expect(window.items.length).toBeGreaterThan(0);
    for (const item of window.items)
      expect(item.paper.feedDate >= '2026-03-01' && item.paper.feedDate <= '2026-04-30').toBe(true);
  });

  it('has nothing to recommend to a user who saved nothing', async () => {
    const created = await store.createUser({
      username: 'newcomer',
      email: 'newcomer@example.org',
      passwordHash: 'x',
      createdAt: new Date().toISOString(),
    });
    if (!created.ok) throw new Error('could not create the user');
    expect(await new Recommender(store).recommend(created.user.id, {}, 20)).toEqual({
      items: [],
      positives: 0,
      negatives: 0,
    });
  });
});

describe('topic trend', () => {
  const cases: {
    q: string;
    filters: { category?: string; from?: string; to?: string; hasCode?: boolean };
  }[] = [
    { q: 'masked diffusion', filters: {} },
    { q: '"diffusion transformer"', filters: {} },
    { q: 'diffusion', filters: { category: 'cs.CV' } },
    { q: 'language models', filters: { from: '2025-06-10', to: '2025-11-20' } },
    { q: 'segmentation -medical', filters: { hasCode: true } },
  ];

  it.each(cases)('counts the matches of $q per month as a direct count does', async ({ q, filters }) => {
    const query = parseQuery(q);
    const counts = await store.searchMonthlyCounts({ query, filters });
    expect(counts.estimated).toBe(false);
    const total = (await store.search({ query, filters, sort: 'newest', offset: 0, limit: 1 })).total;
    expect(counts.months.reduce((sum, m) => sum + m.count, 0)).toBe(total);
    expect(counts.months.map((m) => m.month)).toEqual(
      monthsBetween(counts.firstDay?.slice(0, 7) ?? '', counts.lastDay?.slice(0, 7) ?? ''),
    );
    // Each month against a search restricted to that month (the filters' own bounds kept).
    for (const { month, count } of counts.months) {
      const from = filters.from && filters.from > `${month}-01` ? filters.from : `${month}-01`;
      const to = filters.to && filters.to < `${month}-31` ? filters.to : `${month}-31`;
      const direct = await store.search({
        query,
        filters: { ...filters, from, to },
        sort: 'newest',
        offset: 0,
        limit: 1,
      });
      expect(count, month).toBe(direct.total);
    }
    const chart = TrendChart({ counts, subject: q });
    const html = chart ? String(await chart.toString()) : '';
    const bars = [...html.matchAll(/data-count="(\d+)"/g)].map((m) => Number(m[1]));
    expect(bars).toEqual(counts.months.map((m) => m.count));
  });

  it('estimates the months of a query matching much of the corpus from an even sample', async () => {
    const query = parseQuery('learning models data training network method results');
    const counts = await store.searchMonthlyCounts({ query, filters: {} });
    expect(counts.estimated).toBe(true);
    const total = (await store.search({ query, filters: {}, sort: 'newest', offset: 0, limit: 1 })).total;
    const estimate = counts.months.reduce((sum, m) => sum + m.count, 0);
    expect(Math.abs(estimate - total) / total).toBeLessThan(0.1);
    for (const { month, count } of counts.months) {
      const direct = (
        await store.search({
          query,
          filters: { from: `${month}-01`, to: `${month}-31` },
          sort: 'newest',
          offset: 0,
          limit: 1,
        })
      ).total;
      // Binomial sampling error: a few standard deviations at most.
      if (direct >= 200) expect(Math.abs(count - direct) / direct, month).toBeLessThan(0.35);
    }
  });

  it('spans the filters’ range, or the whole corpus', async () => {
    const all = await store.searchMonthlyCounts({ query: parseQuery('diffusion'), filters: {} });
    const [first] = await database.sql<{ day: string }>('SELECT min(feed_date) AS day FROM papers');
    expect(all.firstDay).toBe(first?.day);
    expect(all.lastDay).toBe(await store.latestFeedDay());
    const window = await store.searchMonthlyCounts({
      query: parseQuery('diffusion'),
      filters: { from: '2025-06-10', to: '2025-08-02' },
    });
    expect(window.months.map((m) => m.month)).toEqual(['2025-06', '2025-07', '2025-08']);
    expect(window.firstDay).toBe('2025-06-10');
    const none = await store.searchMonthlyCounts({ query: parseQuery('zzzzqqq'), filters: {} });
    expect(none.months.every((m) => m.count === 0)).toBe(true);
  });
});
