/** `/u/:username` — a person's submissions and public collections (and, for admins, moderation). */
import type { Hono } from 'hono';
import type { AppDeps } from '../../app.js';
import { formatDay } from '../../web/feed-period.js';
import { CsrfField, csrfToken } from '../../web/csrf.js';
import { Pagination, renderError, urlWith } from '../../web/layout.js';
import { PaperCard, PaperList } from '../../web/paper-card.js';
import { currentUser } from '../../web/session.js';
import { wholeNumber } from '../../web/validation.js';
import { profilePath, upvoteButtons } from '../components.js';
import { CollectionList } from './collections.js';
import { page } from './common.js';

const PAGE_SIZE = 20;
const PageParam = wholeNumber(1, 100_000).catch(1);

export function registerProfile(routes: Hono, deps: AppDeps): void {
  const { store } = deps;
  routes.get('/u/:username', async (c) => {
    const requested = c.req.param('username');
    const account = await store.findUser(requested);
    // People who submitted imported papers (e.g. from Hugging Face) have a profile without an account.
    const username = account?.username ?? requested;
    if (!account && !(await store.isKnownSubmitter(username))) {
      return renderError(
        c,
        404,
        'No such person',
        `Nobody called ${requested} has an account or submitted papers here.`,
      );
    }
    if (account && account.username !== requested) return c.redirect(profilePath(account.username), 301);
    const viewer = currentUser(c);
    const pageNumber = PageParam.parse(c.req.query('page') ?? '1');
    const submissions = await store.listFeed({
      from: '0000-01-01',
      to: '9999-12-31',
      submitter: username,
      sort: 'newest',
      offset: (pageNumber - 1) * PAGE_SIZE,
      limit: PAGE_SIZE,
    });
    const own = viewer !== null && account !== null && viewer.id === account.id;
    const collections = account ? await store.listCollections(account.id, own) : [];
    const votes = await upvoteButtons(c, store, submissions.items);
    return page(
      c,
      username,
      <section>
        <h1>{account?.fullname ?? username}</h1>
        <p class="muted">
          @{username}
          {account
            ? ` · joined ${formatDay(account.createdAt.slice(0, 10))}`
            : ' · imported submitter, no account here'}
          {account?.suspended ? ' · suspended' : ''}
        </p>
        {own ? (
          <p>
            <a href="/account/email">Change email address</a> ·{' '}
            <a href="/password/forgot">Reset password by email</a>
          </p>
        ) : null}
        {viewer?.isAdmin && account && !own ? (
          <form class="inline-form" method="post" action="/admin/users/suspend">
            <CsrfField token={csrfToken(c)} />
            <input type="hidden" name="username" value={account.username} />
            <input type="hidden" name="suspended" value={account.suspended ? '0' : '1'} />
            <input type="text" name="reason" placeholder="Reason" maxlength={500} aria-label="Reason" />
            <button type="submit" class="button">
              {account.suspended ? 'Lift suspension' : 'Suspend this user'}
            </button>
          </form>
        ) : null}
        {account ? (
          <section aria-labelledby="collections-heading">
            <h2 id="collections-heading">{own ? 'Your collections' : 'Public collections'}</h2>
            <CollectionList collections={collections} owner={own} />
          </section>
        ) : null}
        <section aria-labelledby="submissions-heading">
          <h2 id="submissions-heading">Submitted papers ({submissions.total.toLocaleString('en-US')})</h2>
          {submissions.items.length > 0 ? (
            <PaperList start={(pageNumber - 1) * PAGE_SIZE + 1}>
              {submissions.items.map((paper) => (
                <li>
                  <PaperCard paper={paper} showDate vote={votes.get(paper.id)} />
                </li>
              ))}
            </PaperList>
          ) : (
            <p class="muted">No submissions yet.</p>
          )}
          <Pagination
            page={pageNumber}
            pageCount={Math.ceil(submissions.total / PAGE_SIZE)}
            href={(n) => urlWith(profilePath(username), { page: n === 1 ? undefined : n })}
          />
        </section>
      </section>,
    );
  });
}
