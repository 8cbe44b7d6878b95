import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { mergePaper } from '../../model/merge.js';
import type {
  AuditEntry,
  Collection,
  Comment,
  CreateUserResult,
  Moderation,
  ModerationAction,
  NewComment,
  NewSession,
  NewUser,
  RateLimitHit,
  SessionWithUser,
  SubmitResult,
  User,
  VoteResult,
} from '../../community/model.js';
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
import type {
  DeliveryChange,
  DeliveryFilter,
  DeliveryStatus,
  DigestRecipient,
  MailSubscriber,
  NewDelivery,
  QueuedDelivery,
} from '../../mail/records.js';
import { type DigestKind, digestOf, type Topic, topicKey } from '../../mail/topics.js';
import type { JobLease } from '../../ops/lease.js';
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
import type {
  CandidateRequest,
  FeedbackKind,
  MonthlyCounts,
  PaperText,
  RecommendationFeedback,
} from '../../recommend/records.js';
import { sampleIntegers } from '../../recommend/sample.js';
import {
  DELIVERY_STATUSES,
  DIGEST_KINDS_SQL,
  type JobLeaseRow,
  type QueuedDeliveryRow,
  rowToJobLease,
  rowToQueuedDelivery,
  rowToSubscriber,
  type SubscriberRow,
  topicsFromKeys,
} from './mail-rows.js';
import {
  COLLECTION_SELECT,
  COMMENT_SELECT,
  type CollectionRow,
  type CommentRow,
  isUniqueViolation,
  rowToCollection,
  rowToComment,
  rowToUser,
  type UserRow,
} from './community-rows.js';
import { IndexCache } from './index-cache.js';
import { WalCheckpointer } from './wal-checkpointer.js';
import {
  countTrend,
  type TrendCounts,
  type TrendRequest,
  TrendWorker,
  TrendWorkerBusy,
} from './trend-counts.js';
import { MIGRATIONS } from './migrations.js';
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

/** Below this many papers every query is cheap enough to run on the server's own thread. */
const WORKERS_FROM = 50_000;

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

export class SqliteStore implements Store {
  readonly db: Database.Database;

