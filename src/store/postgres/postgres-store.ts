import type pg from 'pg';
import type {
  HarvestCheckpoint,
  HarvestCounts,
  HarvestRun,
  HarvestRunStatus,
  PaperRevision,
} from '../../ingest/harvest-state.js';
import { mergePaper } from '../../model/merge.js';
import type { Paper, PaperInput } from '../../model/paper.js';
import { distinctiveWords } from '../../search/similar.js';
import { inverseDocumentFrequency } from '../../search/bm25.js';
import { planSearch, type SearchLimits } from '../../search/plan.js';
import { type ParsedQuery, tokenize } from '../../search/query.js';
import { stem } from '../../search/terms.js';
import {
  type HarvestCheckpointRow,
  type HarvestRunRow,
  PAPER_COLUMNS,
  paperParams,
  type PaperRow,
  rowToHarvestCheckpoint,
  rowToHarvestRun,
  rowToPaper,
} from '../rows.js';
import type {
  FeedNeighbours,
  FeedQuery,
  FeedSort,
  PageOf,
  SearchHit,
  SearchPage,
  SearchRequest,
  Store,
  UpsertSummary,
} from '../store.js';
import { SEARCH_TOTAL_CAP } from '../store.js';
import { changesOf, dayCondition, paperFields, rowsOf, TS_CONFIG } from './base.js';
import { PgRecommend } from './recommend.js';
import {
  matchConditions,
  normalizeQuery,
  Params,
  rankExpression,
  type SearchRow,
  searchStatement,
  tsQueryParam,
  type WeightedPlan,
  withEllipses,
} from './search-sql.js';
import { TermStats } from './term-stats.js';
import type { InstanceRecord } from '../instance/records.js';
import { restoreRecords, type RestoreSummary } from '../instance/restore.js';
import { exportPostgres, runPlansPostgres } from './instance.js';

const COLUMNS = PAPER_COLUMNS.split(',').map((column) => column.trim());
/** SQL types of the written columns, for unnest(); the others are text. */
const COLUMN_TYPES: Record<string, string> = {
  is_arxiv: 'boolean',
  version: 'integer',
  feed_date: 'date',
  upvotes: 'integer',
  github_stars: 'integer',
};
const columnType = (column: string): string => COLUMN_TYPES[column] ?? 'text';

/** The papers as one array per column, for statements that take any number of rows in a few parameters. */
function paperColumns(papers: PaperInput[]): unknown[][] {
  const columns: unknown[][] = COLUMNS.map(() => []);
  for (const paper of papers) paperParams(paper).forEach((value, i) => columns[i]?.push(value));
  return columns;
}

/** unnest() over paperColumns() bound from parameter `firstParam` on. */
const unnestPapers = (firstParam: number): string =>
  COLUMNS.map((column, i) => `$${firstParam + i}::${columnType(column)}[]`).join(', ');

const SEARCH_LIMITS: SearchLimits = { maxWords: 32, fullPostings: 8_000, candidatePostings: 4_000 };

const FEED_ORDER: Record<FeedSort, string> = {
  newest: 'feed_date DESC, pk DESC',
  upvotes: 'upvotes DESC, feed_date DESC, pk DESC',
  trending: 'trending_score DESC, pk DESC',
};

/** Stored papers of a transaction, merged with what the call brings. */
interface Pending {
  paper: PaperInput;
  /** Null for a paper new to the store. */
  row: PaperRow | null;
  changed: boolean;
}

/**
 * The Store on PostgreSQL, for several nodes sharing one database. Sections: papers, feeds and search
 * here; community (community.ts) and mail (mail.ts) below it; connection and migrations in base.ts.
 */
export class PostgresStore extends PgRecommend implements Store {
  private readonly termStats = new TermStats(TS_CONFIG);
  private readonly searchLimits: SearchLimits;

  /** `searchLimits` bound how many matches a search ranks (see plan()); tests make them tiny. */
  constructor(connectionString: string, options: { poolSize?: number; searchLimits?: SearchLimits } = {}) {
    super(connectionString, options);
    this.searchLimits = options.searchLimits ?? SEARCH_LIMITS;
  }

