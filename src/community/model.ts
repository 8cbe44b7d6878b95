/** Community records as the Store returns them. Times are ISO-8601 UTC strings. */

export interface User {
  id: number;
  username: string;
  email: string;
  /** Display name; the username unless the person set one. */
  fullname: string;
  isAdmin: boolean;
  suspended: boolean;
  createdAt: string;
}

export interface NewUser {
  username: string;
  email: string;
  passwordHash: string;
  fullname?: string;
  isAdmin?: boolean;
  createdAt: string;
}

export type CreateUserResult = { ok: true; user: User } | { ok: false; conflict: 'username' | 'email' };

export interface NewSession {
  /** SHA-256 of the cookie token, hex: the database never holds a token that could be replayed. */
  idHash: string;
  userId: number;
  createdAt: string;
  expiresAt: string;
}

export interface SessionWithUser {
  idHash: string;
  expiresAt: string;
  user: User;
}

export interface RateLimitHit {
  /** Hits in the current window, this one included. */
  count: number;
  /** When the window ends (epoch ms). */
  resetAt: number;
}

export interface VoteResult {
  /** Whether the user's vote is now on. */
  voted: boolean;
  upvotes: number;
}

export type SubmitResult =
  | { status: 'submitted'; feedDate: string }
  | { status: 'already-submitted'; feedDate: string; submitter: string };

export interface CommentAuthor {
  id: number;
  username: string;
  fullname: string;
}

export interface Comment {
  id: number;
  paperId: string;
  /** The top-level comment this one replies to; replies go one level deep. */
  parentId: number | null;
  author: CommentAuthor;
  /** Markdown source; empty once deleted. */
  body: string;
  createdAt: string;
  editedAt: string | null;
  deleted: boolean;
  hidden: boolean;
}

export interface NewComment {
  paperId: string;
  userId: number;
  parentId: number | null;
  body: string;
  createdAt: string;
}

export interface Collection {
  id: number;
  ownerId: number;
  ownerUsername: string;
  name: string;
  isPublic: boolean;
  paperCount: number;
  createdAt: string;
}

export type ModerationAction =
  'hide-paper' | 'unhide-paper' | 'hide-comment' | 'unhide-comment' | 'suspend-user' | 'unsuspend-user';

export interface Moderation {
  action: ModerationAction;
  /** Paper id, comment id or username, according to the action. */
  target: string;
  /** The admin acting, or null for the command line. */
  actorId: number | null;
  /** Who acted, as shown in the log: a username, or `cli`. */
  actor: string;
  reason: string;
  at: string;
}

export interface AuditEntry extends Moderation {
  id: number;
}
