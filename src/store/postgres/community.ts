import type pg from 'pg';
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
import type { Paper } from '../../model/paper.js';
import { type PaperRow, rowToPaper } from '../rows.js';
import {
  COLLECTION_SELECT,
  COMMENT_SELECT,
  type CollectionRow,
  type CommentRow,
  rowToCollection,
  rowToComment,
  rowToUser,
  type UserRow,
} from '../sqlite/community-rows.js';
import { changesOf, paperFields, PgBase, rowsOf } from './base.js';
import { isUniqueViolation } from './connection.js';

/** Ids are bigint identities: anything else (NaN from a bad URL, 1.5) names no row rather than failing. */
export function isRowId(id: number): boolean {
  return Number.isSafeInteger(id) && id > 0;
}

/**
 * The community section of the PostgreSQL adapter. Writes that read before they write lock the rows
 * they depend on (the paper, for votes and comment counts), so that nodes writing at once serialize on
 * them instead of counting from stale reads.
 */
export abstract class PgCommunity extends PgBase {
  async createUser(user: NewUser): Promise<CreateUserResult> {
    try {
      const row = await this.row<UserRow>(
        `INSERT INTO users (username, email, password_hash, fullname, is_admin, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
        [
          user.username,
          user.email,
          user.passwordHash,
          user.fullname ?? user.username,
          user.isAdmin ?? false,
          user.createdAt,
        ],
      );
      if (!row) throw new Error('INSERT … RETURNING returned no row');
      return { ok: true, user: rowToUser(row) };
    } catch (err) {
      if (isUniqueViolation(err, 'users_username_key')) return { ok: false, conflict: 'username' };
      if (isUniqueViolation(err, 'users_email_key')) return { ok: false, conflict: 'email' };
      throw err;
    }
  }

  async getUser(id: number): Promise<User | null> {
    if (!isRowId(id)) return null;
    const row = await this.row<UserRow>('SELECT * FROM users WHERE id = $1', [id]);
    return row ? rowToUser(row) : null;
  }

  async findUser(username: string): Promise<User | null> {
    const row = await this.row<UserRow>('SELECT * FROM users WHERE lower(username) = lower($1)', [username]);
    return row ? rowToUser(row) : null;
  }

  async findUserForLogin(login: string): Promise<{ user: User; passwordHash: string } | null> {
    const row = await this.row<UserRow>(
      `SELECT * FROM users WHERE lower(username) = lower($1) OR lower(email) = lower($1)
       ORDER BY lower(username) = lower($1) DESC LIMIT 1`,
      [login],
    );
    return row ? { user: rowToUser(row), passwordHash: row.password_hash } : null;
  }

  async listUsers(): Promise<User[]> {
    return (await this.rows<UserRow>('SELECT * FROM users ORDER BY id')).map(rowToUser);
  }

  async setPasswordHash(userId: number, passwordHash: string): Promise<void> {
    if (!isRowId(userId)) return;
    await this.transaction(async (tx) => {
      await changesOf(tx, 'UPDATE users SET password_hash = $1 WHERE id = $2', [passwordHash, userId]);
      await changesOf(tx, 'DELETE FROM sessions WHERE user_id = $1', [userId]);
    });
  }

  async setUserEmail(userId: number, email: string): Promise<boolean> {
    if (!isRowId(userId)) return true;
    try {
      await this.changes('UPDATE users SET email = $1 WHERE id = $2', [email, userId]);
      return true;
    } catch (err) {
      if (isUniqueViolation(err, 'users_email_key')) return false;
      throw err;
    }
  }

  async setAdmin(userId: number, isAdmin: boolean): Promise<void> {
    if (!isRowId(userId)) return;
    await this.changes('UPDATE users SET is_admin = $1 WHERE id = $2', [isAdmin, userId]);
  }

  async isKnownSubmitter(username: string): Promise<boolean> {
    const row = await this.row<{ known: boolean }>(
      'SELECT EXISTS (SELECT 1 FROM papers WHERE submitter_user = $1) AS known',
      [username],
    );
    return row?.known ?? false;
  }

  async createSession(session: NewSession): Promise<void> {
    await this.changes('INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)', [
      session.idHash,
      session.userId,
      session.createdAt,
      session.expiresAt,
    ]);
  }

  async getSession(idHash: string, now: Date): Promise<SessionWithUser | null> {
    const row = await this.row<UserRow & { session_expires_at: string }>(
      `SELECT u.*, s.expires_at AS session_expires_at FROM sessions s JOIN users u ON u.id = s.user_id
       WHERE s.id = $1 AND s.expires_at > $2 AND u.suspended_at IS NULL`,
      [idHash, now.toISOString()],
    );
    return row ? { idHash, expiresAt: row.session_expires_at, user: rowToUser(row) } : null;
  }

  async extendSession(idHash: string, expiresAt: string): Promise<void> {
    await this.changes('UPDATE sessions SET expires_at = $1 WHERE id = $2', [expiresAt, idHash]);
  }

  async deleteSession(idHash: string): Promise<void> {
    await this.changes('DELETE FROM sessions WHERE id = $1', [idHash]);
  }

  async hitRateLimit(key: string, windowMs: number, now: Date): Promise<RateLimitHit> {
    const start = now.getTime();
    // One statement, atomic across nodes; every SET expression reads the row as it was, so all three agree
    // on whether the window ended.
    const row = await this.row<{ count: number; window_end: number }>(
      `INSERT INTO rate_limits AS r (key, window_start, window_end, count) VALUES ($1, $2, $3, 1)
       ON CONFLICT (key) DO UPDATE SET
         count = CASE WHEN r.window_end <= excluded.window_start THEN 1 ELSE r.count + 1 END,
         window_start = CASE WHEN r.window_end <= excluded.window_start THEN excluded.window_start ELSE r.window_start END,
         window_end = CASE WHEN r.window_end <= excluded.window_start THEN excluded.window_end ELSE r.window_end END
       RETURNING count, window_end`,
      [key, start, start + windowMs],
    );
    if (!row) throw new Error('INSERT … RETURNING returned no row');
    return { count: row.count, resetAt: row.window_end };
  }

  async pruneExpired(now: Date): Promise<void> {
    await this.transaction(async (tx) => {
      await changesOf(tx, 'DELETE FROM rate_limits WHERE window_end <= $1', [now.getTime()]);
      await changesOf(tx, 'DELETE FROM sessions WHERE expires_at <= $1', [now.toISOString()]);
    });
  }

  /** Locks a visible paper's row for the rest of the transaction; its pk, or null. */
  protected async lockVisiblePaper(tx: pg.PoolClient, paperId: string): Promise<number | null> {
    const [row] = await rowsOf<{ pk: number }>(
      tx,
      'SELECT pk FROM papers WHERE id = $1 AND hidden_at IS NULL FOR UPDATE',
      [paperId],
    );
    return row?.pk ?? null;
  }

  async toggleVote(userId: number, paperId: string, now: Date): Promise<VoteResult | null> {
    return this.transaction(async (tx) => {
      // The paper's lock serializes votes on it, so a double click from two nodes cannot vote twice.
      const pk = await this.lockVisiblePaper(tx, paperId);
      if (pk === null) return null;
      const removed = await changesOf(tx, 'DELETE FROM votes WHERE user_id = $1 AND paper_pk = $2', [
        userId,
        pk,
      ]);
      const voted = removed === 0;
      if (voted) {
        await changesOf(tx, 'INSERT INTO votes (user_id, paper_pk, created_at) VALUES ($1, $2, $3)', [
          userId,
          pk,
          now.toISOString(),
        ]);
      }
      const [row] = await rowsOf<{ upvotes: number }>(
        tx,
        'UPDATE papers SET upvotes = greatest(upvotes + $1, 0) WHERE pk = $2 RETURNING upvotes',
        [voted ? 1 : -1, pk],
      );
      return { voted, upvotes: row?.upvotes ?? 0 };
    });
  }

  async votedPaperIds(userId: number, paperIds: string[]): Promise<Set<string>> {
    if (paperIds.length === 0 || !isRowId(userId)) return new Set();
    const rows = await this.rows<{ id: string }>(
      `SELECT p.id FROM votes v JOIN papers p ON p.pk = v.paper_pk WHERE v.user_id = $1 AND p.id = ANY($2::text[])`,
      [userId, paperIds],
    );
    return new Set(rows.map((r) => r.id));
  }

  async submitPaper(paperId: string, submitter: User, feedDate: string): Promise<SubmitResult | null> {
    return this.transaction(async (tx) => {
      const [row] = await rowsOf<{ pk: number; feed_date: string; submitter_user: string | null }>(
        tx,
        'SELECT pk, feed_date, submitter_user FROM papers WHERE id = $1 AND hidden_at IS NULL FOR UPDATE',
        [paperId],
      );
      if (!row) return null;
      if (row.submitter_user) {
        return { status: 'already-submitted', feedDate: row.feed_date, submitter: row.submitter_user };
      }
      await changesOf(
        tx,
        `UPDATE papers SET feed_date = $1, submitter_user = $2, submitter_fullname = $3, submitter_avatar = NULL
         WHERE pk = $4`,
        [feedDate, submitter.username, submitter.fullname, row.pk],
      );
      return { status: 'submitted', feedDate };
    });
  }

  /**
   * Recounts a paper's visible comments and distinct commenters (recounting keeps them right by
   * construction). The caller holds the paper's lock, so the count sees every comment committed before.
   */
  protected async recountComments(tx: pg.PoolClient, paperPk: number): Promise<void> {
    await changesOf(
      tx,
      `UPDATE papers SET (num_comments, commenters) = (
         SELECT count(*), count(DISTINCT user_id) FROM comments
         WHERE paper_pk = $1 AND deleted_at IS NULL AND hidden_at IS NULL)
       WHERE pk = $1`,
      [paperPk],
    );
  }

  /** Ends a change to a comment of `paperPk`: takes the paper's lock, then recounts. */
  private async relockAndRecount(tx: pg.PoolClient, paperPk: number): Promise<void> {
    await changesOf(tx, 'SELECT 1 FROM papers WHERE pk = $1 FOR UPDATE', [paperPk]);
    await this.recountComments(tx, paperPk);
  }

  async addComment(comment: NewComment): Promise<Comment | null> {
    const id = await this.transaction(async (tx): Promise<number | null> => {
      const pk = await this.lockVisiblePaper(tx, comment.paperId);
      if (pk === null) return null;
      // Replies go one level deep: a reply to a reply joins the thread of the top-level comment.
      let parentId: number | null = null;
      if (comment.parentId !== null && isRowId(comment.parentId)) {
        const [parent] = await rowsOf<{ thread: number }>(
          tx,
          'SELECT coalesce(parent_id, id) AS thread FROM comments WHERE id = $1 AND paper_pk = $2',
          [comment.parentId, pk],
        );
        parentId = parent?.thread ?? null;
      }
      const [row] = await rowsOf<{ id: number }>(
        tx,
        'INSERT INTO comments (paper_pk, user_id, parent_id, body, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id',
        [pk, comment.userId, parentId, comment.body, comment.createdAt],
      );
      await this.recountComments(tx, pk);
      return row?.id ?? null;
    });
    return id === null ? null : this.getComment(id);
  }

  async getComment(id: number): Promise<Comment | null> {
    if (!isRowId(id)) return null;
    const row = await this.row<CommentRow>(`${COMMENT_SELECT} WHERE c.id = $1`, [id]);
    return row ? rowToComment(row) : null;
  }

  async listComments(paperId: string): Promise<Comment[]> {
    const rows = await this.rows<CommentRow>(
      `${COMMENT_SELECT} WHERE c.paper_pk = (SELECT pk FROM papers WHERE id = $1) ORDER BY c.id`,
      [paperId],
    );
    return rows.map(rowToComment);
  }

  async editComment(id: number, body: string, now: Date): Promise<void> {
    if (!isRowId(id)) return;
    await this.changes('UPDATE comments SET body = $1, edited_at = $2 WHERE id = $3 AND deleted_at IS NULL', [
      body,
      now.toISOString(),
      id,
    ]);
  }

  async deleteComment(id: number, now: Date): Promise<void> {
    if (!isRowId(id)) return;
    await this.transaction(async (tx) => {
      const [row] = await rowsOf<{ paper_pk: number }>(
        tx,
        `UPDATE comments SET body = '', deleted_at = $1 WHERE id = $2 AND deleted_at IS NULL RETURNING paper_pk`,
        [now.toISOString(), id],
      );
      if (row) await this.relockAndRecount(tx, row.paper_pk);
    });
  }

  async createCollection(c: {
    ownerId: number;
    name: string;
    isPublic: boolean;
    now: Date;
  }): Promise<Collection | null> {
    try {
      const row = await this.row<{ id: number }>(
        'INSERT INTO collections (user_id, name, is_public, created_at) VALUES ($1, $2, $3, $4) RETURNING id',
        [c.ownerId, c.name, c.isPublic, c.now.toISOString()],
      );
      return row ? this.getCollection(row.id) : null;
    } catch (err) {
      if (isUniqueViolation(err, 'collections_name_key')) return null;
      throw err;
    }
  }

  async getCollection(id: number): Promise<Collection | null> {
    if (!isRowId(id)) return null;
    const row = await this.row<CollectionRow>(`${COLLECTION_SELECT} WHERE c.id = $1`, [id]);
    return row ? rowToCollection(row) : null;
  }

  async listCollections(ownerId: number, includePrivate: boolean): Promise<Collection[]> {
    if (!isRowId(ownerId)) return [];
    const rows = await this.rows<CollectionRow>(
      `${COLLECTION_SELECT} WHERE c.user_id = $1 AND (c.is_public OR $2) ORDER BY lower(c.name), c.id`,
      [ownerId, includePrivate],
    );
    return rows.map(rowToCollection);
  }

  async updateCollection(id: number, changes: { name?: string; isPublic?: boolean }): Promise<boolean> {
    if (!isRowId(id)) return true;
    try {
      await this.changes(
        'UPDATE collections SET name = coalesce($1, name), is_public = coalesce($2, is_public) WHERE id = $3',
        [changes.name ?? null, changes.isPublic ?? null, id],
      );
      return true;
    } catch (err) {
      if (isUniqueViolation(err, 'collections_name_key')) return false;
      throw err;
    }
  }

  async deleteCollection(id: number): Promise<void> {
    if (!isRowId(id)) return;
    await this.changes('DELETE FROM collections WHERE id = $1', [id]);
  }

  async addToCollection(collectionId: number, paperId: string, now: Date): Promise<boolean> {
    if (!isRowId(collectionId)) return false;
    const row = await this.row<{ pk: number }>('SELECT pk FROM papers WHERE id = $1 AND hidden_at IS NULL', [
      paperId,
    ]);
    if (!row) return false;
    await this.changes(
      'INSERT INTO collection_papers (collection_id, paper_pk, added_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [collectionId, row.pk, now.toISOString()],
    );
    return true;
  }

  async removeFromCollection(collectionId: number, paperId: string): Promise<void> {
    if (!isRowId(collectionId)) return;
    await this.changes(
      'DELETE FROM collection_papers WHERE collection_id = $1 AND paper_pk = (SELECT pk FROM papers WHERE id = $2)',
      [collectionId, paperId],
    );
  }

  async collectionPapers(collectionId: number): Promise<Paper[]> {
    if (!isRowId(collectionId)) return [];
    const rows = await this.rows<PaperRow>(
      `SELECT ${paperFields('p')} FROM collection_papers cp JOIN papers p ON p.pk = cp.paper_pk
       WHERE cp.collection_id = $1 AND p.hidden_at IS NULL ORDER BY cp.added_at DESC, p.pk DESC`,
      [collectionId],
    );
    return rows.map(rowToPaper);
  }

  async collectionsWithPaper(ownerId: number, paperId: string): Promise<number[]> {
    if (!isRowId(ownerId)) return [];
    const rows = await this.rows<{ id: number }>(
      `SELECT c.id FROM collections c JOIN collection_papers cp ON cp.collection_id = c.id
       WHERE c.user_id = $1 AND cp.paper_pk = (SELECT pk FROM papers WHERE id = $2) ORDER BY c.id`,
      [ownerId, paperId],
    );
    return rows.map((r) => r.id);
  }

  async moderate(m: Moderation): Promise<boolean> {
    return this.transaction(async (tx) => {
      const changed = await this.applyModeration(tx, m);
      if (!changed) return false;
      await changesOf(
        tx,
        'INSERT INTO audit_log (at, actor_id, actor, action, target, reason) VALUES ($1, $2, $3, $4, $5, $6)',
        [m.at, m.actorId, m.actor, m.action, m.target, m.reason],
      );
      return true;
    });
  }

  private async applyModeration(tx: pg.PoolClient, m: Moderation): Promise<boolean> {
    switch (m.action) {
      case 'hide-paper':
      case 'unhide-paper':
        return (
          (await changesOf(tx, 'UPDATE papers SET hidden_at = $1 WHERE id = $2', [
            m.action === 'hide-paper' ? m.at : null,
            m.target,
          ])) > 0
        );
      case 'hide-comment':
      case 'unhide-comment': {
        const id = Number(m.target);
        if (!isRowId(id)) return false;
        const [row] = await rowsOf<{ paper_pk: number }>(
          tx,
          'UPDATE comments SET hidden_at = $1 WHERE id = $2 RETURNING paper_pk',
          [m.action === 'hide-comment' ? m.at : null, id],
        );
        if (row) await this.relockAndRecount(tx, row.paper_pk);
        return row !== undefined;
      }
      case 'suspend-user':
      case 'unsuspend-user': {
        const [row] = await rowsOf<{ id: number }>(
          tx,
          'UPDATE users SET suspended_at = $1 WHERE lower(username) = lower($2) RETURNING id',
          [m.action === 'suspend-user' ? m.at : null, m.target],
        );
        if (row && m.action === 'suspend-user') {
          await changesOf(tx, 'DELETE FROM sessions WHERE user_id = $1', [row.id]);
        }
        return row !== undefined;
      }
    }
  }

  async auditLog(offset: number, limit: number): Promise<AuditEntry[]> {
    const rows = await this.rows<{
      id: number;
      at: string;
      actor_id: number | null;
      actor: string;
      action: ModerationAction;
      target: string;
      reason: string;
    }>('SELECT * FROM audit_log ORDER BY id DESC LIMIT $1 OFFSET $2', [limit, offset]);
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
    const rows = await this.rows<PaperRow>(
      `SELECT ${paperFields('p')} FROM papers p WHERE p.hidden_at IS NOT NULL ORDER BY p.hidden_at DESC`,
    );
    return rows.map(rowToPaper);
  }

  async trendingInputs(paperIds: string[]): Promise<Map<string, { commenters: number; score: number }>> {
    const rows = await this.rows<{ id: string; commenters: number; score: number }>(
      'SELECT id, commenters, trending_score AS score FROM papers WHERE id = ANY($1::text[])',
      [paperIds],
    );
    return new Map(rows.map((r) => [r.id, { commenters: r.commenters, score: r.score }]));
  }

  // --- ops (metrics) ---
  async communityTotals(): Promise<{ users: number; votes: number; comments: number }> {
    const row = await this.row<{ users: number; votes: number; comments: number }>(
      `SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM votes) AS votes,
         (SELECT count(*) FROM comments WHERE deleted_at IS NULL AND hidden_at IS NULL) AS comments`,
    );
    return row ?? { users: 0, votes: 0, comments: 0 };
  }
}
