/**
 * What only the PostgreSQL adapter has to get right: several nodes migrating and writing one database at
 * once, and choosing the adapter from the configuration.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli/main.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { emptyPaper, type PaperInput } from '../src/model/paper.js';
import { parseQuery } from '../src/search/query.js';
import { openStore } from '../src/store/open.js';
import { createPool } from '../src/store/postgres/connection.js';
import { migrate, MIGRATIONS } from '../src/store/postgres/migrations.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { createScratchDatabase, type ScratchDatabase } from './support/pg.js';

let database: ScratchDatabase;
beforeEach(async () => {
  database = await createScratchDatabase();
});
afterEach(async () => {
  await database.drop();
});

async function appliedVersions(url: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ version: number }>(
      'SELECT version FROM schema_migrations ORDER BY version',
    );
    return rows.map((row) => row.version);
  } finally {
    await client.end();
  }
}

const paper = (id: string, extra: Partial<PaperInput> = {}): PaperInput => ({
  ...emptyPaper(id, `Paper ${id}`, '2025-03-12'),
  version: 1,
  ...extra,
});

describe('PostgreSQL migrations', () => {
  it('apply once when several nodes start together on a fresh database', async () => {
    const pools = Array.from({ length: 4 }, () => createPool(database.url, { max: 2 }));
    try {
      const results = await Promise.all(pools.map((pool) => migrate(pool)));
      const all = MIGRATIONS.map((m) => m.version);
      // Every node ends at the latest version; between them each migration ran exactly once.
      expect(results.map((r) => r.version)).toEqual(pools.map(() => all.at(-1)));
      expect(results.flatMap((r) => r.applied).sort((a, b) => a - b)).toEqual(all);
      expect(await appliedVersions(database.url)).toEqual(all);
      expect(await migrate(pools[0] as pg.Pool)).toEqual({ applied: [], version: all.at(-1) });
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
  });

  it('run from `paperboy migrate`, which says what it did', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.stubEnv('DATABASE_URL', database.url);
    vi.stubEnv('PAPERBOY_SECRET', 'x'.repeat(32));
    try {
      await main(['node', 'paperboy', 'migrate']);
      await main(['node', 'paperboy', 'migrate']);
      const latest = MIGRATIONS.at(-1)?.version;
      expect(log.mock.calls.map(([line]) => String(line))).toEqual([
        `PostgreSQL 127.0.0.1:5432/${database.name}: applied migrations ${MIGRATIONS.map((m) => m.version).join(', ')}; schema at version ${latest}.`,
        `PostgreSQL 127.0.0.1:5432/${database.name}: schema already at version ${latest}.`,
      ]);
      expect(process.exitCode ?? 0).toBe(0);
    } finally {
      vi.unstubAllEnvs();
      log.mockRestore();
    }
  });

  it('report a database that cannot be reached on the first query, not as an unhandled rejection', async () => {
    const store = new PostgresStore('postgresql://postgres@127.0.0.1:1/nowhere');
    await expect(store.countPapers()).rejects.toThrow(/ECONNREFUSED|connect/);
    await store.close();
  });
});

describe('PostgreSQL under concurrent writers', () => {
  it('merges overlapping upserts from several nodes without losing or doubling a paper', async () => {
    const nodes = [
      new PostgresStore(database.url),
      new PostgresStore(database.url),
      new PostgresStore(database.url),
    ];
    try {
      await nodes[0]?.countPapers();
      // Each node brings the same 300 papers (in its own order) and a few of its own, with different votes.
      const shared = (node: number) =>
        Array.from({ length: 300 }, (_, i) =>
          paper(`2503.${String(i).padStart(5, '0')}`, { upvotes: node * 10 + (i % 7) }),
        );
      const summaries = await Promise.all(
        nodes.map((store, node) => {
          const own = Array.from({ length: 20 }, (_, i) =>
            paper(`2504.${node}${String(i).padStart(4, '0')}`),
          );
          const mine = [...shared(node), ...own];
          return store.upsertPapers(node % 2 ? mine.reverse() : mine);
        }),
      );
      const inserted = summaries.reduce((sum, s) => sum + s.inserted, 0);
      const processed = summaries.reduce((sum, s) => sum + s.inserted + s.updated + s.unchanged, 0);
      expect(inserted).toBe(360);
      expect(processed).toBe(3 * 320);
      expect(await nodes[1]?.countPapers()).toBe(360);
      // Imported votes only grow: the largest of the three wins whatever the order of commits.
      for (const i of [0, 1, 6, 299]) {
        expect((await nodes[2]?.getPaper(`2503.${String(i).padStart(5, '0')}`))?.upvotes).toBe(20 + (i % 7));
      }
    } finally {
      await Promise.all(nodes.map((store) => store.close()));
    }
  });

  it('counts votes cast through different nodes once each', async () => {
    const [a, b] = [new PostgresStore(database.url), new PostgresStore(database.url)];
    try {
      await a.upsertPapers([paper('2503.00001')]);
      const users = await Promise.all(
        Array.from({ length: 10 }, async (_, i) => {
          const created = await a.createUser({
            username: `u${i}`,
            email: `u${i}@example.org`,
            passwordHash: 'h',
            createdAt: '',
          });
          if (!created.ok) throw new Error('user exists');
          return created.user;
        }),
      );
      await Promise.all(
        users.map((user, i) => (i % 2 ? a : b).toggleVote(user.id, '2503.00001', new Date())),
      );
      expect((await b.getPaper('2503.00001'))?.upvotes).toBe(10);
      expect(await a.votedPaperIds(users[3]?.id ?? 0, ['2503.00001'])).toEqual(new Set(['2503.00001']));
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe('PostgreSQL search plans', () => {
  it('ranks only candidates when a query matches too much, and every match when they do not fill the page', async () => {
    // Tiny limits make a 40-paper corpus "too big": the plan ranks papers with the rarer word first.
    const store = new PostgresStore(database.url, {
      searchLimits: { maxWords: 32, fullPostings: 10, candidatePostings: 5 },
    });
    try {
      await store.upsertPapers(
        Array.from({ length: 40 }, (_, i) =>
          paper(`2503.${String(i).padStart(5, '0')}`, {
            title: i < 3 ? `Sparse routing ${i}` : i < 8 ? `Routing study ${i}` : `Paper ${i}`,
            abstract: i < 15 ? 'We study routing in networks.' : 'Nothing related here.',
          }),
        ),
      );
      const search = (q: string, offset: number) =>
        store.search({ query: parseQuery(q), filters: {}, sort: 'relevance', offset, limit: 10 });
      // 15 papers have "routing", 3 of them "sparse" too: those are ranked first (the candidates), then
      // the page fills from the other matches.
      const page = await search('sparse routing', 0);
      expect(page.total).toBe(15);
      expect(page.items).toHaveLength(10);
      expect(new Set(page.items.slice(0, 3).map((hit) => hit.paper.id))).toEqual(
        new Set(['2503.00000', '2503.00001', '2503.00002']),
      );
      const scores = page.items.map((hit) => hit.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      // A lone frequent word ranks the papers with it in the title (8), and all 15 for a page past them.
      expect(
        (await search('routing', 0)).items.slice(0, 8).every((hit) => /routing/i.test(hit.paper.title)),
      ).toBe(true);
      const deep = await search('routing', 10);
      expect({ items: deep.items.length, total: deep.total }).toEqual({ items: 5, total: 15 });
    } finally {
      await store.close();
    }
  });
});

describe('choosing the adapter', () => {
  it('opens PostgreSQL for a DATABASE_URL and SQLite at PAPERBOY_DB otherwise', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paperboy-open-'));
    try {
      const env = { PAPERBOY_DB: join(dir, 'paperboy.db'), PAPERBOY_SECRET: 'x'.repeat(32) };
      const sqlite = openStore(loadConfig(env));
      expect(sqlite).toBeInstanceOf(SqliteStore);
      await sqlite.close();
      for (const url of [database.url, database.url.replace(/^postgresql:/, 'postgres:')]) {
        const store = openStore(loadConfig({ ...env, DATABASE_URL: url }));
        expect(store).toBeInstanceOf(PostgresStore);
        expect(await store.countPapers()).toBe(0);
        await store.close();
      }
      expect(() => loadConfig({ ...env, DATABASE_URL: 'mysql://localhost/db' })).toThrow(ConfigError);
      expect(() => loadConfig({ ...env, DATABASE_URL: 'mysql://localhost/db' })).toThrow(
        /DATABASE_URL: must be a postgres/,
      );
      const { PAPERBOY_SECRET: _, ...unsigned } = { ...env, DATABASE_URL: database.url };
      expect(() => loadConfig(unsigned)).toThrow(/PAPERBOY_SECRET must be set with DATABASE_URL/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
