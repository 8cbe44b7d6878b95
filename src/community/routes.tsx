/**
 * The community's HTTP surface: accounts, votes, comments, submissions, collections, profiles, trending,
 * moderation. Mounted before the web app's routes (see app.ts); sessions and CSRF checks come from the
 * global middleware in src/web/session.ts and src/web/csrf.tsx.
 */
import { Hono, type MiddlewareHandler } from 'hono';
import type { AppDeps } from '../app.js';
import { csrfMiddleware } from '../web/csrf.js';
import { sessionMiddleware } from '../web/session.js';
import { CommunityHead, communityStaticRoutes } from './assets.js';
import { AccountMenu } from './components.js';
import { registerAccounts } from './pages/accounts.js';
import { registerCollections } from './pages/collections.js';
import { registerModeration } from './pages/moderation.js';
import { registerPaperActions } from './pages/papers.js';
import { registerProfile } from './pages/profile.js';
import { registerTrending } from './pages/trending.js';

/**
 * What every request needs before any route: its session (the signed-in user), its CSRF token and check,
 * and the header's account menu (the layout shows the `headerActions` of the request on every page).
 */
export function communityMiddleware(deps: AppDeps): MiddlewareHandler[] {
  const accountMenu: MiddlewareHandler = async (c, next) => {
    // The community's stylesheet and script travel with the menu: <link rel=stylesheet> and <script> are
    // allowed in the body, and every page that shows the menu may show upvote buttons or comments.
    c.set(
      'headerActions',
      <>
        <CommunityHead />
        <AccountMenu c={c} />
      </>,
    );
    await next();
  };
  return [sessionMiddleware(deps), accountMenu, csrfMiddleware(deps)];
}

export function communityRoutes(deps: AppDeps): Hono {
  const routes = new Hono();
  routes.route('/', communityStaticRoutes());
  registerAccounts(routes, deps);
  registerPaperActions(routes, deps);
  registerCollections(routes, deps);
  registerProfile(routes, deps);
  registerTrending(routes, deps);
  registerModeration(routes, deps);
  return routes;
}
