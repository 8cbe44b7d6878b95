/** Paper-scoped community actions: upvote, comment (and edit/delete), save to a collection, submit. */
import type { Context, Hono } from 'hono';
import type { Child } from 'hono/jsx';
import type { AppDeps } from '../../app.js';
import { ArxivLookupError, lookupArxivPaper } from '../../ingest/arxiv-api.js';
import { parseArxivId } from '../../model/arxiv-id.js';
import { CsrfField, csrfToken } from '../../web/csrf.js';
import { Flash, renderError } from '../../web/layout.js';
import { PaperCard, paperPath } from '../../web/paper-card.js';
import { currentUser } from '../../web/session.js';
import { loginPath, safeNext } from '../components.js';
import { MAX_COMMENT_LENGTH } from '../markdown.js';
import type { Comment, User } from '../model.js';
import { RATE_RULES, checkRate } from '../rate-limit.js';
import { field, page, readForm, requireUser, tooManyRequests, wantsJson } from './common.js';

/** Papers one person may put on the feed per day (UTC): generous for a researcher, a wall for a spammer. */
export const SUBMISSIONS_PER_DAY = 10;

function today(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}

function secondsUntilTomorrow(now = new Date()): number {
  const tomorrow = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  return Math.max(1, Math.ceil((tomorrow - now.getTime()) / 1000));
}

function CommentEditor({
  c,
  action,
  body,
  error,
  heading,
}: {
  c: Context;
  action: string;
  body: string;
  error?: string;
  heading: string;
}) {
  return (
    <section>
      <h1>{heading}</h1>
      {error ? <Flash kind="error">{error}</Flash> : null}
      <form class="comment-form" method="post" action={action}>
        <CsrfField token={csrfToken(c)} />
        <label for="comment-body">Comment (Markdown and LaTeX)</label>
        <textarea id="comment-body" name="body" required maxlength={MAX_COMMENT_LENGTH} rows={8}>
          {body}
        </textarea>
        <div>
          <button type="submit" class="button button-primary">
            Save
          </button>
        </div>
      </form>
    </section>
  );
}

function commentProblem(body: string): string | null {
  if (!body.trim()) return 'Write something first.';
  if (body.length > MAX_COMMENT_LENGTH)
    return `Comments are limited to ${MAX_COMMENT_LENGTH.toLocaleString('en-US')} characters.`;
  return null;
}

/** The comment, if the user may change it; otherwise the response that says why not. */
async function ownComment(c: Context, deps: AppDeps, user: User): Promise<Comment | Response> {
  const id = Number(c.req.param('id'));
  const comment = Number.isSafeInteger(id) ? await deps.store.getComment(id) : null;
  if (!comment || comment.deleted)
    return renderError(c, 404, 'Comment not found', 'This comment does not exist or was deleted.');
  if (comment.author.id !== user.id) {
    return renderError(c, 403, 'Not your comment', 'You can only edit or delete your own comments.');
  }
  return comment;
}

function SubmitForm({
  c,
  value,
  message,
  used,
}: {
  c: Context;
  value: string;
  message?: { kind: 'error' | 'info'; text: Child };
  used: number;
}) {
  return (
    <section class="narrow">
      <h1>Submit a paper</h1>
      <p>
        Put an arXiv paper on today’s feed. Paste its id (<code>2503.11731</code>, <code>2503.11731v2</code>,{' '}
        <code>astro-ph/0601001</code>) or its abs or PDF link.
      </p>
      {message ? <Flash kind={message.kind}>{message.text}</Flash> : null}
      <form class="stack-form" method="post" action="/submit">
        <CsrfField token={csrfToken(c)} />
        <label>
          arXiv id or link
          <input
            type="text"
            name="arxiv"
            value={value}
            required
            maxlength={300}
            placeholder="2503.11731"
            aria-invalid={message?.kind === 'error' ? 'true' : undefined}
          />
        </label>
        <div>
          <button type="submit" class="button button-primary">
            Submit
          </button>
        </div>
      </form>
      <p class="muted">
        You have submitted {used} of {SUBMISSIONS_PER_DAY} papers today.
      </p>
    </section>
  );
}

