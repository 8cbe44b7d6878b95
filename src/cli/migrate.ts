/** `paperboy migrate`: brings the database schema up to date (serve also does it on start). */
import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { createPool } from '../store/postgres/connection.js';
import { migrate } from '../store/postgres/migrations.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { UsageError } from './main.js';

/** Where a PostgreSQL URL points, without its credentials. */
export function describePostgresUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `PostgreSQL ${parsed.host}${parsed.pathname}`;
  } catch {
    return 'PostgreSQL';
  }
}

async function migratePostgres(url: string): Promise<{ applied: number[]; version: number }> {
  const pool = createPool(url, { max: 1 });
  try {
    return await migrate(pool);
  } catch (err) {
    throw new UsageError(
      `cannot migrate ${describePostgresUrl(url)}: ${err instanceof Error ? err.message : String(err)}`,
    );
  } finally {
    await pool.end();
  }
}

async function migrateSqlite(path: string): Promise<{ applied: number[]; version: number }> {
  const started = new Date().toISOString();
  const store = new SqliteStore(path);
  try {
    const rows = store.db
      .prepare('SELECT version, applied_at FROM schema_migrations ORDER BY version')
      .all() as {
      version: number;
      applied_at: string;
    }[];
    return {
      applied: rows.filter((row) => row.applied_at >= started).map((row) => row.version),
      version: rows.at(-1)?.version ?? 0,
    };
  } finally {
    await store.close();
  }
}

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description(
      'Apply pending database migrations (PostgreSQL at DATABASE_URL, else SQLite at PAPERBOY_DB) and exit. ' +
        'Safe to run from several nodes at once: they take turns on a database lock.',
    )
    .action(async () => {
      const config = loadConfig();
      const target = config.databaseUrl
        ? describePostgresUrl(config.databaseUrl)
        : `SQLite ${config.databasePath}`;
      const { applied, version } = config.databaseUrl
        ? await migratePostgres(config.databaseUrl)
        : await migrateSqlite(config.databasePath);
      console.log(
        applied.length === 0
          ? `${target}: schema already at version ${version}.`
          : `${target}: applied migration${applied.length === 1 ? '' : 's'} ${applied.join(', ')}; schema at version ${version}.`,
      );
    });
}
