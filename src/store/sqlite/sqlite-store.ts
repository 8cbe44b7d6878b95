import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { isArxivId } from '../../model/arxiv-id.js';
import { mergePaper } from '../../model/merge.js';
import type { Paper, PaperInput } from '../../model/paper.js';
import { HIGHLIGHT_END, HIGHLIGHT_START } from '../../search/highlight.js';
import type {
  FeedNeighbours,
  FeedQuery,
  PageOf,
  SearchHit,
  SearchRequest,
  Store,
  UpsertSummary,
} from '../store.js';
import { toFtsMatch } from './fts-query.js';
import { MIGRATIONS } from './migrations.js';

interface PaperRow {
  pk: number;
  id: string;
  is_arxiv: number;
  version: number | null;
  title: string;
  authors: string;
  abstract: string;
  categories: string;
  published_at: string | null;
  updated_at: string | null;
  feed_date: string;
  comment: string | null;
  journal_ref: string | null;
  doi: string | null;
  code_url: string | null;
  project_url: string | null;
  upvotes: number;
  submitter_user: string | null;
  submitter_fullname: string | null;
  submitter_avatar: string | null;
  github_stars: number | null;
  ai_summary: string | null;
  ai_keywords: string;
  organization: string | null;
  num_comments: number;
}

const PAPER_COLUMNS = `id, is_arxiv, version, title, authors, abstract, categories, published_at, updated_at,
  feed_date, comment, journal_ref, doi, code_url, project_url, upvotes, submitter_user, submitter_fullname,
  submitter_avatar, github_stars, ai_summary, ai_keywords, organization`;

function splitList(text: string, separator: string): string[] {
  return text === '' ? [] : text.split(separator);
}

function rowToPaper(row: PaperRow): Paper {
  return {
    id: row.id,
    isArxiv: row.is_arxiv === 1,
    version: row.version,
    title: row.title,
    authors: splitList(row.authors, '\n'),
    abstract: row.abstract,
    categories: splitList(row.categories, ' '),
    publishedAt: row.published_at,
    updatedAt: row.updated_at,
    feedDate: row.feed_date,
    comment: row.comment,
    journalRef: row.journal_ref,
    doi: row.doi,
    codeUrl: row.code_url,
    projectUrl: row.project_url,
    upvotes: row.upvotes,
    submittedBy: row.submitter_user
      ? {
          user: row.submitter_user,
          fullname: row.submitter_fullname ?? row.submitter_user,
          avatarUrl: row.submitter_avatar,
        }
      : null,
    githubStars: row.github_stars,
    aiSummary: row.ai_summary,
    aiKeywords: JSON.parse(row.ai_keywords) as string[],
    organization: row.organization,
    numComments: row.num_comments,
  };
}

function paperParams(p: PaperInput): unknown[] {
  return [
    p.id,
    isArxivId(p.id) ? 1 : 0,
    p.version,
    p.title,
    p.authors.join('\n'),
    p.abstract,
    p.categories.join(' '),
    p.publishedAt,
    p.updatedAt,
    p.feedDate,
    p.comment,
    p.journalRef,
    p.doi,
    p.codeUrl,
    p.projectUrl,
    p.upvotes,
    p.submittedBy?.user ?? null,
    p.submittedBy?.fullname ?? null,
    p.submittedBy?.avatarUrl ?? null,
    p.githubStars,
    p.aiSummary,
    JSON.stringify(p.aiKeywords),
    p.organization,
  ];
}

const SNIPPET_TOKENS = 40;

