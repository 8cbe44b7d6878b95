/**
 * Community pieces other pages embed: the upvote button for cards and paper pages, the account menu for
 * the header, and the discussion panel (save to collection, comments, moderation) for paper pages.
 */
import type { Context } from 'hono';
import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { Paper } from '../model/paper.js';
import type { Store } from '../store/store.js';
import { CsrfField, csrfToken } from '../web/csrf.js';
import { urlWith } from '../web/layout.js';
import { paperPath } from '../web/paper-card.js';
import { currentUser } from '../web/session.js';
import { renderCommentHtml } from './markdown.js';
import type { Comment, User } from './model.js';

/** A same-site path to return to after a form, or the fallback: never another origin (no open redirect). */
export function safeNext(value: unknown, fallback: string): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.includes('\\')) {
    return fallback;
  }
  // Control characters (a CR/LF would split the Location header) make the address unusable.
  return [...value].some((ch) => ch.charCodeAt(0) < 0x20) ? fallback : value;
}

/** The current request's path and query, for `next` fields. */
export function herePath(c: Context): string {
  const url = new URL(c.req.url);
  return url.pathname + url.search;
}

export function loginPath(next: string): string {
  return urlWith('/login', { next });
}

export function profilePath(username: string): string {
  return `/u/${encodeURIComponent(username)}`;
}

const TIMESTAMP = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'UTC',
  timeZoneName: 'short',
});

export function Timestamp({ at }: { at: string }) {
  return <time datetime={at}>{TIMESTAMP.format(new Date(at))}</time>;
}

function UpvoteIcon() {
  return (
    <svg aria-hidden="true" viewBox="0 0 16 16" width="14" height="14">
      <path d="M8 3l6 8H2z" fill="currentColor" />
    </svg>
  );
}

export interface UpvoteButtonProps {
  paper: Pick<Paper, 'id' | 'upvotes'>;
  /** Whether the signed-in user has voted for it. */
  voted: boolean;
  /** The signed-in user's CSRF token, or null for visitors (who get a link to log in). */
  csrf: string | null;
  /** Where the plain form returns to. */
  next: string;
}

/**
 * A toggle: a plain form that works without JavaScript (the server redirects back to `next`), which
 * community.js turns into an in-place update. Visitors get a link to log in instead, so anonymous pages
 * carry no form and set no cookie.
 */
export function UpvoteButton({ paper, voted, csrf, next }: UpvoteButtonProps) {
  const count = (
    <>
      <UpvoteIcon />
      <span class="vote-number">{paper.upvotes}</span>
      <span class="visually-hidden"> upvotes</span>
    </>
  );
  if (csrf === null) {
    return (
      <a class="upvote-button" href={loginPath(next)} title="Log in to upvote">
        {count}
      </a>
    );
  }
  return (
    <form
      class={voted ? 'upvote-form voted' : 'upvote-form'}
      method="post"
      action={`${paperPath(paper.id)}/upvote`}
      data-upvote
    >
      <CsrfField token={csrf} />
      <input type="hidden" name="next" value={next} />
      <button
        type="submit"
        class="upvote-button"
        aria-pressed={voted ? 'true' : 'false'}
        title={voted ? 'Remove your upvote' : 'Upvote'}
      >
        {count}
      </button>
    </form>
  );
}

/** Which of `papers` the current user has voted for (empty for visitors): for UpvoteButton on lists. */
export async function votedIn(c: Context, store: Store, papers: Pick<Paper, 'id'>[]): Promise<Set<string>> {
  const user = currentUser(c);
  return user
    ? store.votedPaperIds(
        user.id,
        papers.map((p) => p.id),
      )
    : new Set();
}