  constructor(
    private readonly path: string,
    /**
     * From how many papers work that would hold up other requests moves to worker threads: counting every
     * term (FtsStats) and topic trends (TrendWorker). Tests lower it.
     */
    private readonly workersFrom = WORKERS_FROM,
  ) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    // In-memory databases have no log to checkpoint.
    const wal = this.db.pragma('journal_mode = WAL', { simple: true }) === 'wal';
    // NORMAL is durable across application crashes in WAL mode; only an OS crash can lose the last commits.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.migrate();
    this.checkpointer = wal ? new WalCheckpointer(this.db) : null;
  }

  private readonly checkpointer: WalCheckpointer | null;

  private migrate(): void {
    this.db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
    const applied = new Set(
      this.db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[],
    );
    for (const migration of MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      this.db
        .transaction(() => {
          this.db.exec(migration.sql);
          this.db
            .prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
            .run(migration.version, migration.name, new Date().toISOString());
        })
        .immediate();
    }
  }

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

  private readonly statements = new Map<string, Database.Statement>();

  /**
   * Statements of hot paths, prepared once per SQL text: pages, searches and digest runs (once per
   * subscriber) run the same few texts over and over. Texts built from a request hold placeholders only,
   * so they are few.
   */
  private sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
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

  // --- community (accounts, votes, comments, collections) ---
  async createUser(user: NewUser): Promise<CreateUserResult> {
    try {
      const row = this.db
        .prepare(
          `INSERT INTO users (username, email, password_hash, fullname, is_admin, created_at)
           VALUES (?, ?, ?, ?, ?, ?) RETURNING *`,
        )
        .get(
          user.username,
          user.email,
          user.passwordHash,
          user.fullname ?? user.username,
          user.isAdmin ? 1 : 0,
          user.createdAt,
        ) as UserRow;
      return { ok: true, user: rowToUser(row) };
    } catch (err) {
      if (isUniqueViolation(err, 'users.username')) return { ok: false, conflict: 'username' };
      if (isUniqueViolation(err, 'users.email')) return { ok: false, conflict: 'email' };
      throw err;
    }
  }

  async getUser(id: number): Promise<User | null> {
    const row = this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
    return row ? rowToUser(row) : null;
  }

  async findUser(username: string): Promise<User | null> {
    const row = this.db.prepare('SELECT * FROM users WHERE username = ?').get(username) as
      UserRow | undefined;
    return row ? rowToUser(row) : null;
  }

  async findUserForLogin(login: string): Promise<{ user: User; passwordHash: string } | null> {
    const row = this.db
      .prepare('SELECT * FROM users WHERE username = ? OR email = ? ORDER BY username = ? DESC LIMIT 1')
      .get(login, login, login) as UserRow | undefined;
    return row ? { user: rowToUser(row), passwordHash: row.password_hash } : null;
  }

  async listUsers(): Promise<User[]> {
    return (this.db.prepare('SELECT * FROM users ORDER BY id').all() as UserRow[]).map(rowToUser);
  }

  async setPasswordHash(userId: number, passwordHash: string): Promise<void> {
    this.db.transaction(() => {
      this.db.prepare('UPDATE users SET password_hash = ? WHERE id = ?').run(passwordHash, userId);
      this.db.prepare('DELETE FROM sessions WHERE user_id = ?').run(userId);
    })();
  }

  async setUserEmail(userId: number, email: string): Promise<boolean> {
    try {
      this.db.prepare('UPDATE users SET email = ? WHERE id = ?').run(email, userId);
      return true;
    } catch (err) {
      if (isUniqueViolation(err, 'users.email')) return false;
      throw err;
    }
  }

  async setAdmin(userId: number, isAdmin: boolean): Promise<void> {
    this.db.prepare('UPDATE users SET is_admin = ? WHERE id = ?').run(isAdmin ? 1 : 0, userId);
  }

  async isKnownSubmitter(username: string): Promise<boolean> {
    return (
      this.db.prepare('SELECT 1 FROM papers WHERE submitter_user = ? LIMIT 1').get(username) !== undefined
    );
  }

  async createSession(session: NewSession): Promise<void> {
    this.db
      .prepare('INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)')
      .run(session.idHash, session.userId, session.createdAt, session.expiresAt);
  }

  async getSession(idHash: string, now: Date): Promise<SessionWithUser | null> {
    const row = this.db
      .prepare(
        `SELECT u.*, s.expires_at AS session_expires_at FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.id = ? AND s.expires_at > ? AND u.suspended_at IS NULL`,
      )
      .get(idHash, now.toISOString()) as (UserRow & { session_expires_at: string }) | undefined;
    return row ? { idHash, expiresAt: row.session_expires_at, user: rowToUser(row) } : null;
  }

  async extendSession(idHash: string, expiresAt: string): Promise<void> {
    this.db.prepare('UPDATE sessions SET expires_at = ? WHERE id = ?').run(expiresAt, idHash);
  }

  async deleteSession(idHash: string): Promise<void> {
    this.db.prepare('DELETE FROM sessions WHERE id = ?').run(idHash);
  }

  async hitRateLimit(key: string, windowMs: number, now: Date): Promise<RateLimitHit> {
    const start = now.getTime();
    // Every SET expression reads the row as it was, so all three agree on whether the window ended.
    const row = this.db
      .prepare(
        `INSERT INTO rate_limits (key, window_start, window_end, count) VALUES (?, ?, ?, 1)
         ON CONFLICT (key) DO UPDATE SET
           count = CASE WHEN window_end <= excluded.window_start THEN 1 ELSE count + 1 END,
           window_start = CASE WHEN window_end <= excluded.window_start THEN excluded.window_start ELSE window_start END,
           window_end = CASE WHEN window_end <= excluded.window_start THEN excluded.window_end ELSE window_end END
         RETURNING count, window_end`,
      )
      .get(key, start, start + windowMs) as { count: number; window_end: number };
    return { count: row.count, resetAt: row.window_end };
  }

  async pruneExpired(now: Date): Promise<void> {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM rate_limits WHERE window_end <= ?').run(now.getTime());
      this.db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(now.toISOString());
    })();
  }

  /** The pk of a paper that exists and is not hidden. */
  private visiblePaperPk(paperId: string): number | null {
    const pk = this.db
      .prepare('SELECT pk FROM papers WHERE id = ? AND hidden_at IS NULL')
      .pluck()
      .get(paperId);
    return (pk as number | undefined) ?? null;
  }

  async toggleVote(userId: number, paperId: string, now: Date): Promise<VoteResult | null> {
    return this.db
      .transaction((): VoteResult | null => {
        const pk = this.visiblePaperPk(paperId);
        if (pk === null) return null;
        const removed = this.db
          .prepare('DELETE FROM votes WHERE user_id = ? AND paper_pk = ?')
          .run(userId, pk);
        if (removed.changes === 0) {
          this.db
            .prepare('INSERT INTO votes (user_id, paper_pk, created_at) VALUES (?, ?, ?)')
            .run(userId, pk, now.toISOString());
        }
        const voted = removed.changes === 0;
        const upvotes = this.db
          .prepare(`UPDATE papers SET upvotes = max(upvotes + ?, 0) WHERE pk = ? RETURNING upvotes`)
          .pluck()
          .get(voted ? 1 : -1, pk) as number;
        return { voted, upvotes };
      })
      .immediate();
  }

  async votedPaperIds(userId: number, paperIds: string[]): Promise<Set<string>> {
    if (paperIds.length === 0) return new Set();
    const ids = this.db
      .prepare(
        `SELECT p.id FROM votes v JOIN papers p ON p.pk = v.paper_pk
         WHERE v.user_id = ? AND p.id IN (SELECT value FROM json_each(?))`,
      )
      .pluck()
      .all(userId, JSON.stringify(paperIds)) as string[];
    return new Set(ids);
  }

  async submitPaper(paperId: string, submitter: User, feedDate: string): Promise<SubmitResult | null> {
    return this.db
      .transaction((): SubmitResult | null => {
        const row = this.db
          .prepare('SELECT pk, feed_date, submitter_user FROM papers WHERE id = ? AND hidden_at IS NULL')
          .get(paperId) as { pk: number; feed_date: string; submitter_user: string | null } | undefined;
        if (!row) return null;
        if (row.submitter_user) {
          return { status: 'already-submitted', feedDate: row.feed_date, submitter: row.submitter_user };
        }
        this.db
          .prepare(
            `UPDATE papers SET feed_date = ?, submitter_user = ?, submitter_fullname = ?, submitter_avatar = NULL
             WHERE pk = ?`,
          )
          .run(feedDate, submitter.username, submitter.fullname, row.pk);
        return { status: 'submitted', feedDate };
      })
      .immediate();
  }

  /** Recounts a paper's visible comments and distinct commenters (recounting keeps them right by construction). */
  private recountComments(paperPk: number): void {
    this.db
      .prepare(
        `UPDATE papers SET (num_comments, commenters) = (
           SELECT count(*), count(DISTINCT user_id) FROM comments
           WHERE paper_pk = @pk AND deleted_at IS NULL AND hidden_at IS NULL)
         WHERE pk = @pk`,
      )
      .run({ pk: paperPk });
  }

  async addComment(comment: NewComment): Promise<Comment | null> {
    const id = this.db
      .transaction((): number | null => {
        const pk = this.visiblePaperPk(comment.paperId);
        if (pk === null) return null;
        // Replies go one level deep: a reply to a reply joins the thread of the top-level comment.
        const parentId =
          comment.parentId === null
            ? null
            : ((this.db
                .prepare('SELECT coalesce(parent_id, id) FROM comments WHERE id = ? AND paper_pk = ?')
                .pluck()
                .get(comment.parentId, pk) as number | undefined) ?? null);
        const { lastInsertRowid } = this.db
          .prepare(
            'INSERT INTO comments (paper_pk, user_id, parent_id, body, created_at) VALUES (?, ?, ?, ?, ?)',
          )
          .run(pk, comment.userId, parentId, comment.body, comment.createdAt);
        this.recountComments(pk);
        return Number(lastInsertRowid);
      })
      .immediate();
    return id === null ? null : this.getComment(id);
  }

  async getComment(id: number): Promise<Comment | null> {
    const row = this.db.prepare(`${COMMENT_SELECT} WHERE c.id = ?`).get(id) as CommentRow | undefined;
    return row ? rowToComment(row) : null;
  }

  async listComments(paperId: string): Promise<Comment[]> {
    const rows = this.db
      .prepare(`${COMMENT_SELECT} WHERE c.paper_pk = (SELECT pk FROM papers WHERE id = ?) ORDER BY c.id`)
      .all(paperId) as CommentRow[];
    return rows.map(rowToComment);
  }

  async editComment(id: number, body: string, now: Date): Promise<void> {
    this.db
      .prepare('UPDATE comments SET body = ?, edited_at = ? WHERE id = ? AND deleted_at IS NULL')
      .run(body, now.toISOString(), id);
  }

  async deleteComment(id: number, now: Date): Promise<void> {
    this.db
      .transaction(() => {
        const pk = this.db
          .prepare(
            `UPDATE comments SET body = '', deleted_at = ? WHERE id = ? AND deleted_at IS NULL RETURNING paper_pk`,
          )
          .pluck()
          .get(now.toISOString(), id) as number | undefined;
        if (pk !== undefined) this.recountComments(pk);
      })
      .immediate();
  }

  async createCollection(c: {
    ownerId: number;
    name: string;
    isPublic: boolean;
    now: Date;
  }): Promise<Collection | null> {
    try {
      const { lastInsertRowid } = this.db
        .prepare('INSERT INTO collections (user_id, name, is_public, created_at) VALUES (?, ?, ?, ?)')
        .run(c.ownerId, c.name, c.isPublic ? 1 : 0, c.now.toISOString());
      return this.getCollection(Number(lastInsertRowid));
    } catch (err) {
      if (isUniqueViolation(err, 'collections.')) return null;
      throw err;
    }
  }

  async getCollection(id: number): Promise<Collection | null> {
    const row = this.db.prepare(`${COLLECTION_SELECT} WHERE c.id = ?`).get(id) as CollectionRow | undefined;
    return row ? rowToCollection(row) : null;
  }

  async listCollections(ownerId: number, includePrivate: boolean): Promise<Collection[]> {
    const rows = this.db
      .prepare(
        `${COLLECTION_SELECT} WHERE c.user_id = ? AND (c.is_public = 1 OR ?) ORDER BY c.name COLLATE NOCASE`,
      )
      .all(ownerId, includePrivate ? 1 : 0) as CollectionRow[];
    return rows.map(rowToCollection);
  }

  async updateCollection(id: number, changes: { name?: string; isPublic?: boolean }): Promise<boolean> {
    try {
      this.db
        .prepare(
          'UPDATE collections SET name = coalesce(?, name), is_public = coalesce(?, is_public) WHERE id = ?',
        )
        .run(changes.name ?? null, changes.isPublic === undefined ? null : changes.isPublic ? 1 : 0, id);
      return true;
    } catch (err) {
      if (isUniqueViolation(err, 'collections.')) return false;
      throw err;
    }
  }

  async deleteCollection(id: number): Promise<void> {
    this.db.prepare('DELETE FROM collections WHERE id = ?').run(id);
  }

  async addToCollection(collectionId: number, paperId: string, now: Date): Promise<boolean> {
    const pk = this.visiblePaperPk(paperId);
    if (pk === null) return false;
    this.db
      .prepare('INSERT OR IGNORE INTO collection_papers (collection_id, paper_pk, added_at) VALUES (?, ?, ?)')
      .run(collectionId, pk, now.toISOString());
    return true;
  }

  async removeFromCollection(collectionId: number, paperId: string): Promise<void> {
    this.db
      .prepare(
        'DELETE FROM collection_papers WHERE collection_id = ? AND paper_pk = (SELECT pk FROM papers WHERE id = ?)',
      )
      .run(collectionId, paperId);
  }

  async collectionPapers(collectionId: number): Promise<Paper[]> {
    const rows = this.db
      .prepare(
        `SELECT p.* FROM collection_papers cp JOIN papers p ON p.pk = cp.paper_pk
         WHERE cp.collection_id = ? AND p.hidden_at IS NULL ORDER BY cp.added_at DESC, p.pk DESC`,
      )
      .all(collectionId) as PaperRow[];
    return rows.map(rowToPaper);
  }

  async collectionsWithPaper(ownerId: number, paperId: string): Promise<number[]> {
    return this.db
      .prepare(
        `SELECT c.id FROM collections c JOIN collection_papers cp ON cp.collection_id = c.id
         WHERE c.user_id = ? AND cp.paper_pk = (SELECT pk FROM papers WHERE id = ?) ORDER BY c.id`,
      )
      .pluck()
      .all(ownerId, paperId) as number[];
  }

  async moderate(m: Moderation): Promise<boolean> {
    return this.db
      .transaction((): boolean => {
        const at = m.at;
        let changed: number;
        switch (m.action) {
          case 'hide-paper':
          case 'unhide-paper':
            changed = this.db
              .prepare('UPDATE papers SET hidden_at = ? WHERE id = ?')
              .run(m.action === 'hide-paper' ? at : null, m.target).changes;
            break;
          case 'hide-comment':
          case 'unhide-comment': {
            const pk = this.db
              .prepare('UPDATE comments SET hidden_at = ? WHERE id = ? RETURNING paper_pk')
              .pluck()
              .get(m.action === 'hide-comment' ? at : null, Number(m.target)) as number | undefined;
            if (pk !== undefined) this.recountComments(pk);
            changed = pk === undefined ? 0 : 1;
            break;
          }
          case 'suspend-user':
          case 'unsuspend-user': {
            const id = this.db
              .prepare('UPDATE users SET suspended_at = ? WHERE username = ? RETURNING id')
              .pluck()
              .get(m.action === 'suspend-user' ? at : null, m.target) as number | undefined;
            if (id !== undefined && m.action === 'suspend-user') {
              this.db.prepare('DELETE FROM sessions WHERE user_id = ?').run(id);
            }
            changed = id === undefined ? 0 : 1;
            break;
          }
        }
        if (changed === 0) return false;
        this.db
          .prepare(
            'INSERT INTO audit_log (at, actor_id, actor, action, target, reason) VALUES (?, ?, ?, ?, ?, ?)',
          )
          .run(at, m.actorId, m.actor, m.action, m.target, m.reason);
        return true;
      })
      .immediate();
  }

  async auditLog(offset: number, limit: number): Promise<AuditEntry[]> {
    const rows = this.db
      .prepare('SELECT * FROM audit_log ORDER BY id DESC LIMIT ? OFFSET ?')
      .all(limit, offset) as {
      id: number;
      at: string;
      actor_id: number | null;
      actor: string;
      action: ModerationAction;
      target: string;
      reason: string;
    }[];
    return rows.map((r) => ({
      id: r.id,
      at: r.at,
      actorId: r.actor_id,
      actor: r.actor,
      action: r.action,
      target: r.target,
      reason: r.reason,
    }));
  }

  async hiddenPapers(): Promise<Paper[]> {
    const rows = this.db
      .prepare('SELECT * FROM papers WHERE hidden_at IS NOT NULL ORDER BY hidden_at DESC')
      .all() as PaperRow[];
    return rows.map(rowToPaper);
  }

  async trendingInputs(paperIds: string[]): Promise<Map<string, { commenters: number; score: number }>> {
    const rows = this.db
      .prepare(
        'SELECT id, commenters, trending_score AS score FROM papers WHERE id IN (SELECT value FROM json_each(?))',
      )
      .all(JSON.stringify(paperIds)) as { id: string; commenters: number; score: number }[];
    return new Map(rows.map((r) => [r.id, { commenters: r.commenters, score: r.score }]));
  }

  // --- mail (subscriptions, digests, send log) ---

  async requestMailSubscription(
    email: string,
    topics: Topic[],
    now: Date,
  ): Promise<{ subscriberId: number; confirmationId: number }> {
    const at = now.toISOString();
    return this.db
      .transaction(() => {
        this.sql(
          `INSERT INTO mail_subscribers (email, status, created_at, status_changed_at) VALUES (?, 'pending', ?, ?)
             ON CONFLICT (email) DO NOTHING`,
        ).run(email, at, at);
        const subscriberId = this.sql('SELECT id FROM mail_subscribers WHERE email = ?')
          .pluck()
          .get(email) as number;
        const confirmationId = Number(
          this.sql('INSERT INTO mail_confirmations (subscriber_id, topics, created_at) VALUES (?, ?, ?)').run(
            subscriberId,
            JSON.stringify(topics.map(topicKey)),
            at,
          ).lastInsertRowid,
        );
        this.insertDelivery(
          {
            subscriberId,
            issue: `confirm:${confirmationId}`,
            kind: 'confirm',
            content: JSON.stringify({ confirmationId }),
            paperIds: [],
          },
          now,
        );
        return { subscriberId, confirmationId };
      })
      .immediate();
  }

  async confirmMailSubscription(confirmationId: number, now: Date): Promise<MailSubscriber | null> {
    const at = now.toISOString();
    const subscriberId = this.db
      .transaction((): number | null => {
        const request = this.sql('SELECT subscriber_id, topics FROM mail_confirmations WHERE id = ?').get(
          confirmationId,
        ) as { subscriber_id: number; topics: string } | undefined;
        if (!request) return null;
        this.sql(
          `UPDATE mail_subscribers SET status = 'active', status_changed_at = ?, bounce_reason = NULL
             WHERE id = ? AND status != 'active'`,
        ).run(at, request.subscriber_id);
        const addTopic = this.sql(
          'INSERT OR IGNORE INTO mail_topics (subscriber_id, topic, digest, created_at) VALUES (?, ?, ?, ?)',
        );
        for (const topic of topicsFromKeys(JSON.parse(request.topics) as string[])) {
          addTopic.run(request.subscriber_id, topicKey(topic), digestOf(topic), at);
        }
        this.sql('UPDATE mail_confirmations SET confirmed_at = coalesce(confirmed_at, ?) WHERE id = ?').run(
          at,
          confirmationId,
        );
        return request.subscriber_id;
      })
      .immediate();
    return subscriberId === null ? null : this.getMailSubscriber(subscriberId);
  }

  async mailConfirmation(confirmationId: number): Promise<{ topics: Topic[]; confirmed: boolean } | null> {
    const row = this.sql('SELECT topics, confirmed_at FROM mail_confirmations WHERE id = ?').get(
      confirmationId,
    ) as { topics: string; confirmed_at: string | null } | undefined;
    return row
      ? { topics: topicsFromKeys(JSON.parse(row.topics) as string[]), confirmed: row.confirmed_at !== null }
      : null;
  }

  async getMailSubscriber(id: number): Promise<MailSubscriber | null> {
    const row = this.sql('SELECT * FROM mail_subscribers WHERE id = ?').get(id) as SubscriberRow | undefined;
    return row ? this.subscriberWithTopics(row) : null;
  }

  async ensureMailAddress(email: string, now: Date): Promise<number> {
    const at = now.toISOString();
    return this.db
      .transaction(() => {
        this.sql(
          `INSERT INTO mail_subscribers (email, status, created_at, status_changed_at) VALUES (?, 'pending', ?, ?)
             ON CONFLICT (email) DO NOTHING`,
        ).run(email, at, at);
        return this.sql('SELECT id FROM mail_subscribers WHERE email = ?').pluck().get(email) as number;
      })
      .immediate();
  }

  async findMailSubscriber(email: string): Promise<MailSubscriber | null> {
    const row = this.sql('SELECT * FROM mail_subscribers WHERE email = ?').get(email) as
      SubscriberRow | undefined;
    return row ? this.subscriberWithTopics(row) : null;
  }

  private subscriberWithTopics(row: SubscriberRow): MailSubscriber {
    const keys = this.sql('SELECT topic FROM mail_topics WHERE subscriber_id = ?')
      .pluck()
      .all(row.id) as string[];
    return rowToSubscriber(row, keys);
  }

  async setMailTopics(subscriberId: number, topics: Topic[], now: Date): Promise<MailSubscriber | null> {
    if (topics.length === 0) {
      await this.unsubscribeMail(subscriberId, now);
      return this.getMailSubscriber(subscriberId);
    }
    const at = now.toISOString();
    this.db
      .transaction(() => {
        const status = this.sql('SELECT status FROM mail_subscribers WHERE id = ?').pluck().get(subscriberId);
        if (status !== 'active') return;
        this.sql('DELETE FROM mail_topics WHERE subscriber_id = ?').run(subscriberId);
        const addTopic = this.sql(
          'INSERT OR IGNORE INTO mail_topics (subscriber_id, topic, digest, created_at) VALUES (?, ?, ?, ?)',
        );
        for (const topic of topics) addTopic.run(subscriberId, topicKey(topic), digestOf(topic), at);
      })
      .immediate();
    return this.getMailSubscriber(subscriberId);
  }

  async unsubscribeMail(subscriberId: number, now: Date): Promise<boolean> {
    return this.db
      .transaction((): boolean => {
        const { changes } = this.sql(
          `UPDATE mail_subscribers SET status = 'unsubscribed', status_changed_at = ?
             WHERE id = ? AND status != 'unsubscribed'`,
        ).run(now.toISOString(), subscriberId);
        this.sql('DELETE FROM mail_topics WHERE subscriber_id = ?').run(subscriberId);
        this.cancelQueuedDigests(subscriberId, 'unsubscribed');
        return (
          changes > 0 ||
          this.sql('SELECT 1 FROM mail_subscribers WHERE id = ?').get(subscriberId) !== undefined
        );
      })
      .immediate();
  }

  async markMailBouncing(subscriberId: number, reason: string, now: Date): Promise<void> {
    this.db
      .transaction(() => {
        this.sql(
          `UPDATE mail_subscribers SET status = 'bouncing', status_changed_at = ?, bounce_reason = ?
             WHERE id = ? AND status = 'active'`,
        ).run(now.toISOString(), reason, subscriberId);
        this.cancelQueuedDigests(subscriberId, `address bouncing: ${reason}`);
      })
      .immediate();
  }

  /** Skips a subscriber's digests still queued and gives their papers back. */
  private cancelQueuedDigests(subscriberId: number, reason: string): void {
    const ids = this.sql(
      `SELECT id FROM mail_deliveries WHERE subscriber_id = ? AND status IN ('pending', 'sending')
         AND kind IN ${DIGEST_KINDS_SQL}`,
    )
      .pluck()
      .all(subscriberId) as number[];
    for (const id of ids) this.endDelivery(id, 'skipped', reason);
  }

  async queueMailMessage(delivery: NewDelivery, now: Date): Promise<boolean> {
    return this.db.transaction(() => this.insertDelivery(delivery, now)).immediate();
  }

  /** Inserts a send-log row unless one exists for its subscriber and issue, claiming its papers; true if new. */
  private insertDelivery(delivery: NewDelivery, now: Date): boolean {
    const { changes, lastInsertRowid } = this.sql(
      `INSERT OR IGNORE INTO mail_deliveries (subscriber_id, issue, kind, status, content, next_attempt_at, created_at)
         VALUES (?, ?, ?, 'pending', ?, ?, ?)`,
    ).run(
      delivery.subscriberId,
      delivery.issue,
      delivery.kind,
      delivery.content,
      now.getTime(),
      now.toISOString(),
    );
    if (changes === 0) return false;
    const claim = this.sql(
      'INSERT OR IGNORE INTO mail_sent_papers (subscriber_id, digest, paper_id, delivery_id) VALUES (?, ?, ?, ?)',
    );
    for (const paperId of delivery.paperIds)
      claim.run(delivery.subscriberId, delivery.kind, paperId, lastInsertRowid);
    return true;
  }

  async digestRecipients(
    digest: DigestKind,
    issue: string,
    afterId: number,
    limit: number,
  ): Promise<DigestRecipient[]> {
    const rows = this.sql(
      `SELECT s.id, s.email, group_concat(t.topic, char(10)) AS topics
         FROM mail_topics t JOIN mail_subscribers s ON s.id = t.subscriber_id
         WHERE t.digest = ? AND t.subscriber_id > ? AND s.status = 'active'
           AND NOT EXISTS (SELECT 1 FROM mail_deliveries d WHERE d.subscriber_id = t.subscriber_id AND d.issue = ?)
         GROUP BY t.subscriber_id ORDER BY t.subscriber_id LIMIT ?`,
    ).all(digest, afterId, issue, limit) as { id: number; email: string; topics: string }[];
    return rows.map((r) => ({ id: r.id, email: r.email, topics: topicsFromKeys(r.topics.split('\n')) }));
  }

  async sentMailPapers(
    digest: DigestKind,
    candidates: Map<number, string[]>,
  ): Promise<Map<number, Set<string>>> {
    const sent = new Map<number, Set<string>>();
    // One lookup per subscriber, over that subscriber's own candidates: its cost follows the candidates, not
    // the subscriber's whole history nor everyone else's candidates.
    const select = this.sql(
      `SELECT paper_id FROM mail_sent_papers
       WHERE subscriber_id = ? AND digest = ? AND paper_id IN (SELECT value FROM json_each(?))`,
    ).pluck();
    this.db.transaction(() => {
      for (const [subscriberId, paperIds] of candidates) {
        if (paperIds.length === 0) continue;
        const found = select.all(subscriberId, digest, JSON.stringify(paperIds)) as string[];
        if (found.length > 0) sent.set(subscriberId, new Set(found));
      }
    })();
    return sent;
  }

  async reserveMailDeliveries(deliveries: NewDelivery[], now: Date): Promise<number> {
    return this.db
      .transaction(() => deliveries.reduce((count, d) => count + (this.insertDelivery(d, now) ? 1 : 0), 0))
      .immediate();
  }

  private deliveryWhere(filter: DeliveryFilter): { sql: string; params: unknown[] } {
    const sql = `d.kind IN (SELECT value FROM json_each(?))${filter.issue === undefined ? '' : ' AND d.issue = ?'}`;
    return {
      sql,
      params:
        filter.issue === undefined
          ? [JSON.stringify(filter.kinds)]
          : [JSON.stringify(filter.kinds), filter.issue],
    };
  }

  async dueMailDeliveries(filter: DeliveryFilter, now: Date, limit: number): Promise<QueuedDelivery[]> {
    const where = this.deliveryWhere(filter);
    const rows = this.sql(
      `SELECT d.id, d.subscriber_id, s.email, s.status AS subscriber_status, d.issue, d.kind, d.status, d.content,
                d.attempts
         FROM mail_deliveries d JOIN mail_subscribers s ON s.id = d.subscriber_id
         WHERE ${where.sql} AND d.status IN ('pending', 'sending') AND d.next_attempt_at <= ?
         ORDER BY d.next_attempt_at, d.id LIMIT ?`,
    ).all(...where.params, now.getTime(), limit) as QueuedDeliveryRow[];
    return rows.map(rowToQueuedDelivery);
  }

  async nextMailAttempt(filter: DeliveryFilter): Promise<Date | null> {
    const where = this.deliveryWhere(filter);
    const at = this.sql(
      `SELECT min(d.next_attempt_at) FROM mail_deliveries d WHERE ${where.sql} AND d.status IN ('pending', 'sending')`,
    )
      .pluck()
      .get(...where.params) as number | null;
    return at === null ? null : new Date(at);
  }

  async updateMailDeliveries(changes: [number, DeliveryChange][]): Promise<void> {
    this.db.transaction(() => {
      for (const [id, change] of changes) this.applyDeliveryChange(id, change);
    })();
  }

  private applyDeliveryChange(id: number, change: DeliveryChange): void {
    switch (change.status) {
      case 'sending':
        this.sql(`UPDATE mail_deliveries SET status = 'sending', attempts = ? WHERE id = ?`).run(
          change.attempts,
          id,
        );
        return;
      case 'sent':
        this.sql(
          `UPDATE mail_deliveries SET status = 'sent', sent_at = ?, smtp_response = ?, last_error = NULL WHERE id = ?`,
        ).run(change.at.toISOString(), change.response, id);
        return;
      case 'pending':
        this.sql(
          `UPDATE mail_deliveries SET status = 'pending', next_attempt_at = ?, last_error = ? WHERE id = ?`,
        ).run(change.nextAttemptAt.getTime(), change.error, id);
        return;
      default:
        this.endDelivery(id, change.status, change.error);
    }
  }

  /** A row that ends unsent gives its papers back, so a later digest may still carry them. */
  private endDelivery(id: number, status: 'failed' | 'bounced' | 'skipped', error: string): void {
    const row = this.sql('SELECT subscriber_id FROM mail_deliveries WHERE id = ?').get(id) as
      { subscriber_id: number } | undefined;
    if (!row) return;
    this.sql('UPDATE mail_deliveries SET status = ?, last_error = ? WHERE id = ?').run(status, error, id);
    this.sql('DELETE FROM mail_sent_papers WHERE subscriber_id = ? AND delivery_id = ?').run(
      row.subscriber_id,
      id,
    );
  }

  async countMailDeliveries(filter: DeliveryFilter): Promise<Record<DeliveryStatus, number>> {
    const where = this.deliveryWhere(filter);
    const counts = Object.fromEntries(DELIVERY_STATUSES.map((s) => [s, 0])) as Record<DeliveryStatus, number>;
    const rows = this.sql(
      `SELECT d.status, count(*) AS n FROM mail_deliveries d WHERE ${where.sql} GROUP BY d.status`,
    ).all(...where.params) as { status: DeliveryStatus; n: number }[];
    for (const row of rows) counts[row.status] = row.n;
    return counts;
  }

  async acquireJobLease(
    name: string,
    owner: string,
    leaseMs: number,
    now: Date,
    staleOwner?: string,
  ): Promise<JobLease> {
    return this.db
      .transaction((): JobLease => {
        const expires = now.getTime() + leaseMs;
        const row = this.sql('SELECT * FROM mail_jobs WHERE name = ?').get(name) as JobLeaseRow | undefined;
        if (!row) {
          this.sql(
            'INSERT INTO mail_jobs (name, owner, lease_expires_at, started_at) VALUES (?, ?, ?, ?)',
          ).run(name, owner, expires, now.toISOString());
          return { name, owner, leaseExpiresAt: new Date(expires), finishedAt: null };
        }
        const free =
          row.owner === null ||
          row.owner === owner ||
          row.owner === staleOwner ||
          (row.lease_expires_at ?? 0) <= now.getTime();
        if (!free) return rowToJobLease(row);
        this.sql('UPDATE mail_jobs SET owner = ?, lease_expires_at = ? WHERE name = ?').run(
          owner,
          expires,
          name,
        );
        return rowToJobLease({ ...row, owner, lease_expires_at: expires });
      })
      .immediate();
  }

  async releaseJobLease(name: string, owner: string, finished: boolean, now: Date): Promise<void> {
    this.sql(
      `UPDATE mail_jobs SET owner = NULL, lease_expires_at = NULL,
           finished_at = CASE WHEN ? THEN ? ELSE finished_at END
         WHERE name = ? AND owner = ?`,
    ).run(finished ? 1 : 0, now.toISOString(), name, owner);
  }

  async getJobLease(name: string): Promise<JobLease | null> {
    const row = this.sql('SELECT * FROM mail_jobs WHERE name = ?').get(name) as JobLeaseRow | undefined;
    return row ? rowToJobLease(row) : null;
  }

  async newestPapersInCategory(category: string, from: string, to: string, limit: number): Promise<Paper[]> {
    const rows = this.sql(
      // The window first (feed-day index), then the category of each paper in it: big categories
      // (cs.CV: half the corpus) are never scanned whole.
      `SELECT p.* FROM papers p
         WHERE p.feed_date BETWEEN ? AND ? AND p.hidden_at IS NULL
           AND EXISTS (SELECT 1 FROM paper_categories c WHERE c.category = ? AND c.paper_pk = p.pk)
         ORDER BY p.feed_date DESC, p.upvotes DESC, p.pk DESC LIMIT ?`,
    ).all(from, to, category, limit) as PaperRow[];
    return rows.map(rowToPaper);
  }

  async alertPapers(query: ParsedQuery, from: string, to: string, limit: number): Promise<Paper[]> {
    const match = toFtsMatch(query);
    if (!match) return [];
    // The window's papers by row id first: FTS5 then ranks only matches inside that range, not every match in
    // the archive (papers arrive roughly in feed order, so the range is tight). The bounds go in as integers:
    // FTS5 ignores a row id bound given as a real number (how a JavaScript number is bound) and reads it all.
    const range = this.sql(
      'SELECT min(pk) AS low, max(pk) AS high FROM papers WHERE feed_date BETWEEN ? AND ?',
    ).get(from, to) as { low: number | null; high: number | null };
    if (range.low === null || range.high === null) return [];
    const rows = this.sql(
      `SELECT p.* FROM papers_fts JOIN papers p ON p.pk = papers_fts.rowid
       WHERE papers_fts MATCH ? AND papers_fts.rowid BETWEEN ? AND ?
         AND p.feed_date BETWEEN ? AND ? AND p.hidden_at IS NULL
       ORDER BY papers_fts.rank LIMIT ?`,
    ).all(match, BigInt(range.low), BigInt(range.high), from, to, limit) as PaperRow[];
    return rows.map(rowToPaper);
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

  // --- recommend (personal recommendations, topic trend) ---
  async recommendationFeedback(userId: number): Promise<RecommendationFeedback[]> {
    const rows = this.db
      .prepare(
        `SELECT p.id, 'saved' AS kind, max(cp.added_at) AS at
           FROM collections c JOIN collection_papers cp ON cp.collection_id = c.id JOIN papers p ON p.pk = cp.paper_pk
           WHERE c.user_id = @user AND p.hidden_at IS NULL GROUP BY p.pk
         UNION ALL
         SELECT p.id, 'upvoted', v.created_at FROM votes v JOIN papers p ON p.pk = v.paper_pk
           WHERE v.user_id = @user AND p.hidden_at IS NULL
         UNION ALL
         SELECT p.id, 'not-interested', n.created_at FROM not_interested n JOIN papers p ON p.pk = n.paper_pk
           WHERE n.user_id = @user AND p.hidden_at IS NULL`,
      )
      .all({ user: userId }) as { id: string; kind: FeedbackKind; at: string }[];
    return rows.map((row) => ({ paperId: row.id, kind: row.kind, at: row.at }));
  }

  async setNotInterested(
    userId: number,
    paperId: string,
    notInterested: boolean,
    now: Date,
  ): Promise<boolean> {
    return this.db
      .transaction((): boolean => {
        const pk = this.visiblePaperPk(paperId);
        if (pk === null) return false;
        if (notInterested) {
          this.db
            .prepare('INSERT OR IGNORE INTO not_interested (user_id, paper_pk, created_at) VALUES (?, ?, ?)')
            .run(userId, pk, now.toISOString());
        } else {
          this.db.prepare('DELETE FROM not_interested WHERE user_id = ? AND paper_pk = ?').run(userId, pk);
        }
        return true;
      })
      .immediate();
  }

  async samplePapers(count: number, seed: number): Promise<Paper[]> {
    return this.db.transaction((): Paper[] => {
      const range = this.db.prepare('SELECT min(pk) AS low, max(pk) AS high FROM papers').get() as {
        low: number | null;
        high: number | null;
      };
      if (range.low === null || range.high === null) return [];
      // Row ids are dense (papers are deleted rarely), so ids drawn from their range are a uniform sample.
      const pks = sampleIntegers(range.low, range.high, count, seed);
      const rows = this.db
        .prepare('SELECT * FROM papers WHERE pk IN (SELECT value FROM json_each(?)) AND hidden_at IS NULL')
        .all(JSON.stringify(pks)) as PaperRow[];
      return rows.map(rowToPaper);
    })();
  }

  async recommendationCandidates(request: CandidateRequest): Promise<PaperText[]> {
    const params: Record<string, string | number> = { limit: Math.max(0, request.limit) };
    // Term at a time: each word's papers add the word's weight. The index's row ids are summed in SQLite
    // rather than in JavaScript (tens of thousands of rows); BM25 over an OR of the words would cost as
    // much and ignore the weights. The index holds visible papers only.
    const postings = request.words.flatMap((word, i) => {
      const match = toFtsMatch({ should: [{ text: word.text, prefix: false }], must: [], not: [] });
      if (!match) return [];
      params[`match${i}`] = `{title abstract} : ${match}`;
      params[`weight${i}`] = word.weight;
      return [`SELECT rowid AS pk, @weight${i} AS weight FROM papers_fts WHERE papers_fts MATCH @match${i}`];
    });
    if (postings.length === 0 || request.limit <= 0) return [];
    const window: string[] = [];
    if (request.from) {
      window.push('f.feed_date >= @from');
      params.from = request.from;
    }
    if (request.to) {
      window.push('f.feed_date <= @to');
      params.to = request.to;
    }
    return this.db.transaction((): PaperText[] => {
      const pks = this.db
        .prepare(
          `SELECT c.pk FROM (SELECT pk, sum(weight) AS score FROM (${postings.join(' UNION ALL ')}) GROUP BY pk) c
           ${window.length > 0 ? `JOIN paper_facets f ON f.pk = c.pk WHERE ${window.join(' AND ')}` : ''}
           ORDER BY c.score DESC, c.pk DESC LIMIT @limit`,
        )
        .pluck()
        .all(params) as number[];
      // Only what features are computed from: the candidates' other columns are read for the few shown.
      const rows = this.db
        .prepare(
          'SELECT pk, id, title, abstract, categories FROM papers WHERE pk IN (SELECT value FROM json_each(?))',
        )
        .all(JSON.stringify(pks)) as {
        pk: number;
        id: string;
        title: string;
        abstract: string;
        categories: string;
      }[];
      const byPk = new Map(rows.map((row) => [row.pk, row]));
      return pks.flatMap((pk) => {
        const row = byPk.get(pk);
        return row
          ? [
              {
                id: row.id,
                title: row.title,
                abstract: row.abstract,
                categories: row.categories.split(' ').filter(Boolean),
              },
            ]
          : [];
      });
    })();
  }

  async recommendationModel(userId: number): Promise<string | null> {
    const model = this.db
      .prepare('SELECT model FROM recommendation_models WHERE user_id = ?')
      .pluck()
      .get(userId);
    return typeof model === 'string' ? model : null;
  }

  async saveRecommendationModel(userId: number, model: string, now: Date): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO recommendation_models (user_id, model, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (user_id) DO UPDATE SET model = excluded.model, updated_at = excluded.updated_at`,
      )
      .run(userId, model, now.toISOString());
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
