/**
 * The SQL both adapters run to export and restore an instance (see records.ts). The two schemas keep the
 * same tables and columns, so one set of statements serves both; `Dialect` covers where they differ.
 * Statements use `?` placeholders (the PostgreSQL adapter numbers them) and cast parameters whose column is
 * not text, since PostgreSQL types a parameter in a SELECT list as text.
 */
import type { PaperInput } from '../../model/paper.js';
import { PAPER_COLUMNS, type PaperRow, rowToPaper } from '../rows.js';
import type { Backend, InstanceRecord, RecordKind, RecordOf } from './records.js';

export interface Statement {
  sql: string;
  params: unknown[];
}

/** A row as either database returns it (SQLite flags as 0/1, PostgreSQL as booleans). */
export type Row = Record<string, unknown>;

// --- export ---

/** Rows per query while exporting: memory stays bounded whatever the size of the instance. */
export const EXPORT_PAGE = 1000;

interface ExportQuery {
  kind: RecordKind;
  columns: string;
  from: string;
  /** A unique key to page through the rows in order (keyset pagination, so every page is an index seek). */
  keys: string[];
  toRecord(row: Row): InstanceRecord;
}

const str = (value: unknown): string => String(value);
const strOrNull = (value: unknown): string | null => (value === null ? null : String(value));
const num = (value: unknown): number => Number(value);

const paperColumns = ['pk', ...PAPER_COLUMNS.split(','), 'num_comments', 'hidden_at']
  .map((column) => `p.${column.trim()}`)
  .join(', ');