/** Upvote buttons for a list of papers, keyed by id: `vote={buttons.get(paper.id)}` on PaperCard. */
export async function upvoteButtons(c: Context, store: Store, papers: Paper[]): Promise<Map<string, Child>> {
  const voted = await votedIn(c, store, papers);
  const csrf = currentUser(c) ? csrfToken(c) : null;
  const next = herePath(c);
  return new Map(
    papers.map((paper) => [
      paper.id,
      <UpvoteButton paper={paper} voted={voted.has(paper.id)} csrf={csrf} next={next} />,
    ]),
  );
}

/** The header's right side: log-in and sign-up links, or the user's pages and a log-out button. */
export function AccountMenu({ c }: { c: Context }) {
  const user = currentUser(c);
  // From the log-in and sign-up pages themselves, come back home rather than to another form.
  const next = /^\/(login|signup)\b/.test(c.req.path) ? '/' : herePath(c);
  return (
    <nav class="account-menu" aria-label="Account">
      <a href="/trending">Trending</a>
      <a href="/submit">Submit</a>
      {user ? (
        <>
          <a href="/recommended">For you</a>
          <a href="/collections">Collections</a>
          {user.isAdmin ? <a href="/admin">Moderation</a> : null}
          <a href={profilePath(user.username)}>{user.username}</a>
          <form method="post" action="/logout">
            <CsrfField token={csrfToken(c)} />
            <button type="submit" class="link-button">
              Log out
            </button>
          </form>
        </>
      ) : (
        <>
          <a href={loginPath(next)}>Log in</a>
          <a href={urlWith('/signup', { next })}>Sign up</a>
        </>
      )}
    </nav>
  );
}

function CommentItem({
  comment,
  replies,
  user,
  csrf,
  paper,
}: {
  comment: Comment;
  replies: Comment[];
  user: User | null;
  csrf: string | null;
  paper: Paper;
}) {
  const mine = user !== null && user.id === comment.author.id;
  const body = comment.deleted
    ? '<p class="muted">This comment was deleted.</p>'
    : comment.hidden && !user?.isAdmin
      ? '<p class="muted">This comment was hidden by a moderator.</p>'
      : renderCommentHtml(comment.body);
  return (
    <li class="comment" id={`comment-${comment.id}`}>
      <div class="comment-meta">
        <a href={profilePath(comment.author.username)}>{comment.author.username}</a>
        <a href={`${paperPath(paper.id)}#comment-${comment.id}`}>
          <Timestamp at={comment.createdAt} />
        </a>
        {comment.editedAt && !comment.deleted ? <span>(edited)</span> : null}
        {comment.hidden ? <span>(hidden)</span> : null}
      </div>
      <div class="comment-body">{raw(body)}</div>
      {csrf && user && !comment.deleted ? (
        <div class="comment-actions">
          {mine ? <a href={`/comments/${comment.id}/edit`}>Edit</a> : null}
          {mine ? (
            <form method="post" action={`/comments/${comment.id}/delete`}>
              <CsrfField token={csrf} />
              <button type="submit" class="link-button" data-confirm="Delete this comment?">
                Delete
              </button>
            </form>
          ) : null}
          {user.isAdmin ? (
            <form method="post" action={`/admin/comments/${comment.id}/hide`}>
              <CsrfField token={csrf} />
              <input type="hidden" name="hidden" value={comment.hidden ? '0' : '1'} />
              <input type="hidden" name="next" value={`${paperPath(paper.id)}#comment-${comment.id}`} />
              <button type="submit" class="link-button">
                {comment.hidden ? 'Unhide' : 'Hide'}
              </button>
            </form>
          ) : null}
          {comment.parentId === null && !comment.hidden ? (
            <details>
              <summary>Reply</summary>
              <CommentForm paper={paper} csrf={csrf} parentId={comment.id} />
            </details>
          ) : null}
        </div>
      ) : null}
      {replies.length > 0 ? (
        <ol class="replies">
          {replies.map((reply) => (
            <CommentItem comment={reply} replies={[]} user={user} csrf={csrf} paper={paper} />
          ))}
        </ol>
      ) : null}
    </li>
  );
}

