import Database from 'better-sqlite3';
import { mergePaper } from '../../model/merge.js';
import type { Paper, PaperInput } from '../../model/paper.js';
import { highlightText, snippetText, termMatcher } from '../../search/highlight.js';
import { bm25, type ScoredColumns } from '../../search/bm25.js';
import type { SearchPlan } from '../../search/plan.js';
import { distinctiveWords } from '../../search/similar.js';
import { stem } from '../../search/terms.js';
import { titlePhrase, titlePhraseFocus } from '../../search/title-phrase.js';
import type { ParsedQuery } from '../../search/query.js';
import type {
  FeedNeighbours,
  FeedQuery,
  PageOf,
  SearchHit,
  SearchPage,
  SearchRequest,
  Store,
  UpsertSummary,
} from '../store.js';
import { SEARCH_TOTAL_CAP } from '../store.js';
import type {
  HarvestCheckpoint,
  HarvestCounts,
  HarvestRun,
  HarvestRunStatus,
  PaperRevision,
} from '../../ingest/harvest-state.js';
import {
  BM25_WEIGHTS,
  facetOrderSql,
  RESCORED_CANDIDATES,
  type ScoredPk,
  searchFromSql,
  SNIPPET_WORDS,
  toFtsMatch,
  toFtsRankedMatch,
} from './fts-query.js';
import { FtsStats } from './fts-stats.js';
import { fillMonths, monthOf } from '../../recommend/months.js';
import type { MonthlyCounts } from '../../recommend/records.js';
import { IndexCache } from './index-cache.js';
import {
  countTrend,
  type TrendCounts,
  type TrendRequest,
  TrendWorker,
  TrendWorkerBusy,
} from './trend-counts.js';
import type { InstanceRecord } from '../instance/records.js';
import { restoreRecords, type RestoreSummary } from '../instance/restore.js';
import { exportSqlite, runPlansSqlite } from './instance.js';
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
import { SqliteRecommend } from './recommend.js';

/** Topic trends kept (see trendCache): one per query and filters, a few hundred bytes each. */
const TREND_CACHE_ENTRIES = 1_000;

/** Document frequencies below this are counted exactly when picking a paper's distinctive words. */
const SIMILAR_COUNT_CAP = 10_000;

/** Paper pages whose similar papers stay cached (a few numbers each). */
const SIMILAR_CACHE_ENTRIES = 20_000;

/**
 * From this many papers in one upsert (an import's or a harvest's batch), its commit leaves checkpointing to
 * the WalCheckpointer; smaller writes keep SQLite's own checkpoint in their commit, which costs them little.
 */
const BACKGROUND_CHECKPOINT_FROM = 500;

// Papers per multi-row INSERT: 23 parameters each stays well under SQLite's 32,766 parameter limit.
const INSERT_CHUNK = 500;

/**
 * The SQLite adapter of the Store interface (better-sqlite3, WAL): papers, feeds, search, harvest state and
 * instance export. Its other sections are the classes it extends: recommend.ts, mail.ts, community.ts, base.ts.
 */
