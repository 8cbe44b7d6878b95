import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The PostgreSQL server tests use: a database on it to connect to while creating scratch databases.
 * CI and this machine run PostgreSQL on 127.0.0.1:5432 with trust authentication.
 */
export const PG_TEST_URL = process.env.PAPERBOY_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

export interface ScratchDatabase {
  name: string;
  /** Connection URL of the scratch database. */
  url: string;
  /**
   * Empties every table but the migration log, restarting identities and forgetting table statistics: a
   * migrated, empty database.
   */
  reset(): Promise<void>;
  /** Drops the database, closing whatever connections are still open to it. */
  drop(): Promise<void>;
}

function urlFor(database: string): string {
  const url = new URL(PG_TEST_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

async function withClient<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Creates an empty database named `paperboy_test_<pid>_<random>`, for one test file or one test. */
export async function createScratchDatabase(): Promise<ScratchDatabase> {
  const name = `paperboy_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withClient(PG_TEST_URL, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = urlFor(name);
  return {
    name,
    url,
    reset: () =>
      withClient(url, async (client) => {
        const { rows } = await client.query<{ statement: string | null }>(
          `SELECT string_agg(format('DELETE FROM %I', tablename), '; ') AS statement FROM pg_tables
           WHERE schemaname = current_schema() AND tablename <> 'schema_migrations'
           UNION ALL
           SELECT string_agg(format('ALTER SEQUENCE %I RESTART', sequencename), '; ') FROM pg_sequences
           WHERE schemaname = current_schema()`,
        );
        // DELETE rather than TRUNCATE: a test's few rows go in milliseconds, where TRUNCATE makes new files
        // for every table. Without foreign-key triggers (replica role) the tables empty in any order.
        const statements = rows.flatMap((row) => (row.statement ? [row.statement] : []));
        await client.query(`SET session_replication_role = replica; ${statements.join('; ')}`);
        // ANALYZE keeps the statistics of the old rows (an empty table gets none new); the adapter reads
        // word frequencies from them, so they would describe another test's papers.
        await client.query(
          `DELETE FROM pg_statistic WHERE starelid IN
             (SELECT oid FROM pg_class WHERE relnamespace = current_schema()::regnamespace)`,
        );
      }),
    drop: () =>
      withClient(PG_TEST_URL, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(
        () => undefined,
      ),
  };
}
