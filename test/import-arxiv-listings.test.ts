/**
 * The one heavy import test: every paper of the 74,728-line arXiv listings file, twice. On PostgreSQL,
 * which imports a few times slower, every fifth line of it (about 15,000 papers) keeps the run short.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles } from '../src/ingest/import.js';
import { readLines } from '../src/ingest/read-lines.js';
import type { Store } from '../src/store/store.js';
import { sharedPath } from './support/shared.js';
import { createTestDatabase, TEST_BACKEND, type TestDatabase } from './support/test-store.js';

const LISTINGS = sharedPath('corpus/arxiv-listings-2025-2026.jsonl.gz');
const SAMPLE = '2503.11731';
const STRIDE = TEST_BACKEND === 'postgres' ? 5 : 1;
let database: TestDatabase;
let store: Store;

beforeAll(async () => {
  database = await createTestDatabase();
  store = database.store;
});

afterAll(async () => {
  await database.close();
});

describe('importing the arXiv listings file', () => {
  it(
    'stores every distinct paper once, and a second import changes nothing',
    { timeout: 180_000 },
    async () => {
      // Counted independently of the importer: ids as they appear in the file.
      const all = new Set<string>();
      const ids = new Set<string>();
      const lines: string[] = [];
      let n = 0;
      for await (const line of readLines(LISTINGS)) {
        const { id } = JSON.parse(line) as { id: string };
        all.add(id);
        if (n++ % STRIDE === 0 || id === SAMPLE) {
          ids.add(id);
          lines.push(line);
        }
      }
      expect(all.size).toBe(74_728);
      const file = STRIDE === 1 ? LISTINGS : join(database.dir, 'listings-subset.jsonl');
      if (STRIDE > 1) writeFileSync(file, lines.join('\n') + '\n');

      const first = await importFiles(store, [file]);
      expect(first).toEqual({ inserted: ids.size, updated: 0, unchanged: 0, skipped: [], failed: [] });
      expect(await store.countPapers()).toBe(ids.size);

      const second = await importFiles(store, [file]);
      expect(second).toEqual({ inserted: 0, updated: 0, unchanged: ids.size, skipped: [], failed: [] });
      expect(await store.countPapers()).toBe(ids.size);

      const sample = await store.getPaper(SAMPLE);
      expect(sample).toMatchObject({ feedDate: '2025-03-18', categories: ['cs.CV', 'cs.RO'], isArxiv: true });
      expect(sample?.abstract).not.toMatch(/\n/);
    },
  );
});
