/**
 * Personal recommendations on the web: `GET /recommended` and the "not interested" action
 * (`POST /papers/:id/not-interested`, `undo=1` takes it back). Mounted before the web app's routes.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppDeps } from '../app.js';
import { loginPath, safeNext, upvoteButtons } from '../community/components.js';
import { readForm, wantsJson } from '../community/pages/common.js';
import { csrfToken } from '../web/csrf.js';
import { addDays } from '../web/feed-period.js';
import { renderError, renderPage, urlWith } from '../web/layout.js';
import { currentUser } from '../web/session.js';
import { describeIssues, nonEmptyParams, wholeNumber } from '../web/validation.js';
import {
  AnonymousView,
  RECOMMEND_MAX_PAGES,
  RECOMMEND_PAGE_SIZE,
  RECOMMEND_WINDOWS,
  RecommendedView,
  recommendedUrl,
} from './page.js';
import { Recommender } from './recommender.js';

const ParamsSchema = z.object({
  window: z
    .enum(['all', 'year', 'month', 'week'], { message: 'must be all, year, month or week' })
    .default('all'),
  page: wholeNumber(1, RECOMMEND_MAX_PAGES).default(1),
});

/** Papers listed for taking a "not interested" back: the most recent ones. */
const DECLINED_SHOWN = 50;

export function recommendRoutes(deps: AppDeps, recommender = new Recommender(deps.store)): Hono {
  const { store } = deps;
  const routes = new Hono();

  routes.get('/recommended', async (c) => {
    const user = currentUser(c);
    if (!user) {
      return renderPage(
        c,
        <AnonymousView
          loginHref={loginPath('/recommended')}
          signupHref={urlWith('/signup', { next: '/recommended' })}
        />,
      );
    }
    const input = nonEmptyParams(c.req.query());
    const parsed = ParamsSchema.safeParse(input);
    if (!parsed.success) {
      return renderError(c, 400, 'Invalid address', describeIssues(parsed.error, input));
    }
    const { window, page } = parsed.data;
    const days = RECOMMEND_WINDOWS[window].days;
    const latest = days === null ? null : await store.latestFeedDay();
    const offset = (page - 1) * RECOMMEND_PAGE_SIZE;
    // One more than the page shows tells whether there is a next page.
    const [result, feedback] = await Promise.all([
      recommender.recommend(
        user.id,
        latest ? { from: addDays(latest, 1 - (days ?? 0)), to: latest } : {},
        offset + RECOMMEND_PAGE_SIZE + 1,
      ),
      store.recommendationFeedback(user.id),
    ]);
    const items = result.items.slice(offset, offset + RECOMMEND_PAGE_SIZE);
    const declinedIds = feedback
      .filter((event) => event.kind === 'not-interested')
      .sort((a, b) => (a.at < b.at ? 1 : -1))
      .slice(0, DECLINED_SHOWN)
      .map((event) => event.paperId);
    const [votes, declined] = await Promise.all([
      upvoteButtons(
        c,
        store,
        items.map((item) => item.paper),
      ),
      Promise.all(declinedIds.map((id) => store.getPaper(id))),
    ]);
    return renderPage(
      c,
      <RecommendedView
        window={window}
        page={page}
        items={items}
        offset={offset}
        hasMore={result.items.length > offset + RECOMMEND_PAGE_SIZE && page < RECOMMEND_MAX_PAGES}
        positives={result.positives}
        negatives={result.negatives}
        votes={votes}
        csrf={csrfToken(c)}
        declined={declined.flatMap((paper) => (paper ? [paper] : []))}
      />,
    );
  });

  routes.post('/papers/:id{.+}/not-interested', async (c) => {
    const id = c.req.param('id');
    const form = await readForm(c);
    const back = safeNext(form['next'], recommendedUrl('all'));
    const user = currentUser(c);
    if (!user) {
      return wantsJson(c)
        ? c.json({ error: 'Log in to tune your recommendations.' }, 401)
        : c.redirect(loginPath(back), 303);
    }
    const notInterested = form['undo'] !== '1';
    const found = await store.setNotInterested(user.id, id, notInterested, new Date());
    if (!found) {
      return wantsJson(c)
        ? c.json({ error: `No paper ${id}.` }, 404)
        : renderError(c, 404, 'Paper not found', `Paperboy has no paper with the id ${id}.`);
    }
    return wantsJson(c) ? c.json({ id, notInterested }) : c.redirect(back, 303);
  });

  return routes;
}
