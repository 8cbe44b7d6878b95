import type { Server } from 'node:http';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { apiNotFound, apiRoutes } from './api/routes.js';
import { communityMiddleware, communityRoutes } from './community/routes.js';
import type { Config } from './config.js';
import { feedRoutes } from './feeds/routes.js';
import { loadDemoIfEmpty } from './ingest/demo.js';
import { startHarvestSchedule } from './ingest/harvest-schedule.js';
import type { Logger } from './log.js';
import { mailRoutes } from './mail/routes.js';
import { startDigestSchedule } from './mail/schedule.js';
import { admission, AdmissionQueue } from './ops/admission.js';
import { createOps } from './ops/observe.js';
import { type DrainResult, gracefulServer } from './ops/shutdown.js';
import { recommendRoutes } from './recommend/routes.js';
import { openStore } from './store/open.js';
import type { Store } from './store/store.js';
import { notFoundPage } from './web/layout.js';
import { webRoutes } from './web/routes.js';
import { securityMiddleware } from './web/security.js';

export interface AppDeps {
  store: Store;
  config: Config;
  logger: Logger;
}

/**
 * Requests answered at once, and waiting. At a million papers with 200 clients (bench:scale load) this
 * answered every request in three runs, p99 6.8–10.4 s; without a limit 477 of about 2,300 waited past
 * 20 s, and with 64 at once 354 did. A thousand waiting is about half a minute of work at a million papers.
 */
const ADMISSION = { maxActive: 8, maxWaiting: 1_000 };

/** The whole HTTP surface: the JSON API under /api, everything else is the web app. */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  // --- ops first, so that requests the later middleware rejects are logged and counted too.
  const ops = createOps(deps);
  app.use(ops.observe);
  // --- overload: a few requests at a time, the rest in arrival order (see ops/admission.ts)
  app.use(admission(new AdmissionQueue(ADMISSION)));
  app.use(...securityMiddleware(deps.config)); // --- security: CSP and other headers, request size limit
  app.get('/metrics', ops.metrics);
  // --- community: every request knows its user; every state-changing request needs a CSRF token.
  app.use(...communityMiddleware(deps));
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.route('/api', apiRoutes(deps));
  app.route('/', mailRoutes(deps));
  app.route('/', communityRoutes(deps));
  app.route('/', feedRoutes(deps)); // --- feeds: Atom and RSS under /feeds
  app.route('/', recommendRoutes(deps)); // --- recommend: /recommended, "not interested"
  app.route('/', webRoutes(deps));
  app.notFound((c) => (c.req.path.startsWith('/api/') ? apiNotFound(c) : notFoundPage(c)));
  app.onError((err, c) => {
    deps.logger.error({ err, path: c.req.path }, 'request failed');
    return c.text('Something went wrong on our side. Please try again.', 500);
  });
  return app;
}

export interface RunningServer {
  url: string;
  store: Store;
  /** Graceful: finishes the requests in flight (see ops/shutdown.ts), then closes the database. */
  close(): Promise<DrainResult>;
}

/** Opens the store, loads the demo corpus into an empty one, and serves until closed. */
export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  const store = openStore(config);
  if (config.loadDemo) await loadDemoIfEmpty(store, logger);
  store.prepareToServe();
  const app = createApp({ store, config, logger });
  // Scheduled jobs (each off unless configured); stopped before the store closes.
  const schedules = [
    startHarvestSchedule({ store, config, logger }),
    startDigestSchedule({ store, config, logger }),
  ];
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
  });
  const graceful = gracefulServer(server as Server);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  logger.info({ url }, 'paperboy is serving');
  return {
    url,
    store,
    close: async () => {
      const drained = await graceful.drain({ logger });
      await Promise.all(schedules.map((schedule) => schedule.stop()));
      await store.close();
      return drained;
    },
  };
}
