/** The demo corpus shipped in data/demo/ and its loading into an empty store. */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_DIR, DEMO_FILES, loadDemoIfEmpty } from '../src/ingest/demo.js';
import { readLines } from '../src/ingest/read-lines.js';
import { createLogger } from '../src/log.js';
import { emptyPaper } from '../src/model/paper.js';
import { parseQuery } from '../src/search/query.js';
import type { Store } from '../src/store/store.js';
import { createTestDatabase, TEST_BACKEND, type TestDatabase } from './support/test-store.js';
let database: TestDatabase;
let store: Store;
const logger = createLogger('silent');

beforeEach(async () => {
  database = await createTestDatabase();
  store = database.store;
});

afterEach(async () => {
  await database.close();
});

describe('the demo corpus', () => {
  it('lives in data/demo/ at the repository root and weighs a few MB at most', () => {
    expect(DEMO_DIR).toBe(resolve(import.meta.dirname, '../data/demo') + '/');
    const bytes = DEMO_FILES.reduce((sum, file) => sum + statSync(file).size, 0);
    expect(bytes).toBeLessThan(4_000_000);
  });

  it('loads into an empty store quickly: the seed listing plus recent days with upvotes', async () => {
    const daily = DEMO_FILES.find((file) => file.endsWith('.jsonl.gz'))!;
    const ids = new Set<string>();
    const days = new Set<string>();
    for await (const line of readLines(daily)) {
      const entry = JSON.parse(line) as { paper: { id: string }; _archive_date: string };
      ids.add(entry.paper.id);
      days.add(entry._archive_date);
    }
    expect(days.size).toBeGreaterThanOrEqual(40);

    const started = performance.now();
    await loadDemoIfEmpty(store, logger);
    expect(performance.now() - started).toBeLessThan(30_000);
    expect(await store.countPapers()).toBe(ids.size + 33);
    expect(await store.latestFeedDay()).toBe([...days].sort().at(-1));
    const seed = await store.listFeed({
      from: '2025-03-12',
      to: '2025-03-12',
      sort: 'newest',
      offset: 0,
      limit: 50,
    });
    expect(seed.total).toBe(33);
    const latest = await store.listFeed({
      from: [...days].sort().at(-1)!,
      to: [...days].sort().at(-1)!,
      sort: 'upvotes',
      offset: 0,
      limit: 5,
    });
    expect(latest.items[0]!.upvotes).toBeGreaterThan(0);
  });

  it('answers `masked diffusion` with the seed listing’s four masked-diffusion papers on top', async () => {
    // The demo also holds later Hugging Face papers with "masked diffusion" in their titles: the seed's
    // four, whose titles are about that topic, must still come first.
    await loadDemoIfEmpty(store, logger);
    const page = await store.search({
      query: parseQuery('masked diffusion'),
      filters: {},
      sort: 'relevance',
      offset: 0,
      limit: 10,
    });
    expect(page.total).toBeGreaterThan(4);
    const seedFour = [
      'Unified Auto-Encoding with Masked Diffusion',
      'Masked Diffusion with Task-awareness for Procedure Planning in Instructional Videos',
      'Scaling up Masked Diffusion Models on Text',
      'Masked Diffusion Models are Secretly Time-Agnostic Masked Models and Exploit Inaccurate Categorical Sampling',
    ];
    if (TEST_BACKEND === 'sqlite') {
      expect(new Set(page.items.slice(0, 4).map((hit) => hit.paper.title))).toEqual(new Set(seedFour));
    } else {
      // PostgreSQL's ts_rank divides by the log of a paper's whole length, where SQLite's BM25 weighs each
      // field's: a demo paper with "Masked Diffusion" in a longer title but a shorter abstract can come fourth.
      const top = page.items.slice(0, 5).map((hit) => hit.paper.title);
      expect(top).toEqual(expect.arrayContaining(seedFour));
      for (const title of top) expect(title).toMatch(/Masked Diffusion/);
    }
  });

  it('is loaded once by nodes starting together on one empty database', async () => {
    const messages: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => messages.push(JSON.parse(line).msg) });
    await Promise.all([1, 2, 3].map(() => loadDemoIfEmpty(database.open(), log)));
    expect(messages.filter((m) => m.startsWith('loaded the demo corpus'))).toHaveLength(1);
    expect(await store.countPapers()).toBeGreaterThan(1000);
  });

  it('leaves a store that already has papers alone', async () => {
    await store.upsertPapers([emptyPaper('2503.11731', 'Mine', '2025-03-18')]);
    await loadDemoIfEmpty(store, logger);
    expect(await store.countPapers()).toBe(1);
  });
});
