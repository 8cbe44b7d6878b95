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
import {
  COLLECTION_SELECT,
  COMMENT_SELECT,
  type CollectionRow,
  type CommentRow,
  isUniqueViolation,
  rowToCollection,
  rowToComment,
  rowToUser,
  type UserRow,
} from './community-rows.js';
import { type PaperRow, rowToPaper } from '../rows.js';
import { SqliteBase } from './base.js';

/** The community section of the SQLite adapter: accounts, sessions, votes, comments, collections, moderation. */
export abstract class SqliteCommunity extends SqliteBase {
  async createUser(user: NewUser): Promise<CreateUserResult> {
    try {
      const row = this.db
        .prepare(
          `INSERT INTO users (username, email, password_hash, fullname, is_admin, created_at)
           VALUES (?, ?, ?, ?, ?, ?) RETURNING *`,
        )
        .get(
          user.username,
          user.email,
          user.passwordHash,
          user.fullname ?? user.username,
          user.isAdmin ? 1 : 0,
          user.createdAt,
        ) as UserRow;
      return { ok: true, user: rowToUser(row) };
    } catch (err) {
      if (isUniqueViolation(err, 'users.username')) return { ok: false, conflict: 'username' };
      if (isUniqueViolation(err, 'users.email')) return { ok: false, conflict: 'email' };
      throw err;
    }
  }

  async getUser(id: number): Promise<User | null> {
    const row = this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
    return row ? rowToUser(row) : null;
  }

  async findUser(username: string): Promise<User | null> {
    const row = this.db.prepare('SELECT * FROM users WHERE username = ?').get(username) as
      UserRow | undefined;
    return row ? rowToUser(row) : null;
  }

  async findUserForLogin(login: string): Promise<{ user: User; passwordHash: string } | null> {
    const row = this.db
      .prepare('SELECT * FROM users WHERE username = ? OR email = ? ORDER BY username = ? DESC LIMIT 1')
      .get(login, login, login) as UserRow | undefined;
    return row ? { user: rowToUser(row), passwordHash: row.password_hash } : null;
  }

  async listUsers(): Promise<User[]> {
    return (this.db.prepare('SELECT * FROM users ORDER BY id').all() as UserRow[]).map(rowToUser);
  }

  async setPasswordHash(userId: number, passwordHash: string): Promise<void> {
    this.db.transaction(() => {
      this.db.prepare('UPDATE users SET password_hash = ? WHERE id = ?').run(passwordHash, userId);
      this.db.prepare('DELETE FROM sessions WHERE user_id = ?').run(userId);
    })();
  }

  async setUserEmail(userId: number, email: string): Promise<boolean> {
    try {
      this.db.prepare('UPDATE users SET email = ? WHERE id = ?').run(email, userId);
      return true;
    } catch (err) {
      if (isUniqueViolation(err, 'users.email')) return false;
      throw err;
    }
  }

  async setAdmin(userId: number, isAdmin: boolean): Promise<void> {
    this.db.prepare('UPDATE users SET is_admin = ? WHERE id = ?').run(isAdmin ? 1 : 0, userId);
  }

  async isKnownSubmitter(username: string): Promise<boolean> {
    return (
      this.db.prepare('SELECT 1 FROM papers WHERE submitter_user = ? LIMIT 1').get(username) !== undefined
    );
  }

  async createSession(session: NewSession): Promise<void> {
    this.db
      .prepare('INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)')
      .run(session.idHash, session.userId, session.createdAt, session.expiresAt);
  }

  async getSession(idHash: string, now: Date): Promise<SessionWithUser | null> {
    const row = this.db
      .prepare(
        `SELECT u.*, s.expires_at AS session_expires_at FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.id = ? AND s.expires_at > ? AND u.suspended_at IS NULL`,
      )
      .get(idHash, now.toISOString()) as (UserRow & { session_expires_at: string }) | undefined;
    return row ? { idHash, expiresAt: row.session_expires_at, user: rowToUser(row) } : null;
  }

  async extendSession(idHash: string, expiresAt: string): Promise<void> {
    this.db.prepare('UPDATE sessions SET expires_at = ? WHERE id = ?').run(expiresAt, idHash);
  }

