/**
 * Relevance harness: imports a BEIR collection into a scratch store, runs its queries through the
 * same search path the API and the web app use (parseQuery → Store.search, relevance order) and
 * prints nDCG@10, Recall@100, MRR@10 and latency as JSON.
 *
 *   npm run bench:relevance [-- --dir ../shared/relevance/scifact --queries queries-train.jsonl --qrels qrels-train.tsv]
 *   npm run bench:relevance -- --store postgres   (a scratch database on PAPERBOY_TEST_PG_URL)
 *
 * Any BEIR-format folder works (corpus.jsonl[.gz] of {_id, title, text}, queries JSONL of {_id, text},
 * qrels TSV of query-id, corpus-id, score with a header line), so held-out sets run the same way.
 */
import { createReadStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { emptyPaper, type PaperInput } from '../src/model/paper.js';
import { mean, ndcgAt, percentile, recallAt, reciprocalRankAt } from '../src/search/metrics.js';
import { parseQuery } from '../src/search/query.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { Store } from '../src/store/store.js';
import { createScratchDatabase } from '../test/support/pg.js';
import { sharedPath } from '../test/support/shared.js';

const { values: args } = parseArgs({
  options: {
    dir: { type: 'string' },
    queries: { type: 'string', default: 'queries-train.jsonl' },
    qrels: { type: 'string', default: 'qrels-train.tsv' },
    store: { type: 'string', default: 'sqlite' },
  },
});

async function* jsonLines(path: string): AsyncGenerator<Record<string, unknown>> {
  const input = createReadStream(path);
  const lines = createInterface({ input: path.endsWith('.gz') ? input.pipe(createGunzip()) : input });
  for await (const line of lines) if (line.trim()) yield JSON.parse(line) as Record<string, unknown>;
}

async function readLines(path: string): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of createInterface({ input: createReadStream(path) })) lines.push(line);
  return lines;
}

/** Scratch papers get a local id that maps back to the collection's document id. */
const paperId = (docId: string): string => `pb-beir-${docId}`;

async function importCorpus(store: Store, dir: string): Promise<number> {
  const file = ['corpus.jsonl.gz', 'corpus.jsonl'].map((name) => join(dir, name)).find((p) => existsSync(p));
  if (!file) throw new Error(`no corpus.jsonl[.gz] in ${dir}`);
  let batch: PaperInput[] = [];
  let count = 0;
  for await (const doc of jsonLines(file)) {
    const title = String(doc.title ?? '');
    batch.push({
      ...emptyPaper(paperId(String(doc._id)), title, '2020-01-01'),
      abstract: String(doc.text ?? ''),
    });
    if (batch.length === 2000) {
      count += (await store.upsertPapers(batch)).inserted;
      batch = [];
    }
  }
  count += (await store.upsertPapers(batch)).inserted;
  return count;
}

async function main(): Promise<void> {
  const dir = args.dir ? resolve(args.dir) : sharedPath('relevance/scifact');
  if (args.store !== 'sqlite' && args.store !== 'postgres') throw new Error('--store is sqlite or postgres');
  const scratch = mkdtempSync(join(tmpdir(), 'paperboy-relevance-'));
  const database = args.store === 'postgres' ? await createScratchDatabase() : null;
  const store = database ? new PostgresStore(database.url) : new SqliteStore(join(scratch, 'relevance.db'));
  try {
    const importStart = performance.now();
    const documents = await importCorpus(store, dir);
    const importSeconds = (performance.now() - importStart) / 1000;

    const judgements = new Map<string, Map<string, number>>();
    for (const line of (await readLines(join(dir, args.qrels))).slice(1)) {
      const [queryId, docId, grade] = line.split('\t');
      if (!queryId || !docId) continue;
      if (!judgements.has(queryId)) judgements.set(queryId, new Map());
      judgements.get(queryId)?.set(docId, Number(grade));
    }

    const ndcg: number[] = [];
    const recall: number[] = [];
    const mrr: number[] = [];
    const latency: number[] = [];
    const cpu: number[] = [];
    const prefix = paperId('');
    for await (const query of jsonLines(join(dir, args.queries))) {
      const relevant = judgements.get(String(query._id));
      if (!relevant) continue;
      const start = performance.now();
      const cpuStart = process.cpuUsage();
      const page = await store.search({
        query: parseQuery(String(query.text)),
        filters: {},
        sort: 'relevance',
        offset: 0,
        limit: 100,
      });
      latency.push(performance.now() - start);
      const { user, system } = process.cpuUsage(cpuStart);
      cpu.push((user + system) / 1000);
      const ranked = page.items.map((hit) => hit.paper.id.slice(prefix.length));
      ndcg.push(ndcgAt(10, ranked, relevant));
      recall.push(recallAt(100, ranked, relevant));
      mrr.push(reciprocalRankAt(10, ranked, relevant));
    }

    const round = (x: number, digits = 4) => Number(x.toFixed(digits));
    console.log(
      JSON.stringify(
        {
          collection: dir,
          store: args.store,
          queries: ndcg.length,
          documents,
          importSeconds: round(importSeconds, 2),
          'nDCG@10': round(mean(ndcg)),
          'Recall@100': round(mean(recall)),
          'MRR@10': round(mean(mrr)),
          latencyMs: { mean: round(mean(latency), 2), p99: round(percentile(latency, 99), 2) },
          // CPU time of the searches: on a machine shared with other work, what waiting for a core hid.
          cpuMs: { mean: round(mean(cpu), 2), p99: round(percentile(cpu, 99), 2) },
        },
        null,
        2,
      ),
    );
  } finally {
    await store.close();
    await database?.drop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