const EXPORT_QUERIES: ExportQuery[] = [
  {
    kind: 'paper',
    columns: paperColumns,
    from: 'FROM papers p',
    keys: ['p.pk'],
    toRecord: (row) => {
      const {
        isArxiv: _isArxiv,
        numComments: _numComments,
        ...paper
      } = rowToPaper(row as unknown as PaperRow);
      return { kind: 'paper', ...paper, hiddenAt: strOrNull(row.hidden_at) };
    },
  },
  {
    kind: 'user',
    columns:
      'u.id, u.username, u.email, u.password_hash, u.fullname, u.is_admin, u.suspended_at, u.created_at',
    from: 'FROM users u',
    keys: ['u.id'],
    toRecord: (row) => ({
      kind: 'user',
      id: num(row.id),
      username: str(row.username),
      email: str(row.email),
      passwordHash: str(row.password_hash),
      fullname: str(row.fullname),
      isAdmin: Boolean(row.is_admin),
      suspendedAt: strOrNull(row.suspended_at),
      createdAt: str(row.created_at),
    }),
  },
  ...(['vote', 'not-interested'] as const).map((kind): ExportQuery => ({
    kind,
    columns: 'u.username, p.id AS paper, m.created_at',
    from: `FROM ${kind === 'vote' ? 'votes' : 'not_interested'} m
        JOIN users u ON u.id = m.user_id JOIN papers p ON p.pk = m.paper_pk`,
    keys: ['m.user_id', 'm.paper_pk'],
    toRecord: (row) => ({
      kind,
      user: str(row.username),
      paper: str(row.paper),
      createdAt: str(row.created_at),
    }),
  })),
  {
    // By id: a reply always comes after its parent.
    kind: 'comment',
    columns: `c.id, p.id AS paper, u.username, pu.username AS parent_user, pc.created_at AS parent_created_at,
      c.body, c.created_at, c.edited_at, c.deleted_at, c.hidden_at`,
    from: `FROM comments c JOIN papers p ON p.pk = c.paper_pk JOIN users u ON u.id = c.user_id
      LEFT JOIN comments pc ON pc.id = c.parent_id LEFT JOIN users pu ON pu.id = pc.user_id`,
    keys: ['c.id'],
    toRecord: (row) => ({
      kind: 'comment',
      id: num(row.id),
      paper: str(row.paper),
      user: str(row.username),
      parent:
        row.parent_user === null
          ? null
          : { user: str(row.parent_user), createdAt: str(row.parent_created_at) },
      body: str(row.body),
      createdAt: str(row.created_at),
      editedAt: strOrNull(row.edited_at),
      deletedAt: strOrNull(row.deleted_at),
      hiddenAt: strOrNull(row.hidden_at),
    }),
  },
  {
    kind: 'collection',
    columns: 'c.id, u.username, c.name, c.is_public, c.created_at',
    from: 'FROM collections c JOIN users u ON u.id = c.user_id',
    keys: ['c.id'],
    toRecord: (row) => ({
      kind: 'collection',
      id: num(row.id),
      owner: str(row.username),
      name: str(row.name),
      isPublic: Boolean(row.is_public),
      createdAt: str(row.created_at),
    }),
  },
  {
    kind: 'collection-item',
    columns: 'u.username, c.name, p.id AS paper, cp.added_at',
    from: `FROM collection_papers cp JOIN collections c ON c.id = cp.collection_id
      JOIN users u ON u.id = c.user_id JOIN papers p ON p.pk = cp.paper_pk`,
    keys: ['cp.collection_id', 'cp.paper_pk'],
    toRecord: (row) => ({
      kind: 'collection-item',
      owner: str(row.username),
      collection: str(row.name),
      paper: str(row.paper),
      addedAt: str(row.added_at),
    }),
  },
  {
    kind: 'audit-entry',
    columns: 'a.at, u.username, a.actor, a.action, a.target, a.reason',
    from: 'FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id',
    keys: ['a.id'],
    toRecord: (row) => ({
      kind: 'audit-entry',
      at: str(row.at),
      actorUser: strOrNull(row.username),
      actor: str(row.actor),
      action: str(row.action),
      target: str(row.target),
      reason: str(row.reason),
    }),
  },
  {
    kind: 'harvest-checkpoint',
    columns:
      'h.set_spec, h.last_datestamp, h.pending_token, h.pending_from, h.pending_until, h.pending_pages, h.updated_at',
    from: 'FROM harvest_checkpoints h',
    keys: ['h.set_spec'],
    toRecord: (row) => ({
      kind: 'harvest-checkpoint',
      set: str(row.set_spec),
      lastDatestamp: strOrNull(row.last_datestamp),
      pendingToken: strOrNull(row.pending_token),
      pendingFrom: strOrNull(row.pending_from),
      pendingUntil: strOrNull(row.pending_until),
      pendingPages: num(row.pending_pages),
      updatedAt: str(row.updated_at),
    }),
  },
  {
    kind: 'harvest-run',
    columns: 'r.*',
    from: 'FROM harvest_runs r',
    keys: ['r.id'],
    toRecord: (row) => ({
      kind: 'harvest-run',
      set: str(row.set_spec),
      from: strOrNull(row.from_date),
      until: strOrNull(row.until_date),
      resumed: Boolean(row.resumed),
      owner: strOrNull(row.owner),
      startedAt: str(row.started_at),
      finishedAt: strOrNull(row.finished_at),
      status: str(row.status) as RecordOf<'harvest-run'>['status'],
      pages: num(row.pages),
      records: num(row.records),
      inserted: num(row.inserted),
      updated: num(row.updated),
      unchanged: num(row.unchanged),
      deleted: num(row.deleted),
      skipped: num(row.skipped),
      error: strOrNull(row.error),
    }),
  },
  {
    kind: 'mail-subscriber',
    columns: 's.*',
    from: 'FROM mail_subscribers s',
    keys: ['s.id'],
    toRecord: (row) => ({
      kind: 'mail-subscriber',
      id: num(row.id),
      email: str(row.email),
      status: str(row.status) as RecordOf<'mail-subscriber'>['status'],
      createdAt: str(row.created_at),
      statusChangedAt: str(row.status_changed_at),
      bounceReason: strOrNull(row.bounce_reason),
    }),
  },
  {
    kind: 'mail-topic',
    columns: 's.email, t.topic, t.digest, t.created_at',
    from: 'FROM mail_topics t JOIN mail_subscribers s ON s.id = t.subscriber_id',
    keys: ['t.subscriber_id', 't.topic'],
    toRecord: (row) => ({
      kind: 'mail-topic',
      email: str(row.email),
      topic: str(row.topic),
      digest: str(row.digest) as RecordOf<'mail-topic'>['digest'],
      createdAt: str(row.created_at),
    }),
  },
  {
    kind: 'mail-confirmation',
    columns: 'c.id, s.email, c.topics, c.created_at, c.confirmed_at',
    from: 'FROM mail_confirmations c JOIN mail_subscribers s ON s.id = c.subscriber_id',
    keys: ['c.id'],
    toRecord: (row) => ({
      kind: 'mail-confirmation',
      id: num(row.id),
      email: str(row.email),
      topics: str(row.topics),
      createdAt: str(row.created_at),
      confirmedAt: strOrNull(row.confirmed_at),
    }),
  },
  {
    kind: 'mail-delivery',
    columns: `s.email, d.issue, d.kind, d.status, d.content, d.attempts, d.next_attempt_at, d.last_error,
      d.created_at, d.sent_at, d.smtp_response`,
    from: 'FROM mail_deliveries d JOIN mail_subscribers s ON s.id = d.subscriber_id',
    keys: ['d.id'],
    toRecord: (row) => ({
      kind: 'mail-delivery',
      email: str(row.email),
      issue: str(row.issue),
      mailKind: str(row.kind),
      status: str(row.status) as RecordOf<'mail-delivery'>['status'],
      content: str(row.content),
      attempts: num(row.attempts),
      nextAttemptAt: num(row.next_attempt_at),
      lastError: strOrNull(row.last_error),
      createdAt: str(row.created_at),
      sentAt: strOrNull(row.sent_at),
      smtpResponse: strOrNull(row.smtp_response),
    }),
  },
  {
    kind: 'mail-sent-paper',
    columns: 's.email, sp.digest, sp.paper_id, d.issue',
    from: `FROM mail_sent_papers sp JOIN mail_subscribers s ON s.id = sp.subscriber_id
      JOIN mail_deliveries d ON d.id = sp.delivery_id`,
    keys: ['sp.subscriber_id', 'sp.digest', 'sp.paper_id'],
    toRecord: (row) => ({
      kind: 'mail-sent-paper',
      email: str(row.email),
      digest: str(row.digest),
      paper: str(row.paper_id),
      issue: str(row.issue),
    }),
  },
  {
    kind: 'mail-job',
    columns: 'j.name, j.started_at, j.finished_at',
    from: 'FROM mail_jobs j',
    keys: ['j.name'],
    toRecord: (row) => ({
      kind: 'mail-job',
      name: str(row.name),
      startedAt: str(row.started_at),
      finishedAt: strOrNull(row.finished_at),
    }),
  },
];

