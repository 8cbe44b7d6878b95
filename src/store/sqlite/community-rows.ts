/** Row shapes of the community tables (migration 3) and their mapping to the Store's records. */
import type { Collection, Comment, User } from '../../community/model.js';

export interface UserRow {
  id: number;
  username: string;
  email: string;
  password_hash: string;
  fullname: string;
  /** 0/1 in SQLite, a boolean in PostgreSQL (which shares this mapping). */
  is_admin: number | boolean;
  suspended_at: string | null;
  created_at: string;
}

export function rowToUser(row: UserRow): User {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    fullname: row.fullname,
    isAdmin: Boolean(row.is_admin),
    suspended: row.suspended_at !== null,
    createdAt: row.created_at,
  };
}

export interface CommentRow {
  id: number;
  paper_id: string;
  parent_id: number | null;
  user_id: number;
  username: string;
  fullname: string;
  body: string;
  created_at: string;
  edited_at: string | null;
  deleted_at: string | null;
  hidden_at: string | null;
}

export const COMMENT_SELECT = `SELECT c.id, p.id AS paper_id, c.parent_id, c.user_id, u.username, u.fullname, c.body,
  c.created_at, c.edited_at, c.deleted_at, c.hidden_at
  FROM comments c JOIN papers p ON p.pk = c.paper_pk JOIN users u ON u.id = c.user_id`;

export function rowToComment(row: CommentRow): Comment {
  return {
    id: row.id,
    paperId: row.paper_id,
    parentId: row.parent_id,
    author: { id: row.user_id, username: row.username, fullname: row.fullname },
    body: row.body,
    createdAt: row.created_at,
    editedAt: row.edited_at,
    deleted: row.deleted_at !== null,
    hidden: row.hidden_at !== null,
  };
}

export interface CollectionRow {
  id: number;
  user_id: number;
  username: string;
  name: string;
  is_public: number | boolean;
  paper_count: number;
  created_at: string;
}

/** Collections with their owner's username and their count of visible papers. */
export const COLLECTION_SELECT = `SELECT c.id, c.user_id, u.username, c.name, c.is_public, c.created_at,
  (SELECT count(*) FROM collection_papers cp JOIN papers p ON p.pk = cp.paper_pk
    WHERE cp.collection_id = c.id AND p.hidden_at IS NULL) AS paper_count
  FROM collections c JOIN users u ON u.id = c.user_id`;

export function rowToCollection(row: CollectionRow): Collection {
  return {
    id: row.id,
    ownerId: row.user_id,
    ownerUsername: row.username,
    name: row.name,
    isPublic: Boolean(row.is_public),
    paperCount: row.paper_count,
    createdAt: row.created_at,
  };
}

/** True for a UNIQUE constraint failure naming `column` (e.g. `users.email`). */
export function isUniqueViolation(err: unknown, column: string): boolean {
  return (
    err instanceof Error &&
    (err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE' &&
    err.message.includes(column)
  );
}
