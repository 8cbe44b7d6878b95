import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Hono } from 'hono';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { emptyPaper, type PaperInput } from '../../src/model/paper.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

export interface TempApp {
  app: Hono;
  store: SqliteStore;
  dir: string;
  close(): Promise<void>;
}

/** The whole HTTP app on a fresh SQLite file in a temp folder (no demo corpus). */
export function createTempApp(): TempApp {
  const dir = mkdtempSync(path.join(tmpdir(), 'paperboy-test-'));
  const databasePath = path.join(dir, 'paperboy.db');
  const config = loadConfig({ PAPERBOY_DB: databasePath, PAPERBOY_DEMO: '0', PORT: '0' });
  const store = new SqliteStore(databasePath);
  const app = createApp({ store, config, logger: createLogger('silent') });
  return {
    app,
    store,
    dir,
    close: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A paper with every field a page shows, for tests that need control over the content. */
export function testPaper(
  id: string,
  title: string,
  feedDate: string,
  extra: Partial<PaperInput> = {},
): PaperInput {
  return {
    ...emptyPaper(id, title, feedDate),
    version: id.startsWith('pb-') ? null : 1,
    authors: ['Ada Lovelace', 'Alan Turing'],
    abstract: `An abstract about ${title.toLowerCase()}.`,
    categories: ['cs.LG'],
    ...extra,
  };
}
