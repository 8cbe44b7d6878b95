import type { Hono } from 'hono';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { emptyPaper, type PaperInput } from '../../src/model/paper.js';
import type { Store } from '../../src/store/store.js';
import { createTestDatabase, type TestDatabase } from './test-store.js';

export interface TempApp {
  app: Hono;
  store: Store;
  database: TestDatabase;
  dir: string;
  close(): Promise<void>;
}

/** The whole HTTP app on a fresh database of the backend under test (no demo corpus). */
export async function createTempApp(): Promise<TempApp> {
  const database = await createTestDatabase();
  const config = loadConfig({ ...database.env, PAPERBOY_DEMO: '0', PORT: '0' });
  const app = createApp({ store: database.store, config, logger: createLogger('silent') });
  return { app, store: database.store, database, dir: database.dir, close: database.close };
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