  async upsertPapers(papers: PaperInput[]): Promise<UpsertSummary> {
    if (papers.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
    return this.transaction(async (tx) => {
      const summary: UpsertSummary = { inserted: 0, updated: 0, unchanged: 0 };
      // Known papers locked in id order, so that concurrent upserts of overlapping batches cannot deadlock.
      const ids = [...new Set(papers.map((p) => p.id))].sort();
      const stored = await rowsOf<PaperRow>(
        tx,
        `SELECT ${paperFields('p')} FROM papers p WHERE p.id = ANY($1::text[]) ORDER BY p.id FOR UPDATE`,
        [ids],
      );
      const pending = new Map<string, Pending>(
        stored.map((row) => [row.id, { paper: rowToPaper(row), row, changed: false }]),
      );
      for (const incoming of papers) {
        const known = pending.get(incoming.id);
        if (!known) {
          pending.set(incoming.id, { paper: incoming, row: null, changed: true });
          summary.inserted++;
          continue;
        }
        const merged = mergePaper(known.paper, incoming);
        if (!merged) {
          summary.unchanged++;
          continue;
        }
        known.paper = merged;
        known.changed = true;
        summary.updated++;
      }
      const fresh = [...pending.values()].filter((p) => p.row === null).map((p) => p.paper);
      const raced = await this.insertPapers(tx, fresh);
      // Papers another node inserted since the lock was taken: merged into its rows like any known paper.
      if (raced.length > 0) {
        const rows = await rowsOf<PaperRow>(
          tx,
          `SELECT ${paperFields('p')} FROM papers p WHERE p.id = ANY($1::text[]) ORDER BY p.id FOR UPDATE`,
          [raced.map((p) => p.id)],
        );
        for (const row of rows) {
          const ours = pending.get(row.id);
          if (!ours) continue;
          const merged = mergePaper(rowToPaper(row), ours.paper);
          summary.inserted--;
          summary[merged ? 'updated' : 'unchanged']++;
          pending.set(row.id, { paper: merged ?? ours.paper, row, changed: merged !== null });
        }
      }
      await this.updatePapers(
        tx,
        [...pending.values()].filter((p) => p.row !== null && p.changed),
      );
      return summary;
    });
  }

  /** Inserts papers with their categories; returns those another transaction inserted first. */
  private async insertPapers(tx: pg.PoolClient, papers: PaperInput[]): Promise<PaperInput[]> {
    if (papers.length === 0) return [];
    papers.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const inserted = await rowsOf<{ pk: number; id: string }>(
      tx,
      `INSERT INTO papers (${PAPER_COLUMNS}) SELECT * FROM unnest(${unnestPapers(1)})
       ON CONFLICT (id) DO NOTHING RETURNING pk, id`,
      paperColumns(papers),
    );
    const pks = new Map(inserted.map(({ pk, id }) => [id, pk]));
    await this.addCategories(
      tx,
      papers.flatMap((p) => {
        const pk = pks.get(p.id);
        return pk === undefined ? [] : [{ pk, categories: p.categories }];
      }),
    );
    return papers.filter((p) => !pks.has(p.id));
  }

  private async updatePapers(tx: pg.PoolClient, papers: Pending[]): Promise<void> {
    if (papers.length === 0) return;
    const rows = papers.flatMap(({ paper, row }) => (row ? [{ paper, row }] : []));
    await changesOf(
      tx,
      `UPDATE papers AS p SET (${PAPER_COLUMNS}) = (${COLUMNS.map((c) => `u.${c}`).join(', ')})
       FROM unnest($1::bigint[], ${unnestPapers(2)}) AS u(pk, ${PAPER_COLUMNS})
       WHERE p.pk = u.pk`,
      [rows.map(({ row }) => row.pk), ...paperColumns(rows.map(({ paper }) => paper))],
    );
    const recategorised = rows.filter(({ paper, row }) => paper.categories.join(' ') !== row.categories);
    if (recategorised.length === 0) return;
    await changesOf(tx, 'DELETE FROM paper_categories WHERE paper_pk = ANY($1::bigint[])', [
      recategorised.map(({ row }) => row.pk),
    ]);
    await this.addCategories(
      tx,
      recategorised.map(({ paper, row }) => ({ pk: row.pk, categories: paper.categories })),
    );
  }

  private async addCategories(
    tx: pg.PoolClient,
    papers: { pk: number; categories: string[] }[],
  ): Promise<void> {
    const pairs = papers.flatMap(({ pk, categories }) =>
      categories.map((category) => [category, pk] as const),
    );
    if (pairs.length === 0) return;
    await changesOf(
      tx,
      `INSERT INTO paper_categories (category, paper_pk)
       SELECT * FROM unnest($1::text[], $2::bigint[]) ON CONFLICT DO NOTHING`,
      [pairs.map(([category]) => category), pairs.map(([, pk]) => pk)],
    );
  }

  async getPaper(id: string): Promise<Paper | null> {
    // Papers hidden by a moderator are gone for every reader (see moderate()).
    const row = await this.row<PaperRow>(
      `SELECT ${paperFields('p')} FROM papers p WHERE p.id = $1 AND p.hidden_at IS NULL`,
      [id],
    );
    return row ? rowToPaper(row) : null;
  }

  async countPapers(): Promise<number> {
    return (await this.row<{ n: number }>('SELECT count(*) AS n FROM papers'))?.n ?? 0;
  }

  async dataVersion(): Promise<string> {
    // Every commit, by any node, writes a WAL record and so moves the insert position (so does other work
    // on the server: a cache then misses more often, never serves stale data).
    return (await this.row<{ lsn: string }>('SELECT pg_current_wal_insert_lsn()::text AS lsn'))?.lsn ?? '';
  }

  async latestFeedDay(): Promise<string | null> {
    return (await this.row<{ day: string | null }>('SELECT max(feed_date) AS day FROM papers'))?.day ?? null;
  }

  async feedNeighbours(from: string, to: string): Promise<FeedNeighbours> {
    const row = await this.row<{ previous: string | null; next: string | null }>(
      `SELECT (SELECT max(feed_date) FROM papers WHERE ${dayCondition('feed_date', '<', '$1', from)}) AS previous,
              (SELECT min(feed_date) FROM papers WHERE ${dayCondition('feed_date', '>', '$2', to)}) AS next`,
      [from, to],
    );
    return { previous: row?.previous ?? null, next: row?.next ?? null };
  }

  async listFeed(query: FeedQuery): Promise<PageOf<Paper>> {
    const params = new Params();
    const where = [
      dayCondition('feed_date', '>=', params.add(query.from), query.from),
      dayCondition('feed_date', '<=', params.add(query.to), query.to),
      'hidden_at IS NULL',
    ];
    if (query.submitter) where.push(`submitter_user = ${params.add(query.submitter)}`);
    const order = FEED_ORDER[query.sort];
    // Pages over the narrow sort keys first, then reads only the page's rows: sorting whole rows would
    // carry every abstract of a month through the sort to show thirty.
    const rows = await this.rows<PaperRow & { total: number }>(
      `WITH visible AS (
         SELECT pk, feed_date, upvotes, trending_score FROM papers WHERE ${where.join(' AND ')}
       ), page AS (
         SELECT pk, row_number() OVER (ORDER BY ${order}) AS ord FROM visible
         ORDER BY ${order} LIMIT ${params.add(query.limit)} OFFSET ${params.add(query.offset)}
       )
       SELECT ${query.count === false ? '0' : '(SELECT count(*) FROM visible)'} AS total, ${paperFields('p')}
       FROM (SELECT 1) AS always LEFT JOIN (page JOIN papers p ON p.pk = page.pk) ON true
       ORDER BY page.ord`,
      params.values,
    );
    const items = rows.filter((row) => row.pk !== null).map(rowToPaper);
    return { items, total: query.count === false ? query.offset + items.length : (rows[0]?.total ?? 0) };
  }

  async search(request: SearchRequest): Promise<SearchPage> {
    return this.searching(async (tx) => {
      const { plan, idf } = await this.plan(tx, request.query);
      // Every word is in most papers: relevance cannot tell them apart, the newest come first (as in SQLite).
      const sort = plan.unranked && request.sort === 'relevance' ? 'newest' : request.sort;
      const normalized = await normalizeQuery(
        tx,
        plan.query,
        sort === 'relevance',
        plan.candidates,
        request.query,
        idf,
      );
      if (!normalized) return { items: [], total: 0, totalCapped: false };
      const page = (narrowed: boolean) => {
        const { sql, params } = searchStatement(normalized, { ...request, sort }, narrowed);
        return rowsOf<PaperRow & SearchRow>(tx, sql, params);
      };
      let rows = await page(true);
      const first = rows[0];
      // The candidates ran out before the page did, yet the whole query has more: rank every match.
      if (first && first.ranked < first.total && first.ranked < request.offset + request.limit)
        rows = await page(false);
      const items = rows.flatMap((row): SearchHit[] =>
        row.pk === null
          ? []
          : [
              {
                paper: rowToPaper(row),
                score: row.score ?? 0,
                titleHighlighted: row.title_hl ?? row.title,
                snippet: withEllipses(row.abstract, row.snippet ?? ''),
              },
            ],
      );
      const counted = rows[0]?.total ?? 0;
      return { items, total: Math.min(counted, SEARCH_TOTAL_CAP), totalCapped: counted > SEARCH_TOTAL_CAP };
    });
  }

  /**
   * Which words a search reads (search/plan.ts), from the words' document frequencies, with bounds of its
   * own: ranking a match costs PostgreSQL more than SQLite (it reads the paper's search vector from the
   * table, where FTS5 reads the index), so fewer matches are ranked in full.
   */
  protected async plan(tx: pg.PoolClient, query: ParsedQuery): Promise<WeightedPlan> {
    const words = query.should.filter((word) => !word.prefix).map((word) => word.text);
    const { documents, frequencies } = await this.termStats.lookup(tx, words);
    return {
      plan: planSearch(query, (word) => frequencies.get(word.text) ?? 0, documents, this.searchLimits),
      // How many papers a prefix matches is not looked up: it weighs as a word in a quarter of them (idf ≈ 1).
      idf: (word) => {
        const df = word.prefix ? undefined : frequencies.get(word.text);
        return df === undefined ? 1 : inverseDocumentFrequency(documents, df);
      },
    };
  }

  protected async documentFrequencies(tx: pg.PoolClient, words: string[]): Promise<Map<string, number>> {
    return (await this.termStats.lookup(tx, words)).frequencies;
  }

  async similarPapers(id: string, limit: number): Promise<Paper[]> {
    if (limit <= 0) return [];
    return this.searching(async (tx) => {
      const [paper] = await rowsOf<{ pk: number; title: string; abstract: string }>(
        tx,
        'SELECT pk, title, abstract FROM papers WHERE id = $1 AND hidden_at IS NULL',
        [id],
      );
      if (!paper) return [];
      const paperWords = [...tokenize(paper.title), ...tokenize(paper.abstract)];
      const { documents, frequencies } = await this.termStats.lookup(tx, paperWords);
      // similar.ts asks by index term (Porter stem); words sharing a stem share their largest count.
      const byTerm = new Map<string, number>();
      for (const word of paperWords) {
        const term = stem(word);
        byTerm.set(term, Math.max(frequencies.get(word) ?? 0, byTerm.get(term) ?? 0));
      }
      const words = distinctiveWords(paper, (term) => byTerm.get(term) ?? 0, documents);
      const normalized = await normalizeQuery(tx, { should: words, must: [], not: [] }, false);
      if (!normalized) return [];
      const params = new Params();
      const query = tsQueryParam(params, normalized.match);
      const rows = await rowsOf<PaperRow>(
        tx,
        `SELECT ${paperFields('p')} FROM papers p
         WHERE ${matchConditions(params, query, {})} AND p.pk <> ${params.add(paper.pk)}
         ORDER BY ${rankExpression(query)} DESC, p.pk DESC LIMIT ${params.add(limit)}`,
        params.values,
      );
      return rows.map(rowToPaper);
    });
  }

  async categories(): Promise<{ category: string; count: number }[]> {
    return this.rows<{ category: string; count: number }>(
      'SELECT category, count(*) AS count FROM paper_categories GROUP BY category ORDER BY count DESC, category',
    );
  }

  // --- harvest (arXiv ingestion) ---
  async paperRevisions(ids: string[]): Promise<Map<string, PaperRevision>> {
    const rows = await this.rows<{
      id: string;
      version: number | null;
      updated_at: string | null;
      feed_date: string;
    }>('SELECT id, version, updated_at, feed_date FROM papers WHERE id = ANY($1::text[])', [ids]);
    return new Map(
      rows.map((r) => [r.id, { version: r.version, updatedAt: r.updated_at, feedDate: r.feed_date }]),
    );
  }

  async harvestCheckpoint(set: string): Promise<HarvestCheckpoint | null> {
    const row = await this.row<HarvestCheckpointRow>(
      'SELECT * FROM harvest_checkpoints WHERE set_spec = $1',
      [set],
    );
    return row ? rowToHarvestCheckpoint(row) : null;
  }

  async startHarvestRun(run: {
    set: string;
    from: string | null;
    until: string | null;
    resumed: boolean;
    owner: string;
  }): Promise<number> {
    const now = new Date().toISOString();
    return this.transaction(async (tx) => {
      await changesOf(
        tx,
        `UPDATE harvest_runs SET status = 'interrupted', finished_at = $1 WHERE set_spec = $2 AND status = 'running'`,
        [now, run.set],
      );
      const [row] = await rowsOf<{ id: number }>(
        tx,
        `INSERT INTO harvest_runs (set_spec, from_date, until_date, resumed, owner, started_at, status)
         VALUES ($1, $2, $3, $4, $5, $6, 'running') RETURNING id`,
        [run.set, run.from, run.until, run.resumed, run.owner, now],
      );
      if (!row) throw new Error('INSERT … RETURNING returned no row');
      return row.id;
    });
  }

  async commitHarvestPage(page: {
    runId: number;
    deletedIds: string[];
    checkpoint: HarvestCheckpoint;
    counts: HarvestCounts;
  }): Promise<void> {
    const { checkpoint, counts } = page;
    await this.transaction(async (tx) => {
      if (page.deletedIds.length > 0) {
        await changesOf(tx, 'DELETE FROM papers WHERE id = ANY($1::text[])', [page.deletedIds]);
      }
      await changesOf(
        tx,
        `INSERT INTO harvest_checkpoints
           (set_spec, last_datestamp, pending_token, pending_from, pending_until, pending_pages, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (set_spec) DO UPDATE SET last_datestamp = excluded.last_datestamp,
           pending_token = excluded.pending_token, pending_from = excluded.pending_from,
           pending_until = excluded.pending_until, pending_pages = excluded.pending_pages,
           updated_at = excluded.updated_at`,
        [
          checkpoint.set,
          checkpoint.lastDatestamp,
          checkpoint.pending?.resumptionToken ?? null,
          checkpoint.pending?.from ?? null,
          checkpoint.pending?.until ?? null,
          checkpoint.pending?.pages ?? 0,
          new Date().toISOString(),
        ],
      );
      await changesOf(
        tx,
        `UPDATE harvest_runs SET pages = $1, records = $2, inserted = $3, updated = $4, unchanged = $5,
           deleted = $6, skipped = $7 WHERE id = $8`,
        [
          counts.pages,
          counts.records,
          counts.inserted,
          counts.updated,
          counts.unchanged,
          counts.deleted,
          counts.skipped,
          page.runId,
        ],
      );
    });
  }

  async finishHarvestRun(
    runId: number,
    outcome: { status: Exclude<HarvestRunStatus, 'running'>; error: string | null },
  ): Promise<void> {
    await this.changes('UPDATE harvest_runs SET status = $1, error = $2, finished_at = $3 WHERE id = $4', [
      outcome.status,
      outcome.error,
      new Date().toISOString(),
      runId,
    ]);
  }

  async lastHarvestRuns(limit: number): Promise<HarvestRun[]> {
    const rows = await this.rows<HarvestRunRow>('SELECT * FROM harvest_runs ORDER BY id DESC LIMIT $1', [
      limit,
    ]);
    return rows.map(rowToHarvestRun);
  }

  // --- instance export and restore (src/store/instance) ---
  async *exportRecords(): AsyncGenerator<InstanceRecord> {
    await this.ready;
    yield* exportPostgres(this.pool);
  }

  async importRecords(records: InstanceRecord[]): Promise<RestoreSummary> {
    return restoreRecords(
      {
        backend: 'postgres',
        upsertPapers: (papers) => this.upsertPapers(papers),
        runPlans: (updates, plans) => this.transaction((tx) => runPlansPostgres(tx, updates, plans)),
      },
      records,
    );
  }
}