export function registerPaperActions(routes: Hono, deps: AppDeps): void {
  const { store, config, logger } = deps;

  routes.post('/papers/:id{.+}/upvote', async (c) => {
    const id = c.req.param('id');
    const form = await readForm(c);
    const back = safeNext(form['next'], paperPath(id));
    const user = currentUser(c);
    if (!user) {
      return wantsJson(c) ? c.json({ error: 'Log in to upvote.' }, 401) : c.redirect(loginPath(back), 303);
    }
    const result = await store.toggleVote(user.id, id, new Date());
    if (!result) {
      return wantsJson(c)
        ? c.json({ error: `No paper ${id}.` }, 404)
        : renderError(c, 404, 'Paper not found', `Paperboy has no paper with the id ${id}.`);
    }
    return wantsJson(c) ? c.json(result) : c.redirect(back, 303);
  });

  routes.post('/papers/:id{.+}/comments', async (c) => {
    const id = c.req.param('id');
    const user = requireUser(c, `${paperPath(id)}#comments`);
    if (user instanceof Response) return user;
    const form = await readForm(c);
    const body = field(form, 'body');
    const parentField = field(form, 'parent');
    const retry = (error: string, status: 400 | 404) =>
      page(
        c,
        'Comment',
        <CommentEditor
          c={c}
          action={`${paperPath(id)}/comments`}
          body={body}
          error={error}
          heading="Your comment"
        />,
        status,
      );
    const problem = commentProblem(body);
    if (problem) return retry(problem, 400);
    let parentId: number | null = null;
    if (parentField) {
      const parent = /^\d{1,15}$/.test(parentField) ? await store.getComment(Number(parentField)) : null;
      if (!parent || parent.paperId !== id || parent.deleted || parent.hidden) {
        return retry('The comment you replied to no longer exists.', 400);
      }
      parentId = parent.id;
    }
    const decision = await checkRate(store, RATE_RULES.comment, String(user.id));
    if (!decision.allowed) return tooManyRequests(c, decision.retryAfterSeconds, 'comments');
    const comment = await store.addComment({
      paperId: id,
      userId: user.id,
      parentId,
      body,
      createdAt: new Date().toISOString(),
    });
    if (!comment) return retry(`Paperboy has no paper with the id ${id}.`, 404);
    return c.redirect(`${paperPath(id)}#comment-${comment.id}`, 303);
  });

  routes.get('/comments/:id{[0-9]+}/edit', async (c) => {
    const user = requireUser(c);
    if (user instanceof Response) return user;
    const comment = await ownComment(c, deps, user);
    if (comment instanceof Response) return comment;
    return page(
      c,
      'Edit comment',
      <CommentEditor
        c={c}
        action={`/comments/${comment.id}/edit`}
        body={comment.body}
        heading="Edit your comment"
      />,
    );
  });

  routes.post('/comments/:id{[0-9]+}/edit', async (c) => {
    const user = requireUser(c, `/comments/${c.req.param('id')}/edit`);
    if (user instanceof Response) return user;
    const comment = await ownComment(c, deps, user);
    if (comment instanceof Response) return comment;
    const body = field(await readForm(c), 'body');
    const problem = commentProblem(body);
    if (problem) {
      return page(
        c,
        'Edit comment',
        <CommentEditor
          c={c}
          action={`/comments/${comment.id}/edit`}
          body={body}
          error={problem}
          heading="Edit your comment"
        />,
        400,
      );
    }
    await store.editComment(comment.id, body, new Date());
    return c.redirect(`${paperPath(comment.paperId)}#comment-${comment.id}`, 303);
  });

  routes.post('/comments/:id{[0-9]+}/delete', async (c) => {
    const user = requireUser(c);
    if (user instanceof Response) return user;
    const comment = await ownComment(c, deps, user);
    if (comment instanceof Response) return comment;
    await store.deleteComment(comment.id, new Date());
    return c.redirect(`${paperPath(comment.paperId)}#comments`, 303);
  });

  routes.post('/papers/:id{.+}/save', async (c) => {
    const id = c.req.param('id');
    const user = requireUser(c, paperPath(id));
    if (user instanceof Response) return user;
    const form = await readForm(c);
    const choice = field(form, 'collection');
    const name = field(form, 'name').trim().slice(0, 100);
    let collectionId: number;
    if (choice === 'new' || choice === '' || name) {
      if (!name)
        return renderError(c, 400, 'Name the collection', 'Give the new collection a name, then save again.');
      const created = await store.createCollection({
        ownerId: user.id,
        name,
        isPublic: false,
        now: new Date(),
      });
      const existing =
        created ??
        (await store.listCollections(user.id, true)).find((x) => x.name.toLowerCase() === name.toLowerCase());
      if (!existing) return renderError(c, 400, 'Cannot create the collection', 'Try another name.');
      collectionId = existing.id;
    } else {
      const collection = /^\d{1,15}$/.test(choice) ? await store.getCollection(Number(choice)) : null;
      if (!collection || collection.ownerId !== user.id) {
        return renderError(c, 404, 'Collection not found', 'You have no such collection.');
      }
      collectionId = collection.id;
    }
    if (!(await store.addToCollection(collectionId, id, new Date()))) {
      return renderError(c, 404, 'Paper not found', `Paperboy has no paper with the id ${id}.`);
    }
    return c.redirect(`/collections/${collectionId}`, 303);
  });

  const submissionsToday = async (user: User): Promise<number> =>
    (
      await store.listFeed({
        from: today(),
        to: today(),
        submitter: user.username,
        sort: 'newest',
        offset: 0,
        limit: 1,
      })
    ).total;

  routes.get('/submit', async (c) => {
    const user = requireUser(c);
    if (user instanceof Response) return user;
    return page(c, 'Submit a paper', <SubmitForm c={c} value="" used={await submissionsToday(user)} />);
  });

  routes.post('/submit', async (c) => {
    const user = requireUser(c, '/submit');
    if (user instanceof Response) return user;
    const input = field(await readForm(c), 'arxiv')
      .trim()
      .slice(0, 300);
    const used = await submissionsToday(user);
    const answer = (status: 200 | 400 | 404 | 502, kind: 'error' | 'info', text: Child) =>
      page(
        c,
        'Submit a paper',
        <SubmitForm c={c} value={input} used={used} message={{ kind, text }} />,
        status,
      );
    const parsed = parseArxivId(input);
    if (!parsed) {
      return answer(
        400,
        'error',
        input
          ? `“${input}” is not an arXiv id. Enter an id such as 2503.11731 or an arxiv.org link.`
          : 'Enter an arXiv id or link.',
      );
    }
    if (used >= SUBMISSIONS_PER_DAY) {
      return tooManyRequests(c, secondsUntilTomorrow(), `submissions today (${SUBMISSIONS_PER_DAY} a day)`);
    }
    const day = today();
    if (!(await store.getPaper(parsed.id))) {
      const decision = await checkRate(store, RATE_RULES.arxivLookup, String(user.id));
      if (!decision.allowed) return tooManyRequests(c, decision.retryAfterSeconds, 'arXiv look-ups');
      try {
        const paper = await lookupArxivPaper(input, {
          apiUrl: config.arxiv.apiUrl,
          delayMs: config.arxiv.requestDelayMs,
          // A person is waiting: fail fast rather than retrying for minutes.
          maxAttempts: 2,
          timeoutMs: 20_000,
          maxRetryAfterMs: 10_000,
          feedDate: day,
          logger,
        });
        await store.upsertPapers([paper]);
      } catch (err) {
        if (!(err instanceof ArxivLookupError)) throw err;
        const status = err.problem === 'not-found' ? 404 : err.problem === 'invalid-id' ? 400 : 502;
        return answer(status, 'error', err.message);
      }
    }
    const result = await store.submitPaper(parsed.id, user, day);
    if (!result) return answer(404, 'error', `arXiv has no paper ${parsed.id}`);
    if (result.status === 'already-submitted') {
      const paper = await store.getPaper(parsed.id);
      return answer(
        200,
        'info',
        <>
          Already on the feed of {result.feedDate}, submitted by {result.submitter}.
          {paper ? (
            <ol class="paper-list">
              <li>
                <PaperCard paper={paper} showDate />
              </li>
            </ol>
          ) : null}
        </>,
      );
    }
    logger.info({ paper: parsed.id, user: user.username }, 'paper submitted');
    return c.redirect(paperPath(parsed.id), 303);
  });
}