export class SqliteStore extends SqliteRecommend implements Store {
  async upsertPapers(papers: PaperInput[]): Promise<UpsertSummary> {
    const placeholders = PAPER_COLUMNS.split(',')
      .map(() => '?')
      .join(', ');
    const update = this.db.prepare(`UPDATE papers SET (${PAPER_COLUMNS}) = (${placeholders}) WHERE pk = ?`);
    const clearCategories = this.db.prepare('DELETE FROM paper_categories WHERE paper_pk = ?');
    // Categories of many papers in one statement: a bulk import writes about three per paper, and a
    // statement per row cost more in calls than in writing.
    const addCategories = this.sql(
      `INSERT OR IGNORE INTO paper_categories (category, paper_pk)
         SELECT value ->> 0, value ->> 1 FROM json_each(?)`,
    );
    const summary: UpsertSummary = { inserted: 0, updated: 0, unchanged: 0 };
    const writeCategories = (papersCategories: [pk: number | bigint, categories: string[]][]): void => {
      const rows = papersCategories.flatMap(([pk, categories]) =>
        categories.map((category) => [category, pk]),
      );
      if (rows.length > 0) addCategories.run(JSON.stringify(rows));
    };
    const write = this.db.transaction(() => {
      // The stored versions of every paper in the call, in one query.
      const stored = new Map(
        (
          this.sql('SELECT * FROM papers WHERE id IN (SELECT value FROM json_each(?))').all(
            JSON.stringify(papers.map((paper) => paper.id)),
          ) as PaperRow[]
        ).map((row) => [row.id, row]),
      );
      // Papers new to the store, written together at the end; a paper twice in one call is merged first.
      const fresh = new Map<string, PaperInput>();
      for (const incoming of papers) {
        const pending = fresh.get(incoming.id);
        const row = pending ? undefined : stored.get(incoming.id);
        if (!pending && !row) {
          fresh.set(incoming.id, incoming);
          summary.inserted++;
          continue;
        }
        const merged = pending ? mergePaper(pending, incoming) : row && mergePaper(rowToPaper(row), incoming);
        if (!merged) {
          summary.unchanged++;
        } else if (pending) {
          fresh.set(incoming.id, merged);
          summary.updated++;
        } else if (row) {
          update.run(...paperParams(merged), row.pk);
          if (merged.categories.join(' ') !== row.categories) {
            clearCategories.run(row.pk);
            writeCategories([[row.pk, merged.categories]]);
          }
          // A second record of this paper later in the call merges into what was just written.
          const written = this.sql('SELECT * FROM papers WHERE pk = ?').get(row.pk) as PaperRow | undefined;
          if (written) stored.set(row.id, written);
          summary.updated++;
        }
      }
      const inserts = [...fresh.values()];
      let start = 0;
      while (start < inserts.length) {
        // Full chunks, then powers of two: a handful of cached statements fit any count.
        const left = inserts.length - start;
        const size = left >= INSERT_CHUNK ? INSERT_CHUNK : 2 ** Math.floor(Math.log2(left));
        const chunk = inserts.slice(start, start + size);
        start += size;
        // One array of values, not 11,500 spread arguments (storing the 74,728-paper listing, 8 runs each:
        // median 5.7 s against 6.5 s).
        const rows = this.insertPapersStatement(chunk.length).all(chunk.flatMap(paperParams)) as {
          pk: number;
          id: string;
        }[];
        writeCategories(rows.map(({ pk, id }) => [pk, fresh.get(id)?.categories ?? []]));
      }
    });
    if (this.checkpointer && papers.length >= BACKGROUND_CHECKPOINT_FROM) {
      await this.checkpointer.write(() => write.immediate());
    } else {
      write.immediate();
    }
    return summary;
  }

  private readonly insertStatements = new Map<number, Database.Statement>();

  /**
   * One INSERT for many papers. The full-text triggers make SQLite open a savepoint per statement, and
   * FTS5 flushes its pending index at every savepoint: inserting row by row more than doubled the cost
   * of a bulk import (measured on the 74,728-paper arXiv listing).
   */
  private insertPapersStatement(rows: number): Database.Statement {
    let statement = this.insertStatements.get(rows);
    if (!statement) {
      const row = `(${PAPER_COLUMNS.split(',')
        .map(() => '?')
        .join(', ')})`;
      statement = this.db.prepare(
        `INSERT INTO papers (${PAPER_COLUMNS}) VALUES ${Array(rows).fill(row).join(', ')} RETURNING pk, id`,
      );
      this.insertStatements.set(rows, statement);
    }
    return statement;
  }

  async getPaper(id: string): Promise<Paper | null> {
    const row = this.sql('SELECT * FROM papers WHERE id = ?').get(id) as PaperRow | undefined;
    // Papers hidden by a moderator are gone for every reader (see moderate()).
    return row && row.hidden_at === null ? rowToPaper(row) : null;
  }

  async countPapers(): Promise<number> {
    return this.sql('SELECT count(*) FROM papers').pluck().get() as number;
  }

