import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { WalCheckpointer } from './wal-checkpointer.js';
import { MIGRATIONS } from './migrations.js';

/** Below this many papers every query is cheap enough to run on the server's own thread. */
const WORKERS_FROM = 50_000;

/**
 * The connection every section of the SQLite adapter shares: the database opened in WAL mode, its migrations
 * run at start, and prepared statements cached per SQL text.
 */
export abstract class SqliteBase {
  readonly db: Database.Database;

  constructor(
    protected readonly path: string,
    /**
     * From how many papers work that would hold up other requests moves to worker threads: counting every
     * term (FtsStats) and topic trends (TrendWorker). Tests lower it.
     */
    protected readonly workersFrom = WORKERS_FROM,
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

  protected readonly checkpointer: WalCheckpointer | null;

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

  private readonly statements = new Map<string, Database.Statement>();

  /**
   * Statements of hot paths, prepared once per SQL text: pages, searches and digest runs (once per
   * subscriber) run the same few texts over and over. Texts built from a request hold placeholders only,
   * so they are few.
   */
  protected sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  /** The pk of a paper that exists and is not hidden. */
  protected visiblePaperPk(paperId: string): number | null {
    const pk = this.db
      .prepare('SELECT pk FROM papers WHERE id = ? AND hidden_at IS NULL')
      .pluck()
      .get(paperId);
    return (pk as number | undefined) ?? null;
  }
}