/** Runs one read-only query; the export runs them all in one read transaction, so they see one snapshot. */
export type ReadRows = (statement: Statement) => Promise<Row[]>;

/** Every record of the instance, kind after kind in RECORD_KINDS order, a page of rows at a time. */
export async function* exportRows(read: ReadRows): AsyncGenerator<InstanceRecord> {
  for (const query of EXPORT_QUERIES) {
    const keyColumns = query.keys.map((key, i) => `${key} AS k${i}`).join(', ');
    const order = query.keys.join(', ');
    let after: unknown[] | null = null;
    for (;;) {
      const where: string = after === null ? '' : `WHERE (${order}) > (${after.map(() => '?').join(', ')})`;
      const rows: Row[] = await read({
        sql: `SELECT ${keyColumns}, ${query.columns} ${query.from} ${where} ORDER BY ${order} LIMIT ${EXPORT_PAGE}`,
        params: after ?? [],
      });
      for (const row of rows) yield query.toRecord(row);
      const last = rows.at(-1);
      if (!last || rows.length < EXPORT_PAGE) break;
      after = query.keys.map((_, i) => last[`k${i}`]);
    }
  }
}

// --- restore ---

/** What a restore does with one record (other than a paper, which goes through upsertPapers). */
export interface RecordPlan {
  /** Inserts the record unless it is there already; changing a row means it was new. */
  insert: Statement;
  /** Run only when `insert` changed nothing: finds the record already stored. */
  present: Statement;
  /** Why a record neither inserted nor present was refused. */
  refused: string;
  /** Run after an insert (e.g. recounting a paper's comments). */
  after?: Statement[];
  /** The source row id the insert keeps when free (PostgreSQL must move the table's identity past it). */
  keepsId?: { table: IdTable; id: number };
}