  async dataVersion(): Promise<string> {
    // data_version moves when another connection commits, total_changes() with this connection's writes.
    const { version, changes } = this.sql(
      'SELECT data_version AS version, total_changes() AS changes FROM pragma_data_version',
    ).get() as { version: number; changes: number };
    return `${version}:${changes}`;
  }

  async latestFeedDay(): Promise<string | null> {
    return (this.sql('SELECT max(feed_date) FROM papers').pluck().get() as string | null) ?? null;
  }

  async feedNeighbours(from: string, to: string): Promise<FeedNeighbours> {
    const previous = this.sql('SELECT max(feed_date) FROM papers WHERE feed_date < ?').pluck().get(from);
    const next = this.sql('SELECT min(feed_date) FROM papers WHERE feed_date > ?').pluck().get(to);
    return { previous: (previous as string | null) ?? null, next: (next as string | null) ?? null };
  }

  async listFeed(query: FeedQuery): Promise<PageOf<Paper>> {
    const where = ['feed_date BETWEEN ? AND ?', 'hidden_at IS NULL'];
    const params: unknown[] = [query.from, query.to];
    if (query.submitter) {
      where.push('submitter_user = ?');
      params.push(query.submitter);
    }
    const order = {
      newest: 'feed_date DESC, pk DESC',
      upvotes: 'upvotes DESC, feed_date DESC, pk DESC',
      trending: 'trending_score DESC, pk DESC',
    }[query.sort];
    const sql = `FROM papers WHERE ${where.join(' AND ')}`;
    return this.db.transaction((): PageOf<Paper> => {
      // Page over the index first (papers_visible_by_day holds every sort key), then read only the page's
      // rows: sorting whole rows would read every abstract of a month to show thirty.
      const pks = this.sql(`SELECT pk ${sql} ORDER BY ${order} LIMIT ? OFFSET ?`)
        .pluck()
        .all(...params, query.limit, query.offset) as number[];
      const items = this.papersByPk(pks).map(rowToPaper);
      const total =
        query.count === false
          ? query.offset + items.length
          : (this.sql(`SELECT count(*) ${sql}`)
              .pluck()
              .get(...params) as number);
      return { items, total };
    })();
  }

  private ftsStatsOfConnection: FtsStats | null = null;

  /**
   * The index's statistics, created on first use, after the migrations have made the tables it reads.
   * Public for tests, which look at its term counts.
   */
  get ftsStats(): FtsStats {
    return (this.ftsStatsOfConnection ??= new FtsStats(this.db, {
      path: this.path === ':memory:' ? null : this.path,
      countAllFrom: this.workersFrom,
    }));
  }

  async search(request: SearchRequest): Promise<SearchPage> {
    // One read transaction, so planning, ranking, counting and reading the page see the same snapshot.
    return this.db.transaction((): SearchPage => {
      const plan = this.ftsStats.refresh().plan(request.query);
      const match = toFtsMatch(plan.query);
      if (!match) return { items: [], total: 0, totalCapped: false };
      const sql = searchFromSql(request.filters, false);
      // FTS5 yields matches in row order as it reads them, so the LIMIT stops the count (and the reading).
      const counted = this.sql(`SELECT count(*) FROM (SELECT 1 ${sql.from} LIMIT @cap)`)
        .pluck()
        .get({ ...sql.params, match, cap: SEARCH_TOTAL_CAP + 1 }) as number;
      const totalCapped = counted > SEARCH_TOTAL_CAP;
      const total = Math.min(counted, SEARCH_TOTAL_CAP);
      if (request.sort === 'relevance') {
        const ranked = this.rankByRelevance(
          plan,
          titlePhrase(request.query),
          sql,
          request.offset,
          request.limit,
          total,
        );
        return { items: this.searchHits(ranked, request.query), total, totalCapped };
      }
      // One paper in ten or more matches (a free word is that common): the walk meets a match every few steps.
      const stats = this.ftsStats;
      const dense =
        plan.unranked ||
        plan.query.should.some((w) => !w.prefix && stats.frequency(stem(w.text)) > stats.documents / 10);
      const ordered = facetOrderSql(request.filters, request.sort, dense);
      // No score: bm25() would have to be computed for every match.
      const pks = this.db
        .prepare(ordered.sql)
        .pluck()
        .all({ ...ordered.params, match, limit: request.limit, offset: request.offset }) as number[];
      const unscored = pks.map((pk) => ({ pk, score: 0 }));
      return { items: this.searchHits(unscored, request.query), total, totalCapped };
    })();
  }