  async deleteSession(idHash: string): Promise<void> {
    this.db.prepare('DELETE FROM sessions WHERE id = ?').run(idHash);
  }

  async hitRateLimit(key: string, windowMs: number, now: Date): Promise<RateLimitHit> {
    const start = now.getTime();
    // Every SET expression reads the row as it was, so all three agree on whether the window ended.
    const row = this.db
      .prepare(
        `INSERT INTO rate_limits (key, window_start, window_end, count) VALUES (?, ?, ?, 1)
         ON CONFLICT (key) DO UPDATE SET
           count = CASE WHEN window_end <= excluded.window_start THEN 1 ELSE count + 1 END,
           window_start = CASE WHEN window_end <= excluded.window_start THEN excluded.window_start ELSE window_start END,
           window_end = CASE WHEN window_end <= excluded.window_start THEN excluded.window_end ELSE window_end END
         RETURNING count, window_end`,
      )
      .get(key, start, start + windowMs) as { count: number; window_end: number };
    return { count: row.count, resetAt: row.window_end };
  }

  async pruneExpired(now: Date): Promise<void> {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM rate_limits WHERE window_end <= ?').run(now.getTime());
      this.db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(now.toISOString());
    })();
  }

  async toggleVote(userId: number, paperId: string, now: Date): Promise<VoteResult | null> {
    return this.db
      .transaction((): VoteResult | null => {
        const pk = this.visiblePaperPk(paperId);
        if (pk === null) return null;
        const removed = this.db
          .prepare('DELETE FROM votes WHERE user_id = ? AND paper_pk = ?')
          .run(userId, pk);
        if (removed.changes === 0) {
          this.db
            .prepare('INSERT INTO votes (user_id, paper_pk, created_at) VALUES (?, ?, ?)')
            .run(userId, pk, now.toISOString());
        }
        const voted = removed.changes === 0;
        const upvotes = this.db
          .prepare(`UPDATE papers SET upvotes = max(upvotes + ?, 0) WHERE pk = ? RETURNING upvotes`)
          .pluck()
          .get(voted ? 1 : -1, pk) as number;
        return { voted, upvotes };
      })
      .immediate();
  }

  async votedPaperIds(userId: number, paperIds: string[]): Promise<Set<string>> {
    if (paperIds.length === 0) return new Set();
    const ids = this.db
      .prepare(
        `SELECT p.id FROM votes v JOIN papers p ON p.pk = v.paper_pk
         WHERE v.user_id = ? AND p.id IN (SELECT value FROM json_each(?))`,
      )
      .pluck()
      .all(userId, JSON.stringify(paperIds)) as string[];
    return new Set(ids);
  }

  async submitPaper(paperId: string, submitter: User, feedDate: string): Promise<SubmitResult | null> {
    return this.db
      .transaction((): SubmitResult | null => {
        const row = this.db
          .prepare('SELECT pk, feed_date, submitter_user FROM papers WHERE id = ? AND hidden_at IS NULL')
          .get(paperId) as { pk: number; feed_date: string; submitter_user: string | null } | undefined;
        if (!row) return null;
        if (row.submitter_user) {
          return { status: 'already-submitted', feedDate: row.feed_date, submitter: row.submitter_user };
        }
        this.db
          .prepare(
            `UPDATE papers SET feed_date = ?, submitter_user = ?, submitter_fullname = ?, submitter_avatar = NULL
             WHERE pk = ?`,
          )
          .run(feedDate, submitter.username, submitter.fullname, row.pk);
        return { status: 'submitted', feedDate };
      })
      .immediate();
  }

  /** Recounts a paper's visible comments and distinct commenters (recounting keeps them right by construction). */
  private recountComments(paperPk: number): void {
    this.db
      .prepare(
        `UPDATE papers SET (num_comments, commenters) = (
           SELECT count(*), count(DISTINCT user_id) FROM comments
           WHERE paper_pk = @pk AND deleted_at IS NULL AND hidden_at IS NULL)
         WHERE pk = @pk`,
      )
      .run({ pk: paperPk });
  }

  async addComment(comment: NewComment): Promise<Comment | null> {
    const id = this.db
      .transaction((): number | null => {
        const pk = this.visiblePaperPk(comment.paperId);
        if (pk === null) return null;
        // Replies go one level deep: a reply to a reply joins the thread of the top-level comment.
        const parentId =
          comment.parentId === null
            ? null
            : ((this.db
                .prepare('SELECT coalesce(parent_id, id) FROM comments WHERE id = ? AND paper_pk = ?')
                .pluck()
                .get(comment.parentId, pk) as number | undefined) ?? null);
        const { lastInsertRowid } = this.db
          .prepare(
            'INSERT INTO comments (paper_pk, user_id, parent_id, body, created_at) VALUES (?, ?, ?, ?, ?)',
          )
          .run(pk, comment.userId, parentId, comment.body, comment.createdAt);
        this.recountComments(pk);
        return Number(lastInsertRowid);
      })
      .immediate();
    return id === null ? null : this.getComment(id);
  }

  async getComment(id: number): Promise<Comment | null> {
    const row = this.db.prepare(`${COMMENT_SELECT} WHERE c.id = ?`).get(id) as CommentRow | undefined;
    return row ? rowToComment(row) : null;
  }

  async listComments(paperId: string): Promise<Comment[]> {
    const rows = this.db
      .prepare(`${COMMENT_SELECT} WHERE c.paper_pk = (SELECT pk FROM papers WHERE id = ?) ORDER BY c.id`)
      .all(paperId) as CommentRow[];
    return rows.map(rowToComment);
  }

  async editComment(id: number, body: string, now: Date): Promise<void> {
    this.db
      .prepare('UPDATE comments SET body = ?, edited_at = ? WHERE id = ? AND deleted_at IS NULL')
      .run(body, now.toISOString(), id);
  }

  async deleteComment(id: number, now: Date): Promise<void> {
    this.db
      .transaction(() => {
        const pk = this.db
          .prepare(
            `UPDATE comments SET body = '', deleted_at = ? WHERE id = ? AND deleted_at IS NULL RETURNING paper_pk`,
          )
          .pluck()
          .get(now.toISOString(), id) as number | undefined;
        if (pk !== undefined) this.recountComments(pk);
      })
      .immediate();
  }

  async createCollection(c: {
    ownerId: number;
    name: string;
    isPublic: boolean;
    now: Date;
  }): Promise<Collection | null> {
    try {
      const { lastInsertRowid } = this.db
        .prepare('INSERT INTO collections (user_id, name, is_public, created_at) VALUES (?, ?, ?, ?)')
        .run(c.ownerId, c.name, c.isPublic ? 1 : 0, c.now.toISOString());
      return this.getCollection(Number(lastInsertRowid));
    } catch (err) {
      if (isUniqueViolation(err, 'collections.')) return null;
      throw err;
    }
  }

  async getCollection(id: number): Promise<Collection | null> {
    const row = this.db.prepare(`${COLLECTION_SELECT} WHERE c.id = ?`).get(id) as CollectionRow | undefined;
    return row ? rowToCollection(row) : null;
  }

  async listCollections(ownerId: number, includePrivate: boolean): Promise<Collection[]> {
    const rows = this.db
      .prepare(
        `${COLLECTION_SELECT} WHERE c.user_id = ? AND (c.is_public = 1 OR ?) ORDER BY c.name COLLATE NOCASE`,
      )
      .all(ownerId, includePrivate ? 1 : 0) as CollectionRow[];
    return rows.map(rowToCollection);
  }

  async updateCollection(id: number, changes: { name?: string; isPublic?: boolean }): Promise<boolean> {
    try {
      this.db
        .prepare(
          'UPDATE collections SET name = coalesce(?, name), is_public = coalesce(?, is_public) WHERE id = ?',
        )
        .run(changes.name ?? null, changes.isPublic === undefined ? null : changes.isPublic ? 1 : 0, id);
      return true;
    } catch (err) {
      if (isUniqueViolation(err, 'collections.')) return false;
      throw err;
    }
  }

  async deleteCollection(id: number): Promise<void> {
    this.db.prepare('DELETE FROM collections WHERE id = ?').run(id);
  }

  async addToCollection(collectionId: number, paperId: string, now: Date): Promise<boolean> {
    const pk = this.visiblePaperPk(paperId);
    if (pk === null) return false;
    this.db
      .prepare('INSERT OR IGNORE INTO collection_papers (collection_id, paper_pk, added_at) VALUES (?, ?, ?)')
      .run(collectionId, pk, now.toISOString());
    return true;
  }

  async removeFromCollection(collectionId: number, paperId: string): Promise<void> {
    this.db
      .prepare(
        'DELETE FROM collection_papers WHERE collection_id = ? AND paper_pk = (SELECT pk FROM papers WHERE id = ?)',
      )
      .run(collectionId, paperId);
  }

  async collectionPapers(collectionId: number): Promise<Paper[]> {
    const rows = this.db
      .prepare(
        `SELECT p.* FROM collection_papers cp JOIN papers p ON p.pk = cp.paper_pk
         WHERE cp.collection_id = ? AND p.hidden_at IS NULL ORDER BY cp.added_at DESC, p.pk DESC`,
      )
      .all(collectionId) as PaperRow[];
    return rows.map(rowToPaper);
  }

  async collectionsWithPaper(ownerId: number, paperId: string): Promise<number[]> {
    return this.db
      .prepare(
        `SELECT c.id FROM collections c JOIN collection_papers cp ON cp.collection_id = c.id
         WHERE c.user_id = ? AND cp.paper_pk = (SELECT pk FROM papers WHERE id = ?) ORDER BY c.id`,
      )
      .pluck()
      .all(ownerId, paperId) as number[];
  }

  async moderate(m: Moderation): Promise<boolean> {
    return this.db
      .transaction((): boolean => {
        const at = m.at;
        let changed: number;
        switch (m.action) {
          case 'hide-paper':
          case 'unhide-paper':
            changed = this.db
              .prepare('UPDATE papers SET hidden_at = ? WHERE id = ?')
              .run(m.action === 'hide-paper' ? at : null, m.target).changes;
            break;
          case 'hide-comment':
          case 'unhide-comment': {
            const pk = this.db
              .prepare('UPDATE comments SET hidden_at = ? WHERE id = ? RETURNING paper_pk')
              .pluck()
              .get(m.action === 'hide-comment' ? at : null, Number(m.target)) as number | undefined;
            if (pk !== undefined) this.recountComments(pk);
            changed = pk === undefined ? 0 : 1;
            break;
          }
          case 'suspend-user':
          case 'unsuspend-user': {
            const id = this.db
              .prepare('UPDATE users SET suspended_at = ? WHERE username = ? RETURNING id')
              .pluck()
              .get(m.action === 'suspend-user' ? at : null, m.target) as number | undefined;
            if (id !== undefined && m.action === 'suspend-user') {
              this.db.prepare('DELETE FROM sessions WHERE user_id = ?').run(id);
            }
            changed = id === undefined ? 0 : 1;
            break;
          }
        }
        if (changed === 0) return false;
        this.db
          .prepare(
            'INSERT INTO audit_log (at, actor_id, actor, action, target, reason) VALUES (?, ?, ?, ?, ?, ?)',
          )
          .run(at, m.actorId, m.actor, m.action, m.target, m.reason);
        return true;
      })
      .immediate();
  }

  async auditLog(offset: number, limit: number): Promise<AuditEntry[]> {
    const rows = this.db
      .prepare('SELECT * FROM audit_log ORDER BY id DESC LIMIT ? OFFSET ?')
      .all(limit, offset) as {
      id: number;
      at: string;
      actor_id: number | null;
      actor: string;
      action: ModerationAction;
      target: string;
      reason: string;
    }[];
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
    const rows = this.db
      .prepare('SELECT * FROM papers WHERE hidden_at IS NOT NULL ORDER BY hidden_at DESC')
      .all() as PaperRow[];
    return rows.map(rowToPaper);
  }

  async trendingInputs(paperIds: string[]): Promise<Map<string, { commenters: number; score: number }>> {
    const rows = this.db
      .prepare(
        'SELECT id, commenters, trending_score AS score FROM papers WHERE id IN (SELECT value FROM json_each(?))',
      )
      .all(JSON.stringify(paperIds)) as { id: string; commenters: number; score: number }[];
    return new Map(rows.map((r) => [r.id, { commenters: r.commenters, score: r.score }]));
  }
}