/** Tables whose ids a restore keeps: they are signed into links already sent or shown in URLs. */
export type IdTable = 'users' | 'comments' | 'collections' | 'mail_subscribers' | 'mail_confirmations';

const stmt = (sql: string, ...params: unknown[]): Statement => ({ sql, params });
const flag = (value: boolean): number => (value ? 1 : 0);

/** The SQL that differs between the two databases. */
interface Dialect {
  /** A case-insensitive comparison of `column` with one parameter, as the schema's unique index compares. */
  sameText(column: string): string;
  /** The id to insert when the source's is taken (two parameters: the id, twice). */
  keepId(table: IdTable): string;
}

const DIALECTS: Record<Backend, Dialect> = {
  sqlite: {
    sameText: (column) => `${column} = ? COLLATE NOCASE`,
    // NULL gives an INTEGER PRIMARY KEY the next free id (past every id ever used, for AUTOINCREMENT tables).
    keepId: (table) => `CASE WHEN EXISTS (SELECT 1 FROM ${table} WHERE id = ?) THEN NULL ELSE ? END`,
  },
  postgres: {
    sameText: (column) => `lower(${column}) = lower(?)`,
    keepId: (table) =>
      `CASE WHEN EXISTS (SELECT 1 FROM ${table} WHERE id = CAST(? AS bigint))
        THEN nextval(pg_get_serial_sequence('${table}', 'id')) ELSE CAST(? AS bigint) END`,
  },
};

/** A record as a PaperInput, for upsertPapers (which keeps the derived tables and indexes right). */
export function paperInput(record: RecordOf<'paper'>): PaperInput {
  const { kind: _kind, hiddenAt: _hiddenAt, ...paper } = record;
  return paper;
}

/** Hides a restored paper the export had hidden (a paper the target hides stays hidden). */
export function hidePaper(record: RecordOf<'paper'>): Statement | null {
  return record.hiddenAt === null
    ? null
    : stmt('UPDATE papers SET hidden_at = ? WHERE id = ? AND hidden_at IS NULL', record.hiddenAt, record.id);
}

