/**
 * PostgreSQL benchmark: the figures of bench/import.ts and bench/search.ts on the PostgreSQL adapter.
 * Imports the 74,728-paper arXiv listings file (../shared/corpus/arxiv-listings-2025-2026.jsonl.gz)
 * through the real importer into a scratch database, imports it again (nothing changes), then times
 * the fixed query mix of bench/search.ts (cold and warm passes) and its ten pasted abstracts.
 *
 *   npx tsx bench/pg.ts [--url postgresql://…/db]   (--url: a database that already holds the corpus)
 *
 * The server is PAPERBOY_TEST_PG_URL's (default postgresql://postgres@127.0.0.1:5432/test); the scratch
 * database is dropped at the end. Prints one JSON object; times in ms unless named seconds.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { parseQuery } from '../src/search/query.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { createScratchDatabase } from '../test/support/pg.js';
import { timeImport } from './import.js';
import { SEARCH_MIX, summarize } from './search.js';

const round = (value: number, digits = 2): number => Number(value.toFixed(digits));

async function importCorpus(store: PostgresStore) {
  const timed = await timeImport(store);
  // What autovacuum does shortly after a bulk load; timed apart so that it is not taken for search time.
  const started = performance.now();
  await store.pool.query('VACUUM ANALYZE');
  return { ...timed, vacuumAnalyzeSeconds: round((performance.now() - started) / 1000) };
}

/** The ten pasted abstracts of bench/search.ts: long abstracts spread over the corpus, cut to 250 words. */
async function pastedAbstracts(store: PostgresStore): Promise<string[]> {
  const { rows } = await store.pool.query<{ abstract: string }>(
    `SELECT abstract FROM papers WHERE length(abstract) > 1700 ORDER BY id COLLATE "C"`,
  );
  const step = Math.max(1, Math.floor(rows.length / 10));
  return Array.from({ length: 10 }, (_, i) => rows[i * step]?.abstract ?? '')
    .filter(Boolean)
    .map((text) => text.split(/\s+/).slice(0, 250).join(' '));
}

async function searchBench(store: PostgresStore) {
  const pasted = await pastedAbstracts(store);
  const time = async (q: string, filters = {}, sort: 'relevance' | 'newest' | 'upvotes' = 'relevance') => {
    const started = performance.now();
    await store.search({ query: parseQuery(q), filters, sort, offset: 0, limit: 20 });
    return performance.now() - started;
  };
  const passes = [];
  for (let pass = 0; pass < 2; pass++) {
    const ordinary: { label: string; kind: string; ms: number }[] = [];
    for (const query of SEARCH_MIX) {
      const ms = await time(query.q, query.filters, query.sort);
      ordinary.push({
        label: `${query.q} ${JSON.stringify(query.filters ?? {})} ${query.sort ?? ''}`,
        kind: query.kind,
        ms,
      });
    }
    const abstracts: number[] = [];
    for (const q of pasted) abstracts.push(await time(q));
    passes.push({ ordinary, abstracts });
  }
  const [cold, warm] = passes as [(typeof passes)[0], (typeof passes)[0]];
  const byKind = Object.fromEntries(
    [...new Set(SEARCH_MIX.map((q) => q.kind))].map((kind) => [
      kind,
      summarize(cold.ordinary.filter((r) => r.kind === kind).map((r) => r.ms)),
    ]),
  );
  return {
    cold: {
      ordinary: summarize(cold.ordinary.map((r) => r.ms)),
      pastedAbstract: summarize(cold.abstracts),
      slowest: [...cold.ordinary]
        .sort((a, b) => b.ms - a.ms)
        .slice(0, 5)
        .map((r) => ({ q: r.label.trim(), ms: round(r.ms) })),
    },
    warm: { ordinary: summarize(warm.ordinary.map((r) => r.ms)), pastedAbstract: summarize(warm.abstracts) },
    byKind,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { url: { type: 'string' } } });
  const scratch = values.url ? null : await createScratchDatabase();
  const store = new PostgresStore(values.url ?? scratch?.url ?? '');
  try {
    const { rows } = await store.pool.query<{ server_version: string }>('SHOW server_version');
    const imported = scratch ? await importCorpus(store) : null;
    const search = await searchBench(store);
    console.log(
      JSON.stringify(
        {
          database: `PostgreSQL ${rows[0]?.server_version ?? '?'}`,
          papers: await store.countPapers(),
          import: imported,
          search,
          loadAverage: round(loadavg()[0] ?? 0),
        },
        null,
        2,
      ),
    );
  } finally {
    await store.close();
    await scratch?.drop();
  }
}

await main();