function CommentForm({ paper, csrf, parentId }: { paper: Paper; csrf: string; parentId: number | null }) {
  const id = parentId === null ? 'comment-body' : `reply-body-${parentId}`;
  return (
    <form class="comment-form" method="post" action={`${paperPath(paper.id)}/comments`}>
      <CsrfField token={csrf} />
      {parentId === null ? null : <input type="hidden" name="parent" value={String(parentId)} />}
      <label for={id}>{parentId === null ? 'Add a comment' : 'Your reply'}</label>
      <textarea id={id} name="body" required maxlength={10_000} rows={4}></textarea>
      <p class="muted">Markdown and LaTeX ($x^2$, $$\sum_i x_i$$) are supported.</p>
      <div>
        <button type="submit" class="button button-primary">
          {parentId === null ? 'Comment' : 'Reply'}
        </button>
      </div>
    </form>
  );
}

/**
 * Everything the community adds to a paper page: upvote, save to a collection, admin actions and the
 * comments. `<PaperCommunity c={c} store={store} paper={paper} />` (an async component).
 */
export async function PaperCommunity({ c, store, paper }: { c: Context; store: Store; paper: Paper }) {
  const user = currentUser(c);
  const csrf = user ? csrfToken(c) : null;
  const here = paperPath(paper.id);
  const [comments, collections, holding] = await Promise.all([
    store.listComments(paper.id),
    user ? store.listCollections(user.id, true) : Promise.resolve([]),
    user ? store.collectionsWithPaper(user.id, paper.id) : Promise.resolve([]),
  ]);
  const topLevel = comments.filter((comment) => comment.parentId === null);
  const repliesTo = (id: number) => comments.filter((comment) => comment.parentId === id);
  const visibleCount = comments.filter((comment) => !comment.deleted && !comment.hidden).length;
  return (
    <section class="community-panel" aria-labelledby="comments-heading">
      {user && csrf ? (
        <div class="paper-actions">
          <form class="inline-form" method="post" action={`${here}/save`}>
            <CsrfField token={csrf} />
            <label for="save-collection">Save to</label>
            <select id="save-collection" name="collection">
              {collections.map((collection) => (
                <option value={String(collection.id)}>
                  {collection.name}
                  {holding.includes(collection.id) ? ' (saved)' : ''}
                </option>
              ))}
              <option value="new">New collection…</option>
            </select>
            <label for="new-collection" class="visually-hidden">
              Name of a new collection
            </label>
            <input
              id="new-collection"
              type="text"
              name="name"
              placeholder="New collection name"
              maxlength={100}
            />
            <button type="submit" class="button">
              Save
            </button>
          </form>
          {user.isAdmin ? (
            <form
              class="inline-form"
              method="post"
              action={`/admin/papers/${encodeURIComponent(paper.id)}/hide`}
            >
              <CsrfField token={csrf} />
              <input type="hidden" name="hidden" value="1" />
              <label for="hide-reason">Moderation</label>
              <input id="hide-reason" type="text" name="reason" placeholder="Reason" maxlength={500} />
              <button type="submit" class="button">
                Hide this paper
              </button>
            </form>
          ) : null}
        </div>
      ) : null}
      <h2 id="comments-heading">
        <a id="comments"></a>
        {visibleCount === 1 ? '1 comment' : `${visibleCount} comments`}
      </h2>
      {topLevel.length > 0 ? (
        <ol class="comments">
          {topLevel.map((comment) => (
            <CommentItem
              comment={comment}
              replies={repliesTo(comment.id)}
              user={user}
              csrf={csrf}
              paper={paper}
            />
          ))}
        </ol>
      ) : (
        <p class="muted">No comments yet.</p>
      )}
      {csrf ? (
        <CommentForm paper={paper} csrf={csrf} parentId={null} />
      ) : (
        <p>
          <a href={loginPath(`${here}#comments`)}>Log in</a> or{' '}
          <a href={urlWith('/signup', { next: here })}>sign up</a> to comment.
        </p>
      )}
    </section>
  );
}
