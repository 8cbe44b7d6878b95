import type pg from 'pg';
import { type PaperRow, PAPER_COLUMNS } from '../rows.js';
import { createPool, inTransaction, type Queryable } from './connection.js';
import { migrate, type MigrationResult } from './migrations.js';

/** The text search configuration of the index (see migrations.ts). */
export const TS_CONFIG = 'paperboy_english';

/** A paper's stored fields, without the search vector (which only the database reads). */
export function paperFields(alias: string): string {
  return ['pk', ...PAPER_COLUMNS.split(','), 'num_comments', 'hidden_at']
    .map((column) => `${alias}.${column.trim()}`)
    .join(', ');
}

export type { PaperRow };

/**
 * PostgreSQL text cannot hold NUL characters, which SQLite stores and hostile input may carry; they
 * are dropped rather than failing the statement.
 */
function withoutNul(value: unknown): unknown {
  if (typeof value === 'string') return value.includes('\0') ? value.replaceAll('\0', '') : value;
  if (Array.isArray(value)) return value.map(withoutNul);
  return value;
}

/** Runs one statement and returns its rows. */
export async function rowsOf<R extends pg.QueryResultRow>(
  db: Queryable,
  sql: string,
  params: unknown[] = [],
): Promise<R[]> {
  const result = await db.query<R>(sql, params.map(withoutNul));
  return result.rows;
}

/** Runs one statement and returns how many rows it changed. */
export async function changesOf(db: Queryable, sql: string, params: unknown[] = []): Promise<number> {
  const result = await db.query(sql, params.map(withoutNul));
  return result.rowCount ?? 0;
}

const CALENDAR_DAY = /^\d{4}-\d{2}-\d{2}$/;

function isCalendarDay(text: string): boolean {
  if (!CALENDAR_DAY.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  // PostgreSQL has no year 0 (1 BC comes before 1 AD).
  return !text.startsWith('0000') && !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}

/**
 * A comparison of a `date` column with a day the caller passes as text. A real day uses the column's
 * index; anything else (`2025-13-40`, `yesterday`) is compared as text, as SQLite compares it, instead of
 * failing the cast.
 */
export function dayCondition(
  column: string,
  operator: '<' | '<=' | '>' | '>=',
  placeholder: string,
  day: string,
): string {
  return isCalendarDay(day)
    ? `${column} ${operator} ${placeholder}::date`
    : `${column}::text ${operator} ${placeholder}`;
}

/**
 * What every section of the PostgreSQL adapter builds on: the connection pool, and the schema migration
 * that every query waits for. Opening is synchronous like the SQLite adapter's; migrations run in the
 * background from the constructor, and the first query reports their failure.
 */
export abstract class PgBase {
  readonly pool: pg.Pool;
  /** Resolves once the schema is current. */
  readonly ready: Promise<MigrationResult>;

  constructor(connectionString: string, options: { poolSize?: number } = {}) {
    this.pool = createPool(connectionString, { max: options.poolSize });
    this.ready = migrate(this.pool);
    // Every query awaits `ready` and so reports a failed migration; this only keeps a failure that no
    // query has awaited yet from counting as an unhandled rejection.
    this.ready.catch(() => undefined);
  }

  protected async rows<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
    await this.ready;
    return rowsOf<R>(this.pool, sql, params);
  }

  protected async row<R extends pg.QueryResultRow>(
    sql: string,
    params: unknown[] = [],
  ): Promise<R | undefined> {
    return (await this.rows<R>(sql, params))[0];
  }

  protected async changes(sql: string, params: unknown[] = []): Promise<number> {
    await this.ready;
    return changesOf(this.pool, sql, params);
  }

  /** One transaction, run again on a deadlock or serialization failure (see inTransaction). */
  protected async transaction<T>(work: (tx: pg.PoolClient) => Promise<T>): Promise<T> {
    await this.ready;
    return inTransaction(this.pool, work);
  }

  /**
   * A read-only transaction for full-text statements. The planner prices a text match as cheap per row, so
   * for a common word it reads the whole table and unpacks every paper's search vector to test it instead
   * of taking the word's rows from the GIN index (580 ms against 75 ms to count `learning` in the 74,728
   * papers of the arXiv listings).
   */
  protected async searching<T>(work: (tx: pg.PoolClient) => Promise<T>): Promise<T> {
    await this.ready;
    return inTransaction(this.pool, work, 'BEGIN READ ONLY; SET LOCAL enable_seqscan = off');
  }

  prepareToServe(): void {
    // PostgreSQL keeps its own statistics: nothing to start.
  }

  async close(): Promise<void> {
    await this.ready.catch(() => undefined);
    await this.pool.end();
  }
}
