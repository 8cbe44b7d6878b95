import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testPaper } from '../../../test/support/temp-app.js';
import { parseQuery } from '../../search/query.js';
import type { SearchFilters } from '../store.js';
import { SqliteStore } from './sqlite-store.js';
import { TrendWorker, TrendWorkerBusy } from './trend-counts.js';

let dir: string;
/** Counts trends in the worker thread (every corpus is large enough for it) … */
let inWorker: SqliteStore;
/** … and on its own thread, over the same file. */
let inline: SqliteStore;

const TOPICS = ['masked diffusion', 'graph networks', 'language models', 'robot policies'];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'paperboy-trend-'));
  const path = join(dir, 'paperboy.db');
  inWorker = new SqliteStore(path, 1);
  inline = new SqliteStore(path, Infinity);
  const papers = Array.from({ length: 240 }, (_, i) => {
    const topic = TOPICS[i % TOPICS.length] ?? '';
    const day = `2025-${String(1 + (i % 7)).padStart(2, '0')}-${String(1 + (i % 27)).padStart(2, '0')}`;
    return testPaper(`pb-${(0x1000 + i).toString(16)}`, `On ${topic} number ${i}`, day, {
      abstract: `We study ${topic} and ${TOPICS[(i + 1) % TOPICS.length]}.`,
      categories: [i % 2 ? 'cs.LG' : 'cs.CV'],
      codeUrl: i % 3 ? null : `https://github.com/example/p${i}`,
    });
  });
  await inline.upsertPapers(papers);
});

afterAll(async () => {
  await inWorker.close();
  await inline.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('topic trends counted in the trend worker', () => {
  const cases: [string, SearchFilters][] = [
    ['masked diffusion', {}],
    ['"language models"', { category: 'cs.LG' }],
    ['graph -robot', { hasCode: true }],
    ['polic*', { from: '2025-03-10', to: '2025-06-02' }],
  ];

  it.each(cases)('counts %s %j as the server thread does', async (q, filters) => {
    const request = { query: parseQuery(q), filters };
    const fromWorker = await inWorker.searchMonthlyCounts(request);
    expect(fromWorker).toEqual(await inline.searchMonthlyCounts(request));
    expect(fromWorker.months.reduce((sum, m) => sum + m.count, 0)).toBeGreaterThan(0);
    // The worker thread did the counting (private: nothing outside the store needs to know).
    expect((inWorker as unknown as { trendWorker: unknown }).trendWorker).not.toBeNull();
  });

  it('sees papers added after it started', async () => {
    const before = await inWorker.searchMonthlyCounts({ query: parseQuery('zeolite'), filters: {} });
    expect(before.months.every((m) => m.count === 0)).toBe(true);
    await inline.upsertPapers([testPaper('pb-9999', 'Zeolite catalysts', '2025-02-03')]);
    const after = await inWorker.searchMonthlyCounts({ query: parseQuery('zeolite'), filters: {} });
    expect(after.months.find((m) => m.month === '2025-02')?.count).toBe(1);
  });
});

describe('TrendWorker', () => {
  it('takes 16 trends at a time and refuses more at once, answering each in turn', async () => {
    const worker = new TrendWorker(join(dir, 'paperboy.db'));
    try {
      const request = { query: parseQuery('graph'), filters: {} };
      const answers = await Promise.allSettled(Array.from({ length: 20 }, () => worker.count(request)));
      const refused = answers.filter((a) => a.status === 'rejected');
      expect(refused).toHaveLength(4);
      for (const a of refused) expect((a as PromiseRejectedResult).reason).toBeInstanceOf(TrendWorkerBusy);
      const counted = answers.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []));
      expect(counted).toHaveLength(16);
      const months = counted[0]?.counts ?? [];
      const expected = await inline.searchMonthlyCounts(request);
      expect(months.reduce((sum, [, count]) => sum + count, 0)).toBe(
        expected.months.reduce((sum, m) => sum + m.count, 0),
      );
      for (const trend of counted) expect(trend).toEqual(counted[0]);
      // Once the queue has drained, it takes requests again.
      expect((await worker.count(request)).counts).toEqual(months);
    } finally {
      await worker.close();
    }
  });
});