export class SqliteStore implements Store {
  readonly db: Database.Database;

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    // NORMAL is durable across application crashes in WAL mode; only an OS crash can lose the last commits.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.migrate();
  }

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

  private readonly selectPaper = (): Database.Statement<[string], PaperRow> =>
    this.db.prepare('SELECT * FROM papers WHERE id = ?');

  async upsertPapers(papers: PaperInput[]): Promise<UpsertSummary> {
    const select = this.selectPaper();
    const placeholders = PAPER_COLUMNS.split(',')
      .map(() => '?')
      .join(', ');
    const insert = this.db.prepare(`INSERT INTO papers (${PAPER_COLUMNS}) VALUES (${placeholders})`);
    const update = this.db.prepare(`UPDATE papers SET (${PAPER_COLUMNS}) = (${placeholders}) WHERE pk = ?`);
    const clearCategories = this.db.prepare('DELETE FROM paper_categories WHERE paper_pk = ?');
    const addCategory = this.db.prepare(
      'INSERT OR IGNORE INTO paper_categories (category, paper_pk) VALUES (?, ?)',
    );
    const summary: UpsertSummary = { inserted: 0, updated: 0, unchanged: 0 };
    const writeCategories = (pk: number | bigint, categories: string[]): void => {
      for (const category of categories) addCategory.run(category, pk);
    };
    this.db
      .transaction(() => {
        for (const incoming of papers) {
          const row = select.get(incoming.id);
          if (!row) {
            const { lastInsertRowid } = insert.run(...paperParams(incoming));
            writeCategories(lastInsertRowid, incoming.categories);
            summary.inserted++;
            continue;
          }
          const merged = mergePaper(rowToPaper(row), incoming);
          if (!merged) {
            summary.unchanged++;
            continue;
          }
          update.run(...paperParams(merged), row.pk);
          if (merged.categories.join(' ') !== row.categories) {
            clearCategories.run(row.pk);
            writeCategories(row.pk, merged.categories);
          }
          summary.updated++;
        }
      })
      .immediate();
    return summary;
  }

  async getPaper(id: string): Promise<Paper | null> {
    const row = this.selectPaper().get(id);
    return row ? rowToPaper(row) : null;
  }

  async countPapers(): Promise<number> {
    return this.db.prepare('SELECT count(*) FROM papers').pluck().get() as number;
  }

  async latestFeedDay(): Promise<string | null> {
    return (this.db.prepare('SELECT max(feed_date) FROM papers').pluck().get() as string | null) ?? null;
  }

  async feedNeighbours(from: string, to: string): Promise<FeedNeighbours> {
    const previous = this.db
      .prepare('SELECT max(feed_date) FROM papers WHERE feed_date < ?')
      .pluck()
      .get(from);
    const next = this.db.prepare('SELECT min(feed_date) FROM papers WHERE feed_date > ?').pluck().get(to);
    return { previous: (previous as string | null) ?? null, next: (next as string | null) ?? null };
  }

  async listFeed(query: FeedQuery): Promise<PageOf<Paper>> {
    const where = ['feed_date BETWEEN ? AND ?'];
    const params: unknown[] = [query.from, query.to];
    if (query.submitter) {
      where.push('submitter_user = ?');
      params.push(query.submitter);
    }
    const order =
      query.sort === 'newest' ? 'feed_date DESC, pk DESC' : 'upvotes DESC, feed_date DESC, pk DESC';
    const sql = `FROM papers WHERE ${where.join(' AND ')}`;
    const rows = this.db
      .prepare(`SELECT * ${sql} ORDER BY ${order} LIMIT ? OFFSET ?`)
      .all(...params, query.limit, query.offset) as PaperRow[];
    const total = this.db
      .prepare(`SELECT count(*) ${sql}`)
      .pluck()
      .get(...params) as number;
    return { items: rows.map(rowToPaper), total };
  }

  async search(request: SearchRequest): Promise<PageOf<SearchHit>> {
    const match = toFtsMatch(request.query);
    if (!match) return { items: [], total: 0 };
    const where = ['papers_fts MATCH ?'];
    const params: unknown[] = [match];
    const { category, from, to, hasCode } = request.filters;
    if (category) {
      where.push('p.pk IN (SELECT paper_pk FROM paper_categories WHERE category = ?)');
      params.push(category);
    }
    if (from) {
      where.push('p.feed_date >= ?');
      params.push(from);
    }
    if (to) {
      where.push('p.feed_date <= ?');
      params.push(to);
    }
    if (hasCode) where.push('p.code_url IS NOT NULL');
    const order = {
      relevance: 'papers_fts.rank',
      newest: 'p.feed_date DESC, papers_fts.rank',
      upvotes: 'p.upvotes DESC, papers_fts.rank',
    }[request.sort];
    const body = `FROM papers_fts JOIN papers p ON p.pk = papers_fts.rowid WHERE ${where.join(' AND ')}`;
    // One read transaction, so ranking, counting and highlighting all see the same snapshot.
    return this.db.transaction((): PageOf<SearchHit> => {
      const ranked = this.db
        .prepare(`SELECT p.pk, papers_fts.rank AS rank ${body} ORDER BY ${order} LIMIT ? OFFSET ?`)
        .all(...params, request.limit, request.offset) as { pk: number; rank: number }[];
      const total = this.db
        .prepare(`SELECT count(*) ${body}`)
        .pluck()
        .get(...params) as number;
      // Highlights are computed for the page only: snippet() over every match would dominate the query.
      const highlight = this.db.prepare(
        `SELECT p.*, highlight(papers_fts, 0, ?, ?) AS title_hl, snippet(papers_fts, 1, ?, ?, '…', ?) AS snippet
         FROM papers_fts JOIN papers p ON p.pk = papers_fts.rowid WHERE papers_fts MATCH ? AND papers_fts.rowid = ?`,
      );
      const marks = [HIGHLIGHT_START, HIGHLIGHT_END, HIGHLIGHT_START, HIGHLIGHT_END, SNIPPET_TOKENS];
      const items = ranked.flatMap(({ pk, rank }): SearchHit[] => {
        const row = highlight.get(...marks, match, pk) as
          (PaperRow & { title_hl: string; snippet: string }) | undefined;
        return row
          ? [{ paper: rowToPaper(row), score: -rank, titleHighlighted: row.title_hl, snippet: row.snippet }]
          : [];
      });
      return { items, total };
    })();
  }

  async categories(): Promise<{ category: string; count: number }[]> {
    return this.db
      .prepare(
        'SELECT category, count(*) AS count FROM paper_categories GROUP BY category ORDER BY count DESC, category',
      )
      .all() as { category: string; count: number }[];
  }

  async close(): Promise<void> {
    this.db.close();
  }

  // --- harvest (arXiv ingestion) ---

  // --- community (accounts, votes, comments, collections) ---

  // --- mail (subscriptions, digests, send log) ---
}