  /**
   * A page of the plan's matches by BM25. The first RESCORED_CANDIDATES are reordered when the
   * engine's order is not the final one: a narrowed plan ranks its candidates by an approximate
   * score (see toFtsRankedMatch) that is replaced by the exact one, and a keyword query puts papers
   * with the phrase in their title first (see search/title-phrase). Later pages keep the engine's
   * order, so pages never overlap.
   */
  private rankByRelevance(
    plan: SearchPlan,
    phrase: string[] | null,
    sql: { from: string; params: Record<string, string> },
    offset: number,
    limit: number,
    total: number,
  ): ScoredPk[] {
    const match = toFtsMatch(plan.query);
    const ranked = toFtsRankedMatch(plan);
    if (!match || !ranked) return [];
    // The index walks its matches in row order itself: no score, no sort, it stops at the page.
    const newest = (count: number, skip: number) =>
      this.sql(
        `SELECT papers_fts.rowid AS pk, 0 AS score ${sql.from} ORDER BY papers_fts.rowid DESC LIMIT @limit OFFSET @offset`,
      ).all({ ...sql.params, match, limit: count, offset: skip }) as ScoredPk[];
    if (plan.unranked) return newest(limit, offset);
    const rank = (expression: string, count: number, skip: number) =>
      this.sql(
        `SELECT papers_fts.rowid AS pk, -bm25(papers_fts, ${BM25_WEIGHTS}) AS score ${sql.from}
           ORDER BY score DESC LIMIT @limit OFFSET @offset`,
      ).all({ ...sql.params, match: expression, limit: count, offset: skip }) as ScoredPk[];
    const narrowed = ranked !== match;
    if (!narrowed && !phrase) return rank(match, limit, offset);
    // Read even for later pages: its last score caps theirs.
    const head = this.reorder(rank(ranked, RESCORED_CANDIDATES, 0), plan, narrowed, phrase);
    const tailFrom = Math.max(offset, RESCORED_CANDIDATES);
    // Past the reordered head, a narrowed plan's scores are approximate (higher): capped to keep the order.
    const floor = head.at(-1)?.score ?? Infinity;
    const rankedPast = (count: number, skip: number) =>
      rank(ranked, count, skip).map(({ pk, score }) => ({ pk, score: Math.min(score, floor) }));
    const tail = offset + limit > tailFrom ? rankedPast(offset + limit - tailFrom, tailFrom) : [];
    const page = [...head.slice(offset, offset + limit), ...tail];
    if (page.length === limit || offset + page.length >= total) return page;
    // The candidates ran out before the page did although the query has more: rank the whole query, or,
    // when scoring it would read too much (see SearchPlan.candidates), follow every candidate with the
    // other matches, newest first.
    if (plan.candidates?.scoreAll !== false) return rank(match, limit, offset);
    const candidates =
      head.length < RESCORED_CANDIDATES
        ? head
        : [...head, ...rankedPast(offset + limit, RESCORED_CANDIDATES)];
    const seen = new Set(candidates.map(({ pk }) => pk));
    const others = newest(offset + limit, 0).filter(({ pk }) => !seen.has(pk));
    return [...candidates, ...others].slice(offset, offset + limit);
  }

