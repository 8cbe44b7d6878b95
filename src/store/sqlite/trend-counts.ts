import type { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { startWorker } from '../../ops/worker.js';
import { expectedMatches } from '../../search/plan.js';
import type { ParsedQuery } from '../../search/query.js';
import { stem } from '../../search/terms.js';
import type { SearchFilters } from '../store.js';
import type { FtsStats } from './fts-stats.js';
import { searchFromSql, toFtsMatch } from './fts-query.js';

/** Matches a topic trend counts before it counts every stride-th row id only. */
const TREND_SAMPLE = 10_000;
/** A prefix's matches are counted up to TREND_SAMPLE times this, the largest stride they then need. */
const TREND_MAX_STRIDE = 10;

/** Matches of a search per month ("2025-03"), scaled up from a sample when `estimated`. */
export interface TrendCounts {
  counts: [month: string, count: number][];
  estimated: boolean;
}

/** What a trend is counted for: a plan's query (the words the search itself matches) and the filters. */
export interface TrendRequest {
  query: ParsedQuery;
  filters: SearchFilters;
}

/**
 * Counts a search's matches per month of feed day. Counting reads every match's day. Past about
 * TREND_SAMPLE matches (judged from the words' document frequencies, which cost nothing), an even spread
 * of row ids stands for the rest: papers arrive in feed order, so every month is thinned alike. Run inside
 * a read transaction, with `stats` refreshed in it.
 */
export function countTrend(
  db: Database.Database,
  stats: FtsStats,
  { query, filters }: TrendRequest,
): TrendCounts {
  const match = toFtsMatch(query);
  if (!match) return { counts: [], estimated: false };
  const sql = searchFromSql(filters, true);
  const expected = expectedMatches(query, (word) => stats.frequency(stem(word.text)));
  const matches = Number.isFinite(expected)
    ? expected
    : // A prefix's frequency is unknown until the index expands it; counted as far as the stride needs.
      (db
        .prepare('SELECT count(*) FROM (SELECT 1 FROM papers_fts WHERE papers_fts MATCH ? LIMIT ?)')
        .pluck()
        .get(match, TREND_SAMPLE * TREND_MAX_STRIDE) as number);
  const stride = Math.max(1, Math.ceil(matches / TREND_SAMPLE));
  const rows = db
    .prepare(
      `SELECT substr(f.feed_date, 1, 7) AS month, count(*) AS count ${sql.from}
         ${stride > 1 ? 'AND papers_fts.rowid % @stride = 0' : ''} GROUP BY month`,
    )
    .raw()
    .all({ ...sql.params, match, ...(stride > 1 ? { stride } : {}) }) as [string, number][];
  return { counts: rows.map(([month, count]) => [month, count * stride]), estimated: stride > 1 };
}

/**
 * Trends waiting for the worker at most. Past it the worker is far behind (a search page waits for its trend
 * only briefly): a new request fails at once rather than queue behind them or run on the server's thread.
 */
const MAX_WAITING = 16;

export class TrendWorkerBusy extends Error {
  constructor() {
    super(`the trend worker has ${MAX_WAITING} trends waiting`);
  }
}

export type TrendWorkerRequest = TrendRequest & { id: number };
export type TrendWorkerReply = { id: number } & ({ trend: TrendCounts } | { error: string });

/**
 * Topic trends counted in a worker thread over a read-only connection of its own. A common topic's trend
 * reads hundreds of thousands of postings at a million papers (a tenth of a second and more); on the
 * server's thread that would hold up every other request, while the machine's second core sits idle.
 * Requests are answered in order; a worker that fails is replaced on the next request.
 */
export class TrendWorker {
  private worker: Worker | null = null;
  private nextId = 0;
  private readonly pending = new Map<
    number,
    { resolve: (t: TrendCounts) => void; reject: (e: Error) => void }
  >();

  constructor(private readonly path: string) {}

  count(request: TrendRequest): Promise<TrendCounts> {
    if (this.pending.size >= MAX_WAITING) return Promise.reject(new TrendWorkerBusy());
    const worker = (this.worker ??= this.start());
    const id = this.nextId++;
    return new Promise<TrendCounts>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({ ...request, id } satisfies TrendWorkerRequest);
    });
  }

  private start(): Worker {
    const worker = startWorker(new URL('./trend-worker', import.meta.url), this.path);
    worker.on('message', (reply: TrendWorkerReply) => {
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      // An idle worker must not keep a command that searched once from ending.
      if (this.pending.size === 0) worker.unref();
      if ('trend' in reply) waiting?.resolve(reply.trend);
      else waiting?.reject(new Error(reply.error));
    });
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = null;
      for (const { reject } of this.pending.values()) reject(error);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the trend worker stopped (exit code ${code})`)));
    return worker;
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    await worker?.terminate();
  }
}
