import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testPaper } from '../../../test/support/temp-app.js';
import { FtsStats } from './fts-stats.js';
import { SqliteStore } from './sqlite-store.js';

let dir: string;
let store: SqliteStore;
let stats: FtsStats;

const papers = (from: number, count: number, word = 'lattice') =>
  Array.from({ length: count }, (_, i) =>
    testPaper(`pb-${(0x100 + from + i).toString(16)}`, `Study ${from + i} of ${word} models`, '2025-01-02', {
      abstract: i % 3 === 0 ? `Diffusion over a ${word}.` : `Transformers meet ${word} theory.`,
    }),
  );

/** Every term's papers as FTS5 itself counts them. */
const vocabulary = (): Map<string, number> => {
  store.db.exec(
    `CREATE VIRTUAL TABLE IF NOT EXISTS temp.check_terms USING fts5vocab (main, 'papers_fts', 'row')`,
  );
  const rows = store.db.prepare('SELECT term, doc FROM temp.check_terms').raw().all() as [string, number][];
  return new Map(rows);
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'paperboy-fts-stats-'));
  store = new SqliteStore(join(dir, 'paperboy.db'));
});

afterEach(async () => {
  await stats.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('FtsStats: every term counted in a worker thread', () => {
  it('answers exactly from the counts while the index is unchanged', async () => {
    await store.upsertPapers(papers(0, 200));
    stats = new FtsStats(store.db, { path: join(dir, 'paperboy.db'), countAllFrom: 100 });
    expect(stats.refresh().termCountsState).toBe('none');
    await stats.settled();
    expect(stats.refresh().termCountsState).toBe('exact');
    const exact = vocabulary();
    expect(exact.size).toBeGreaterThan(200);
    for (const [term, count] of exact) expect(stats.frequency(term)).toBe(count);
    expect(stats.frequency('absentword')).toBe(0);
    expect(stats.frequencyUpTo('lattic', 50)).toBe(50);
  });

  it('lets the counts stand in after a small change, counting words they lack, and recounts after a big one', async () => {
    await store.upsertPapers(papers(0, 200));
    stats = new FtsStats(store.db, { path: join(dir, 'paperboy.db'), countAllFrom: 100 });
    stats.refresh();
    await stats.settled();
    // One paper more (0.5 %): the counts stand in; the new word is counted from the index.
    await store.upsertPapers(papers(200, 1, 'zeolite'));
    expect(stats.refresh().termCountsState).toBe('approximate');
    expect(stats.frequency('lattic')).toBe(200);
    expect(stats.frequency('zeolit')).toBe(1);
    // A count of the changed index is not due yet (they stand in); ten more papers (5 %) make it due.
    await stats.settled();
    await store.upsertPapers(papers(201, 10, 'zeolite'));
    expect(stats.refresh().termCountsState).toBe('none');
    expect(stats.frequency('lattic')).toBe(200);
    expect(stats.frequency('zeolit')).toBe(11);
    await stats.settled();
    expect(stats.refresh().termCountsState).toBe('exact');
    expect(stats.frequency('zeolit')).toBe(11);
  });

  it('counts nothing below the threshold or without a file', async () => {
    await store.upsertPapers(papers(0, 50));
    stats = new FtsStats(store.db, { path: join(dir, 'paperboy.db'), countAllFrom: 100 });
    stats.refresh();
    await stats.settled();
    expect(stats.termCountsState).toBe('none');
    await stats.close();
    stats = new FtsStats(store.db, { path: null, countAllFrom: 1 });
    stats.refresh();
    await stats.settled();
    expect(stats.termCountsState).toBe('none');
    expect(stats.frequency('lattic')).toBe(50);
  });
});

describe('SqliteStore.prepareToServe', () => {
  it('starts the count of every term before the first search, so that no visitor waits for it', async () => {
    await store.upsertPapers(papers(0, 200));
    await store.close();
    store = new SqliteStore(join(dir, 'paperboy.db'), 100);
    stats = store.ftsStats;
    await stats.settled();
    expect(stats.termCountsState).toBe('none');
    store.prepareToServe();
    await stats.settled();
    expect(stats.termCountsState).toBe('exact');
  });
});