  /** Re-scores candidates exactly (when the engine's scores were approximate) and puts title phrases first. */
  private reorder(
    candidates: ScoredPk[],
    plan: SearchPlan,
    rescore: boolean,
    phrase: string[] | null,
  ): ScoredPk[] {
    const rows = this.db
      .prepare(
        `SELECT pk, title, ${rescore ? 'abstract, authors' : "'' AS abstract, '' AS authors"}
         FROM papers WHERE pk IN (SELECT value FROM json_each(?))`,
      )
      .all(JSON.stringify(candidates.map(({ pk }) => pk))) as (ScoredColumns & { pk: number })[];
    const terms = [...new Set(plan.query.should.map((word) => stem(word.text)))];
    const engineScores = new Map(candidates.map(({ pk, score }) => [pk, score]));
    const scored = rows.map((row) => ({
      pk: row.pk,
      score: rescore ? bm25(row, terms, this.ftsStats) : (engineScores.get(row.pk) ?? 0),
      focus: phrase === null ? 0 : titlePhraseFocus(row.title, phrase),
    }));
    // A title phrase adds at least the best candidate's score, so those papers come first and scores keep
    // falling down the list; the more of the title the phrase is, the more it adds.
    const bonus = Math.max(0, ...scored.map(({ score }) => score));
    return scored
      .map(({ pk, score, focus }) => ({ pk, score: focus > 0 ? score + bonus * (1 + 2 * focus) : score }))
      .sort((a, b) => b.score - a.score || a.pk - b.pk);
  }

  /** Similar papers by `pk:limit`: a paper page viewed again costs a lookup instead of a ranked query. */
  private readonly similarCache = new IndexCache<number[]>(SIMILAR_CACHE_ENTRIES);
  /** Topic trends by query and filters: counting a common topic's months reads most of its postings. */
  private readonly trendCache = new IndexCache<TrendCounts>(TREND_CACHE_ENTRIES);
  private trendWorker: TrendWorker | null = null;

  async similarPapers(id: string, limit: number): Promise<Paper[]> {
    return this.db.transaction((): Paper[] => {
      const row = this.db
        .prepare('SELECT pk, title, abstract FROM papers WHERE id = ? AND hidden_at IS NULL')
        .get(id) as { pk: number; title: string; abstract: string } | undefined;
      if (!row || limit <= 0) return [];
      const stats = this.ftsStats.refresh();
      const similar = this.similarCache.get(stats.version, `${row.pk}:${limit}`, () => {
        // Words in more than one paper in a hundred are weighed as if in exactly that many: they are seldom
        // among a paper's most distinctive, and counting their papers exactly would read most of the index.
        const common = Math.max(SIMILAR_COUNT_CAP, Math.ceil(stats.documents / 100));
        const words = distinctiveWords(row, (term) => stats.frequencyUpTo(term, common), stats.documents);
        const plan = stats.plan({ should: words, must: [], not: [] });
        // One more than asked for, in case the paper itself is among them.
        const ranked = this.rankByRelevance(plan, null, searchFromSql({}, false), 0, limit + 1, Infinity);
        return ranked
          .map(({ pk }) => pk)
          .filter((pk) => pk !== row.pk)
          .slice(0, limit);
      });
      // A paper hidden since is left out even when the index version did not move.
      return this.papersByPk(similar)
        .filter((paper) => paper.hidden_at === null)
        .map(rowToPaper);
    })();
  }

  /** Rows of the given papers, in the given order. */
  private papersByPk(pks: number[]): PaperRow[] {
    const rows = this.sql('SELECT * FROM papers WHERE pk IN (SELECT value FROM json_each(?))').all(
      JSON.stringify(pks),
    ) as PaperRow[];
    const byPk = new Map(rows.map((row) => [row.pk, row]));
    return pks.flatMap((pk) => byPk.get(pk) ?? []);
  }

  /** Reads a page of ranked papers and marks the query's words in their title and abstract. */
  private searchHits(ranked: ScoredPk[], query: ParsedQuery): SearchHit[] {
    const scores = new Map(ranked.map(({ pk, score }) => [pk, score]));
    const matches = termMatcher(query);
    return this.papersByPk(ranked.map(({ pk }) => pk)).map((row) => ({
      paper: rowToPaper(row),
      score: scores.get(row.pk) ?? 0,
      titleHighlighted: highlightText(row.title, matches),
      snippet: snippetText(row.abstract, matches, SNIPPET_WORDS),
    }));
  }

