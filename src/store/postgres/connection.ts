import pg from 'pg';

/** Runs queries: the pool outside a transaction, the transaction's client inside one. */
export type Queryable = Pick<pg.ClientBase, 'query'>;

const { builtins } = pg.types;

/**
 * Values come back as the Store's records want them: bigint ids and counts as numbers (ids stay far
 * below 2^53), days (`date`) as the `YYYY-MM-DD` text they were written as rather than a Date at local
 * midnight.
 */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === builtins.INT8) return (value: string) => Number(value);
    if (oid === builtins.DATE) return (value: string) => value;
    return pg.types.getTypeParser(oid, format);
  }) as pg.CustomTypesConfig['getTypeParser'],
};

// Serialization failures and deadlocks: the transaction did nothing and can simply run again.
const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 5;

export function pgErrorCode(err: unknown): string | undefined {
  return err instanceof Error ? (err as { code?: string }).code : undefined;
}

/** True for a unique-constraint violation, optionally of the named constraint or index. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  return (
    pgErrorCode(err) === '23505' &&
    (constraint === undefined || (err as { constraint?: string }).constraint === constraint)
  );
}

export function createPool(connectionString: string, options: { max?: number } = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    types,
    max: options.max ?? 10,
    application_name: 'paperboy',
    // JIT compilation pays off for long analytical queries; Paperboy's take milliseconds, and the text
    // search ones look expensive to the planner, so JIT would add its compile time (often 50-100 ms).
    onConnect: async (client) => {
      await client.query('SET jit = off');
    },
  });
  // An idle connection the server dropped (restart, failover) is discarded by the pool, which opens a new
  // one for the next query; without a listener the event would crash the process.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * Runs `work` in one transaction on one connection. Deadlocks and serialization failures, which other
 * nodes' concurrent writes can cause, roll back and run `work` again, so it must not have effects outside
 * the database.
 */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (tx: pg.PoolClient) => Promise<T>,
  begin = 'BEGIN',
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query(begin);
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      const code = pgErrorCode(err);
      if (attempt >= MAX_ATTEMPTS || code === undefined || !RETRYABLE.has(code)) throw err;
    } finally {
      // A connection that could not even roll back is closed rather than handed to the next caller.
      client.release(broken);
    }
  }
}
