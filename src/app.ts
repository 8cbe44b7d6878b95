import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { apiRoutes } from './api/routes.js';
import type { Config } from './config.js';
import { loadDemoIfEmpty } from './ingest/demo.js';
import type { Logger } from './log.js';
import { openStore } from './store/open.js';
import type { Store } from './store/store.js';
import { webRoutes } from './web/routes.js';

export interface AppDeps {
  store: Store;
  config: Config;
  logger: Logger;
}

/** The whole HTTP surface: the JSON API under /api, everything else is the web app. */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.route('/api', apiRoutes(deps));
  app.route('/', webRoutes(deps));
  app.onError((err, c) => {
    deps.logger.error({ err, path: c.req.path }, 'request failed');
    return c.text('Something went wrong on our side. Please try again.', 500);
  });
  return app;
}

export interface RunningServer {
  url: string;
  store: Store;
  close(): Promise<void>;
}

/** Opens the store, loads the demo corpus into an empty one, and serves until closed. */
export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  const store = openStore(config);
  if (config.loadDemo) await loadDemoIfEmpty(store, logger);
  const app = createApp({ store, config, logger });
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  logger.info({ url }, 'paperboy is serving');
  return {
    url,
    store,
    close: async () => {
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
      await store.close();
    },
  };
}