  async searchMonthlyCounts(request: Pick<SearchRequest, 'query' | 'filters'>): Promise<MonthlyCounts> {
    const { filters } = request;
    const prepared = this.db.transaction(() => {
      // The partial index of visible papers by day answers each end without a scan, but only as a query of
      // its own: SQLite reads min() and max() off an index only for a lone aggregate (both at once scanned
      // the whole index: 0.1 s at a million papers).
      const range = this.sql(
        `SELECT (SELECT min(feed_date) FROM papers WHERE hidden_at IS NULL) AS first,
                (SELECT max(feed_date) FROM papers WHERE hidden_at IS NULL) AS last`,
      ).get() as { first: string | null; last: string | null };
      if (range.first === null || range.last === null) return null;
      const firstDay = filters.from && filters.from > range.first ? filters.from : range.first;
      const lastDay = filters.to && filters.to < range.last ? filters.to : range.last;
      const stats = this.ftsStats.refresh();
      // The words the search itself matches (see search()), so the months add up to its total.
      const trend: TrendRequest = { query: stats.plan(request.query).query, filters };
      const key = JSON.stringify([trend, firstDay, lastDay]);
      const counted = firstDay <= lastDay && toFtsMatch(trend.query) !== null;
      const kept = counted ? this.trendCache.peek(stats.version, key) : undefined;
      return {
        firstDay,
        lastDay,
        trend,
        key,
        counted,
        kept,
        version: stats.version,
        documents: stats.documents,
      };
    })();
    if (!prepared) return { months: [], firstDay: null, lastDay: null, estimated: false };
    const { firstDay, lastDay, trend, key, counted, kept, version, documents } = prepared;
    let counts: TrendCounts = { counts: [], estimated: false };
    if (counted) {
      counts = kept ?? (await this.countTrend(trend, documents));
      this.trendCache.set(version, key, counts);
    }
    return {
      months: fillMonths(monthOf(firstDay), monthOf(lastDay), new Map(counts.counts)),
      firstDay,
      lastDay,
      estimated: counts.estimated,
    };
  }

  /** In the trend worker once the index is large enough for counting to hold up other requests. */
  private async countTrend(trend: TrendRequest, documents: number): Promise<TrendCounts> {
    if (this.path !== ':memory:' && documents >= this.workersFrom) {
      try {
        return await (this.trendWorker ??= new TrendWorker(this.path)).count(trend);
      } catch (err) {
        if (err instanceof TrendWorkerBusy) throw err;
        // The worker failed (and is replaced next time): counting here meets the same error, or succeeds.
      }
    }
    return this.db.transaction(() => countTrend(this.db, this.ftsStats.refresh(), trend))();
  }

  async categories(): Promise<{ category: string; count: number }[]> {
    return this.db
      .prepare(
        'SELECT category, count(*) AS count FROM paper_categories GROUP BY category ORDER BY count DESC, category',
      )
      .all() as { category: string; count: number }[];
  }

  prepareToServe(): void {
    // The statistics start the count of every term themselves once the index is large enough.
    this.db.transaction(() => this.ftsStats.refresh())();
  }

  async close(): Promise<void> {
    await this.checkpointer?.close();
    await this.ftsStatsOfConnection?.close();
    await this.trendWorker?.close();
    this.db.close();
  }

  // --- harvest (arXiv ingestion) ---
  async paperRevisions(ids: string[]): Promise<Map<string, PaperRevision>> {
    type RevisionRow = { id: string; version: number | null; updated_at: string | null; feed_date: string };
    const rows = this.db
      .prepare(
        'SELECT id, version, updated_at, feed_date FROM papers WHERE id IN (SELECT value FROM json_each(?))',
      )
      .all(JSON.stringify(ids)) as RevisionRow[];
    return new Map(
      rows.map((r) => [r.id, { version: r.version, updatedAt: r.updated_at, feedDate: r.feed_date }]),
    );
  }

