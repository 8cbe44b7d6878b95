import { Hono } from 'hono';
import type { AppDeps } from '../app.js';
import { renderError } from './layout.js';
import { registerFeed } from './pages/feed.js';
import { registerPaper } from './pages/paper.js';
import { registerPaperCitation } from './pages/paper-citation.js';
import { registerSearch } from './pages/search.js';
import { staticRoutes } from './static.js';

/** The server-rendered web app: feed, paper pages, search, and the static files they use. */
export function webRoutes(deps: AppDeps): Hono {
  const web = new Hono();
  web.route('/', staticRoutes());
  registerFeed(web, deps);
  registerPaperCitation(web, deps);
  registerPaper(web, deps);
  registerSearch(web, deps);
  web.onError((err, c) => {
    deps.logger.error({ err, path: c.req.path }, 'page failed');
    return renderError(c, 500, 'Something went wrong', 'Something went wrong on our side. Please try again.');
  });
  return web;
}