/** The plan of every record but a paper. */
export function planRecord(record: Exclude<InstanceRecord, RecordOf<'paper'>>, backend: Backend): RecordPlan {
  const d = DIALECTS[backend];
  const userId = `(SELECT id FROM users WHERE ${d.sameText('username')})`;
  const paperPk = '(SELECT pk FROM papers WHERE id = ?)';
  const subscriberId = '(SELECT id FROM mail_subscribers WHERE email = ?)';
  const collectionId = `(SELECT id FROM collections WHERE user_id = ${userId} AND ${d.sameText('name')})`;
  switch (record.kind) {
    case 'user': {
      const r = record;
      return {
        insert: stmt(
          `INSERT INTO users (id, username, email, password_hash, fullname, is_admin, suspended_at, created_at)
           SELECT ${d.keepId('users')}, ?, ?, ?, ?, CAST(? AS boolean), ?, ?
           WHERE NOT EXISTS (SELECT 1 FROM users WHERE ${d.sameText('username')} OR ${d.sameText('email')})
           ON CONFLICT DO NOTHING`,
          ...[r.id, r.id, r.username, r.email, r.passwordHash, r.fullname, flag(r.isAdmin)],
          ...[r.suspendedAt, r.createdAt, r.username, r.email],
        ),
        present: stmt(`SELECT 1 FROM users WHERE ${d.sameText('username')}`, r.username),
        refused: `another account has the username or email of user ${r.username}`,
        keepsId: { table: 'users', id: r.id },
      };
    }
    case 'vote':
    case 'not-interested': {
      const r = record;
      const table = r.kind === 'vote' ? 'votes' : 'not_interested';
      return {
        insert: stmt(
          `INSERT INTO ${table} (user_id, paper_pk, created_at)
           SELECT ${userId}, ${paperPk}, ? WHERE ${userId} IS NOT NULL AND ${paperPk} IS NOT NULL
           ON CONFLICT DO NOTHING`,
          ...[r.user, r.paper, r.createdAt, r.user, r.paper],
        ),
        present: stmt(
          `SELECT 1 FROM ${table} WHERE user_id = ${userId} AND paper_pk = ${paperPk}`,
          r.user,
          r.paper,
        ),
        refused: `unknown user ${r.user} or paper ${r.paper}`,
      };
    }
    case 'comment': {
      const r = record;
      const parentId = r.parent
        ? `(SELECT id FROM comments WHERE paper_pk = ${paperPk} AND user_id = ${userId} AND created_at = ?)`
        : 'NULL';
      const parentParams = r.parent ? [r.paper, r.parent.user, r.parent.createdAt] : [];
      const found = `SELECT 1 FROM comments WHERE paper_pk = ${paperPk} AND user_id = ${userId} AND created_at = ?`;
      return {
        insert: stmt(
          `INSERT INTO comments (id, paper_pk, user_id, parent_id, body, created_at, edited_at, deleted_at, hidden_at)
           SELECT ${d.keepId('comments')}, ${paperPk}, ${userId}, ${parentId}, ?, ?, ?, ?, ?
           WHERE ${paperPk} IS NOT NULL AND ${userId} IS NOT NULL
             ${r.parent ? `AND ${parentId} IS NOT NULL` : ''} AND NOT EXISTS (${found})
           ON CONFLICT DO NOTHING`,
          ...[r.id, r.id, r.paper, r.user, ...parentParams],
          ...[r.body, r.createdAt, r.editedAt, r.deletedAt, r.hiddenAt],
          ...[r.paper, r.user, ...parentParams, r.paper, r.user, r.createdAt],
        ),
        present: stmt(found, r.paper, r.user, r.createdAt),
        refused: r.parent
          ? `unknown paper ${r.paper}, user ${r.user} or parent comment`
          : `unknown paper ${r.paper} or user ${r.user}`,
        after: [
          // As the adapters recount: visible comments and distinct visible commenters.
          stmt(
            `UPDATE papers SET
               num_comments = (SELECT count(*) FROM comments c
                 WHERE c.paper_pk = papers.pk AND c.deleted_at IS NULL AND c.hidden_at IS NULL),
               commenters = (SELECT count(DISTINCT c.user_id) FROM comments c
                 WHERE c.paper_pk = papers.pk AND c.deleted_at IS NULL AND c.hidden_at IS NULL)
             WHERE id = ?`,
            r.paper,
          ),
        ],
        keepsId: { table: 'comments', id: r.id },
      };
    }
    case 'collection': {
      const r = record;
      return {
        insert: stmt(
          `INSERT INTO collections (id, user_id, name, is_public, created_at)
           SELECT ${d.keepId('collections')}, ${userId}, ?, CAST(? AS boolean), ?
           WHERE ${userId} IS NOT NULL ON CONFLICT DO NOTHING`,
          ...[r.id, r.id, r.owner, r.name, flag(r.isPublic), r.createdAt, r.owner],
        ),
        present: stmt(`SELECT 1 FROM collections WHERE id = ${collectionId}`, r.owner, r.name),
        refused: `unknown user ${r.owner}`,
        keepsId: { table: 'collections', id: r.id },
      };
    }
    case 'collection-item': {
      const r = record;
      return {
        insert: stmt(
          `INSERT INTO collection_papers (collection_id, paper_pk, added_at)
           SELECT ${collectionId}, ${paperPk}, ? WHERE ${collectionId} IS NOT NULL AND ${paperPk} IS NOT NULL
           ON CONFLICT DO NOTHING`,
          ...[r.owner, r.collection, r.paper, r.addedAt, r.owner, r.collection, r.paper],
        ),
        present: stmt(
          `SELECT 1 FROM collection_papers WHERE collection_id = ${collectionId} AND paper_pk = ${paperPk}`,
          ...[r.owner, r.collection, r.paper],
        ),
        refused: `unknown collection ${r.owner}/${r.collection} or paper ${r.paper}`,
      };
    }
    case 'audit-entry': {
      const r = record;
      const same = 'at = ? AND actor = ? AND action = ? AND target = ? AND reason = ?';
      const fields = [r.at, r.actor, r.action, r.target, r.reason];
      return {
        insert: stmt(
          `INSERT INTO audit_log (actor_id, at, actor, action, target, reason)
           SELECT ${r.actorUser === null ? 'NULL' : userId}, ?, ?, ?, ?, ?
           WHERE NOT EXISTS (SELECT 1 FROM audit_log WHERE ${same})`,
          ...(r.actorUser === null ? [] : [r.actorUser]),
          ...fields,
          ...fields,
        ),
        present: stmt(`SELECT 1 FROM audit_log WHERE ${same}`, ...fields),
        refused: 'audit entry not stored',
      };
    }
    case 'harvest-checkpoint': {
      const r = record;
      return {
        insert: stmt(
          `INSERT INTO harvest_checkpoints
             (set_spec, last_datestamp, pending_token, pending_from, pending_until, pending_pages, updated_at)
           SELECT ?, ?, ?, ?, ?, CAST(? AS integer), ? WHERE true ON CONFLICT DO NOTHING`,
          ...[r.set, r.lastDatestamp, r.pendingToken, r.pendingFrom, r.pendingUntil, r.pendingPages],
          r.updatedAt,
        ),
        present: stmt('SELECT 1 FROM harvest_checkpoints WHERE set_spec = ?', r.set),
        refused: `harvest checkpoint ${r.set} not stored`,
      };
    }
    case 'harvest-run': {
      const r = record;
      const counts = [r.pages, r.records, r.inserted, r.updated, r.unchanged, r.deleted, r.skipped];
      return {
        insert: stmt(
          `INSERT INTO harvest_runs (set_spec, from_date, until_date, resumed, owner, started_at, finished_at,
             status, pages, records, inserted, updated, unchanged, deleted, skipped, error)
           SELECT ?, ?, ?, CAST(? AS boolean), ?, ?, ?, ?, ${counts.map(() => 'CAST(? AS integer)').join(', ')}, ?
           WHERE NOT EXISTS (SELECT 1 FROM harvest_runs WHERE set_spec = ? AND started_at = ?)`,
          ...[r.set, r.from, r.until, flag(r.resumed), r.owner, r.startedAt, r.finishedAt, r.status],
          ...[...counts, r.error, r.set, r.startedAt],
        ),
        present: stmt('SELECT 1 FROM harvest_runs WHERE set_spec = ? AND started_at = ?', r.set, r.startedAt),
        refused: 'harvest run not stored',
      };
    }
    case 'mail-subscriber': {
      const r = record;
      return {
        insert: stmt(
          `INSERT INTO mail_subscribers (id, email, status, created_at, status_changed_at, bounce_reason)
           SELECT ${d.keepId('mail_subscribers')}, ?, ?, ?, ?, ? WHERE true ON CONFLICT DO NOTHING`,
          ...[r.id, r.id, r.email, r.status, r.createdAt, r.statusChangedAt, r.bounceReason],
        ),
        present: stmt('SELECT 1 FROM mail_subscribers WHERE email = ?', r.email),
        refused: `subscriber ${r.email} not stored`,
        keepsId: { table: 'mail_subscribers', id: r.id },
      };
    }
    case 'mail-topic': {
      const r = record;
      return {
        insert: stmt(
          `INSERT INTO mail_topics (subscriber_id, topic, digest, created_at)
           SELECT ${subscriberId}, ?, ?, ? WHERE ${subscriberId} IS NOT NULL ON CONFLICT DO NOTHING`,
          ...[r.email, r.topic, r.digest, r.createdAt, r.email],
        ),
        present: stmt(
          `SELECT 1 FROM mail_topics WHERE subscriber_id = ${subscriberId} AND topic = ?`,
          r.email,
          r.topic,
        ),
        refused: `unknown subscriber ${r.email}`,
      };
    }
    case 'mail-confirmation': {
      const r = record;
      const found = `SELECT 1 FROM mail_confirmations WHERE subscriber_id = ${subscriberId} AND created_at = ? AND topics = ?`;
      return {
        insert: stmt(
          `INSERT INTO mail_confirmations (id, subscriber_id, topics, created_at, confirmed_at)
           SELECT ${d.keepId('mail_confirmations')}, ${subscriberId}, ?, ?, ?
           WHERE ${subscriberId} IS NOT NULL AND NOT EXISTS (${found})`,
          ...[r.id, r.id, r.email, r.topics, r.createdAt, r.confirmedAt, r.email],
          ...[r.email, r.createdAt, r.topics],
        ),
        present: stmt(found, r.email, r.createdAt, r.topics),
        refused: `unknown subscriber ${r.email}`,
        keepsId: { table: 'mail_confirmations', id: r.id },
      };
    }
    case 'mail-delivery': {
      const r = record;
      return {
        insert: stmt(
          `INSERT INTO mail_deliveries (subscriber_id, issue, kind, status, content, attempts, next_attempt_at,
             last_error, created_at, sent_at, smtp_response)
           SELECT ${subscriberId}, ?, ?, ?, ?, CAST(? AS integer), CAST(? AS bigint), ?, ?, ?, ?
           WHERE ${subscriberId} IS NOT NULL ON CONFLICT DO NOTHING`,
          ...[r.email, r.issue, r.mailKind, r.status, r.content, r.attempts, r.nextAttemptAt],
          ...[r.lastError, r.createdAt, r.sentAt, r.smtpResponse, r.email],
        ),
        present: stmt(
          `SELECT 1 FROM mail_deliveries WHERE subscriber_id = ${subscriberId} AND issue = ?`,
          r.email,
          r.issue,
        ),
        refused: `unknown subscriber ${r.email}`,
      };
    }
    case 'mail-sent-paper': {
      const r = record;
      const deliveryId = `(SELECT id FROM mail_deliveries WHERE subscriber_id = ${subscriberId} AND issue = ?)`;
      return {
        insert: stmt(
          `INSERT INTO mail_sent_papers (subscriber_id, digest, paper_id, delivery_id)
           SELECT ${subscriberId}, ?, ?, ${deliveryId} WHERE ${deliveryId} IS NOT NULL ON CONFLICT DO NOTHING`,
          ...[r.email, r.digest, r.paper, r.email, r.issue, r.email, r.issue],
        ),
        present: stmt(
          `SELECT 1 FROM mail_sent_papers WHERE subscriber_id = ${subscriberId} AND digest = ? AND paper_id = ?`,
          ...[r.email, r.digest, r.paper],
        ),
        refused: `unknown send-log row ${r.email} ${r.issue}`,
      };
    }
    case 'mail-job': {
      const r = record;
      return {
        insert: stmt(
          `INSERT INTO mail_jobs (name, owner, lease_expires_at, started_at, finished_at)
           SELECT ?, NULL, NULL, ?, ? WHERE true ON CONFLICT DO NOTHING`,
          ...[r.name, r.startedAt, r.finishedAt],
        ),
        present: stmt('SELECT 1 FROM mail_jobs WHERE name = ?', r.name),
        refused: `mail job ${r.name} not stored`,
      };
    }
  }
}