  async harvestCheckpoint(set: string): Promise<HarvestCheckpoint | null> {
    const row = this.db.prepare('SELECT * FROM harvest_checkpoints WHERE set_spec = ?').get(set) as
      HarvestCheckpointRow | undefined;
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
    return this.db
      .transaction(() => {
        this.db
          .prepare(
            `UPDATE harvest_runs SET status = 'interrupted', finished_at = ? WHERE set_spec = ? AND status = 'running'`,
          )
          .run(now, run.set);
        const { lastInsertRowid } = this.db
          .prepare(
            `INSERT INTO harvest_runs (set_spec, from_date, until_date, resumed, owner, started_at, status)
             VALUES (?, ?, ?, ?, ?, ?, 'running')`,
          )
          .run(run.set, run.from, run.until, run.resumed ? 1 : 0, run.owner, now);
        return Number(lastInsertRowid);
      })
      .immediate();
  }

  async commitHarvestPage(page: {
    runId: number;
    deletedIds: string[];
    checkpoint: HarvestCheckpoint;
    counts: HarvestCounts;
  }): Promise<void> {
    const { checkpoint, counts } = page;
    const remove = this.db.prepare('DELETE FROM papers WHERE id = ?');
    this.db
      .transaction(() => {
        for (const id of page.deletedIds) remove.run(id);
        this.db
          .prepare(
            `INSERT INTO harvest_checkpoints
               (set_spec, last_datestamp, pending_token, pending_from, pending_until, pending_pages, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (set_spec) DO UPDATE SET last_datestamp = excluded.last_datestamp,
               pending_token = excluded.pending_token, pending_from = excluded.pending_from,
               pending_until = excluded.pending_until, pending_pages = excluded.pending_pages,
               updated_at = excluded.updated_at`,
          )
          .run(
            checkpoint.set,
            checkpoint.lastDatestamp,
            checkpoint.pending?.resumptionToken ?? null,
            checkpoint.pending?.from ?? null,
            checkpoint.pending?.until ?? null,
            checkpoint.pending?.pages ?? 0,
            new Date().toISOString(),
          );
        this.db
          .prepare(
            `UPDATE harvest_runs SET pages = ?, records = ?, inserted = ?, updated = ?, unchanged = ?,
               deleted = ?, skipped = ? WHERE id = ?`,
          )
          .run(
            counts.pages,
            counts.records,
            counts.inserted,
            counts.updated,
            counts.unchanged,
            counts.deleted,
            counts.skipped,
            page.runId,
          );
      })
      .immediate();
  }

  async finishHarvestRun(
    runId: number,
    outcome: { status: Exclude<HarvestRunStatus, 'running'>; error: string | null },
  ): Promise<void> {
    this.db
      .prepare('UPDATE harvest_runs SET status = ?, error = ?, finished_at = ? WHERE id = ?')
      .run(outcome.status, outcome.error, new Date().toISOString(), runId);
  }

  async lastHarvestRuns(limit: number): Promise<HarvestRun[]> {
    const rows = this.db
      .prepare('SELECT * FROM harvest_runs ORDER BY id DESC LIMIT ?')
      .all(limit) as HarvestRunRow[];
    return rows.map(rowToHarvestRun);
  }

  // --- ops (metrics) ---
  async communityTotals(): Promise<{ users: number; votes: number; comments: number }> {
    return this.db
      .prepare(
        `SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM votes) AS votes,
           (SELECT count(*) FROM comments WHERE deleted_at IS NULL AND hidden_at IS NULL) AS comments`,
      )
      .get() as { users: number; votes: number; comments: number };
  }

  // --- instance export and restore (src/store/instance) ---
  exportRecords(): AsyncIterable<InstanceRecord> {
    return exportSqlite(this.db);
  }

  async importRecords(records: InstanceRecord[]): Promise<RestoreSummary> {
    return restoreRecords(
      {
        backend: 'sqlite',
        upsertPapers: (papers) => this.upsertPapers(papers),
        runPlans: async (updates, plans) => runPlansSqlite(this.db, updates, plans),
      },
      records,
    );
  }
}
