/** The PostgreSQL side of instance export and restore (the SQL is shared: store/instance/sql.ts). */
import type pg from 'pg';
import type { InstanceRecord } from '../instance/records.js';
import type { PlanOutcome } from '../instance/restore.js';
import { exportRows, type IdTable, type RecordPlan, type Row, type Statement } from '../instance/sql.js';
import { changesOf, rowsOf } from './base.js';

/** The shared statements' `?` placeholders as PostgreSQL's `$1, $2, …` (none of them has a `?` in a literal). */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** Reads the whole instance in one repeatable-read transaction: one consistent snapshot, a page at a time. */
export async function* exportPostgres(pool: pg.Pool): AsyncGenerator<InstanceRecord> {
  const client = await pool.connect();
  let open = false;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    open = true;
    yield* exportRows(({ sql, params }) => rowsOf<Row>(client, numbered(sql), params));
    await client.query('COMMIT');
    open = false;
  } finally {
    // A consumer that stops early leaves the transaction open: it must not go back to the pool so.
    if (open) await client.query('ROLLBACK').catch(() => undefined);
    client.release();
  }
}

/**
 * Runs a restore batch in the given transaction (see restoreRecords). Rows that keep their source id take
 * it explicitly, so each table's identity first moves past the batch's ids: ids it hands out later (to rows
 * whose id was taken, and to new rows after the restore) can then collide with none of them.
 */
export async function runPlansPostgres(
  tx: pg.PoolClient,
  updates: Statement[],
  plans: RecordPlan[],
): Promise<PlanOutcome[]> {
  const run = ({ sql, params }: Statement): Promise<number> => changesOf(tx, numbered(sql), params);
  const highest = new Map<IdTable, number>();
  for (const { keepsId } of plans) {
    if (keepsId) highest.set(keepsId.table, Math.max(highest.get(keepsId.table) ?? 0, keepsId.id));
  }
  for (const [table, id] of highest) {
    const sequence = `pg_get_serial_sequence('${table}', 'id')`;
    await tx.query(
      `SELECT setval(${sequence}, greatest($1::bigint, (SELECT coalesce(max(id), 0) FROM ${table}), nextval(${sequence})))`,
      [id],
    );
  }
  for (const update of updates) await run(update);
  const outcomes: PlanOutcome[] = [];
  for (const plan of plans) {
    if ((await run(plan.insert)) > 0) {
      for (const after of plan.after ?? []) await run(after);
      outcomes.push('inserted');
    } else {
      const found = await rowsOf(tx, numbered(plan.present.sql), plan.present.params);
      outcomes.push(found.length > 0 ? 'present' : 'refused');
    }
  }
  return outcomes;
}
