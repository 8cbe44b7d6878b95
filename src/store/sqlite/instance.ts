/** The SQLite side of instance export and restore (the SQL is shared: store/instance/sql.ts). */
import Database from 'better-sqlite3';
import type { InstanceRecord } from '../instance/records.js';
import type { PlanOutcome } from '../instance/restore.js';
import { exportRows, type RecordPlan, type Row, type Statement } from '../instance/sql.js';

/** Prepared statements by SQL text: a restore or an export runs the same few statements many times. */
function statementCache(db: Database.Database): (sql: string) => Database.Statement {
  const cache = new Map<string, Database.Statement>();
  return (sql) => {
    let statement = cache.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      cache.set(sql, statement);
    }
    return statement;
  };
}

/**
 * Reads the whole instance in one read transaction, so the export is one consistent snapshot while the
 * server goes on writing. A database file gets a connection of its own for it: the store's connection stays
 * free for writes (in WAL mode a reader never blocks them).
 */
export async function* exportSqlite(db: Database.Database): AsyncGenerator<InstanceRecord> {
  const reader = db.memory
    ? db
    : new Database(db.name, { readonly: true, fileMustExist: true, timeout: 5000 });
  const prepare = statementCache(reader);
  const ownTransaction = !reader.inTransaction;
  if (ownTransaction) reader.exec('BEGIN');
  try {
    yield* exportRows(async ({ sql, params }) => prepare(sql).all(...params) as Row[]);
  } finally {
    if (ownTransaction && reader.inTransaction) reader.exec('COMMIT');
    if (reader !== db) reader.close();
  }
}

/** Runs a restore batch in one immediate transaction (see restoreRecords). */
export function runPlansSqlite(
  db: Database.Database,
  updates: Statement[],
  plans: RecordPlan[],
): PlanOutcome[] {
  const prepare = statementCache(db);
  const run = ({ sql, params }: Statement): number => prepare(sql).run(...params).changes;
  return db
    .transaction((): PlanOutcome[] => {
      for (const update of updates) run(update);
      return plans.map((plan) => {
        if (run(plan.insert) > 0) {
          for (const after of plan.after ?? []) run(after);
          return 'inserted';
        }
        return prepare(plan.present.sql).get(...plan.present.params) === undefined ? 'refused' : 'present';
      });
    })
    .immediate();
}
