/** The one heavy import test: every paper of the 74,728-line arXiv listings file, twice. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles } from '../src/ingest/import.js';
import { readLines } from '../src/ingest/read-lines.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { sharedPath } from './support/shared.js';

const LISTINGS = sharedPath('corpus/arxiv-listings-2025-2026.jsonl.gz');
let dir: string;
let store: SqliteStore;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'paperboy-listings-'));
  store = new SqliteStore(join(dir, 'paperboy.db'));
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('importing the arXiv listings file', () => {
  it(
    'stores every distinct paper once, and a second import changes nothing',
    { timeout: 180_000 },
    async () => {
      // Counted independently of the importer: ids as they appear in the file.
      const ids = new Set<string>();
      for await (const line of readLines(LISTINGS)) ids.add((JSON.parse(line) as { id: string }).id);
      expect(ids.size).toBe(74_728);

      const first = await importFiles(store, [LISTINGS]);
      expect(first).toEqual({ inserted: ids.size, updated: 0, unchanged: 0, skipped: [], failed: [] });
      expect(await store.countPapers()).toBe(ids.size);

      const second = await importFiles(store, [LISTINGS]);
      expect(second).toEqual({ inserted: 0, updated: 0, unchanged: ids.size, skipped: [], failed: [] });
      expect(await store.countPapers()).toBe(ids.size);

      const sample = await store.getPaper('2503.11731');
      expect(sample).toMatchObject({ feedDate: '2025-03-18', categories: ['cs.CV', 'cs.RO'], isArxiv: true });
      expect(sample?.abstract).not.toMatch(/\n/);
    },
  );
});
