/**
 * The database the integration suite runs on. CI runs every integration test twice (vitest projects
 * `sqlite` and `postgres`); PAPERBOY_TEST_STORE tells this process which backend it tests, and every test
 * opens its stores, configures its apps and starts its child processes through this file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll } from 'vitest';
import { createPool } from '../../src/store/postgres/connection.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { createScratchDatabase, type ScratchDatabase } from './pg.js';

export type TestBackend = 'sqlite' | 'postgres';

function backendFromEnv(value: string | undefined): TestBackend {
  if (value === undefined || value === '' || value === 'sqlite') return 'sqlite';
  if (value === 'postgres') return 'postgres';
  throw new Error(`PAPERBOY_TEST_STORE must be sqlite or postgres, not ${JSON.stringify(value)}`);
}

export const TEST_BACKEND: TestBackend = backendFromEnv(process.env.PAPERBOY_TEST_STORE);

/** Environment naming one database, for loadConfig and for a `paperboy` child process. */
export interface DatabaseEnv extends Record<string, string> {
  /** Always set: beside it live the instance secret and any file a test writes. */
  PAPERBOY_DB: string;
}

/** PostgreSQL nodes must share a signing secret (see loadConfig); tests' nodes share this one. */
const TEST_SECRET = 'test-secret-shared-by-every-node-0123456789';

export interface TestDatabase {
  backend: TestBackend;
  /** A temp folder of this database's own (the SQLite file, the instance secret, outboxes, inputs). */
  dir: string;
  env: DatabaseEnv;
  /** The store every test of a file starts with. */
  store: Store;
  /** Another store on the same database: a second node, or the next run after a crash. Closed by close(). */
  open(): Store;
  /**
   * Runs SQL straight on the database, behind the store's back (what an operator or another version
   * would do). Both backends accept the same plain statements; parameters are written `?`.
   */
  sql<R extends Record<string, unknown>>(statement: string, params?: unknown[]): Promise<R[]>;
  /**
   * What an operator's checks find wrong after a crash; empty when healthy. SQLite: integrity_check, FTS5's
   * own check of the index against the papers, foreign_key_check. PostgreSQL keeps its files consistent
   * through its WAL and enforces foreign keys at every commit, so what is left to check is that every
   * B-tree index agrees with its table (amcheck; the search vector is a generated column).
   */
  integrityProblems(): Promise<string[]>;
  /**
   * Closes every store this database opened and deletes its folder; a PostgreSQL database is emptied for
   * the file's next test, and dropped after the file's last. Closing again does nothing.
   */
  close(): Promise<void>;
}

/** `?` placeholders as PostgreSQL's numbered `$n`. */
function numbered(statement: string): string {
  let n = 0;
  return statement.replace(/\?/g, () => `$${++n}`);
}

async function closeOnce(store: Store): Promise<void> {
  // A test may close a store itself (e.g. before killing a child that uses the same database).
  if (store instanceof SqliteStore && !store.db.open) return;
  if (store instanceof PostgresStore && store.pool.ended) return;
  await store.close();
}

/**
 * Emptied scratch databases of this test file, for its next test. Creating and migrating a PostgreSQL
 * database takes seconds on a busy machine; emptying one, a few milliseconds.
 */
const spare: ScratchDatabase[] = [];
// Benchmarks import test support (through hostile.ts) outside vitest, where there is no test file to end.
if (process.env.VITEST) {
  afterAll(async () => {
    for (const scratch of spare.splice(0)) await scratch.drop();
  });
}

function sqliteIntegrityProblems(file: string): string[] {
  // Opened as the next run would open it, recovering the WAL.
  const db = new Database(file);
  try {
    const problems = (db.pragma('integrity_check') as { integrity_check: string }[])
      .map((row) => row.integrity_check)
      .filter((line) => line !== 'ok');
    try {
      db.prepare("INSERT INTO papers_fts (papers_fts, rank) VALUES ('integrity-check', 1)").run();
    } catch (err) {
      problems.push(`papers_fts: ${(err as Error).message}`);
    }
    for (const row of db.pragma('foreign_key_check') as { table: string; parent: string }[])
      problems.push(`foreign key: a row of ${row.table} without its ${row.parent}`);
    return problems;
  } finally {
    db.close();
  }
}

/** A fresh, empty database of the backend under test, with a store already open on it. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const dir = mkdtempSync(path.join(tmpdir(), `paperboy-${TEST_BACKEND}-`));
  const file = path.join(dir, 'paperboy.db');
  let scratch: ScratchDatabase | null = null;
  if (TEST_BACKEND === 'postgres') {
    try {
      scratch = spare.pop() ?? (await createScratchDatabase());
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }
  const url = scratch?.url;
  const opened: Store[] = [];
  const open = (): Store => {
    const store = url ? new PostgresStore(url) : new SqliteStore(file);
    opened.push(store);
    return store;
  };
  const store = open();
  // Connections of the tests' own, typed like the adapter's (bigint counts as numbers).
  const pool = url ? createPool(url, { max: 2 }) : null;
  let closed = false;
  return {
    backend: TEST_BACKEND,
    dir,
    env: url ? { PAPERBOY_DB: file, DATABASE_URL: url, PAPERBOY_SECRET: TEST_SECRET } : { PAPERBOY_DB: file },
    store,
    open,
    sql: async <R extends Record<string, unknown>>(statement: string, params: unknown[] = []) => {
      if (!pool) {
        // A connection of its own, so that it works whether or not the test has closed its stores.
        const db = new Database(file);
        try {
          const prepared = db.prepare(statement);
          return (prepared.reader ? prepared.all(...params) : (prepared.run(...params), [])) as R[];
        } finally {
          db.close();
        }
      }
      await (store as PostgresStore).ready;
      return (await pool.query<R>(numbered(statement), params)).rows;
    },
    integrityProblems: async () => {
      if (!pool) return sqliteIntegrityProblems(file);
      await (store as PostgresStore).ready;
      await pool.query('CREATE EXTENSION IF NOT EXISTS amcheck');
      const { rows } = await pool.query<{ name: string }>(
        `SELECT c.oid::regclass::text AS name FROM pg_index i
         JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam
         WHERE am.amname = 'btree' AND c.relnamespace = current_schema()::regnamespace`,
      );
      const problems: string[] = [];
      for (const { name } of rows) {
        await pool
          .query('SELECT bt_index_check($1::regclass, true)', [name])
          .catch((err: Error) => problems.push(`${name}: ${err.message}`));
      }
      return rows.length > 0 ? problems : ['no index to check'];
    },
    close: async () => {
      if (closed) return;
      closed = true;
      for (const each of opened) await closeOnce(each);
      await pool?.end();
      if (scratch) {
        await scratch.reset();
        spare.push(scratch);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
