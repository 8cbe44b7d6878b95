/**
 * What operators see of every request: one structured log line (method, path, route, status, ms) and the
 * HTTP metrics; plus the /metrics handler that serves them to Prometheus.
 */
import type { Context, Handler, MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import { type AppMetrics, createAppMetrics } from './metrics.js';

/**
 * Assets, health checks and scrapes: too frequent and too dull for the info log, and cheap enough to answer
 * ahead of any queue (see admission.ts).
 */
export const ROUTINE_PATHS = /^\/(?:static\/|healthz$|metrics$|favicon\.ico$)/;

/**
 * The route pattern that answered (`/papers/:id{.+}`), never the raw path: labels must be few, and
 * paths are as many as papers. Requests that no route answered share one label.
 */
export function routeLabel(c: Context): string {
  const route = routePath(c);
  if (route === '/*' || route === '*') return c.res.status === 404 ? '(unmatched)' : '(middleware)';
  return route;
}

export interface Ops {
  /** Logs and measures every request; mount it before everything else. */
  observe: MiddlewareHandler;
  /** GET /metrics */
  metrics: Handler;
}

export function createOps(
  deps: { store: Store; logger: Logger },
  metrics: AppMetrics = createAppMetrics(deps.store),
): Ops {
  const { logger } = deps;
  return {
    observe: async (c, next) => {
      const start = performance.now();
      await next();
      const seconds = (performance.now() - start) / 1000;
      const route = routeLabel(c);
      const status = c.res.status;
      metrics.observeRequest({ method: c.req.method, route, status, seconds });
      const line = {
        method: c.req.method,
        path: c.req.path,
        route,
        status,
        ms: Math.round(seconds * 10_000) / 10,
      };
      if (status >= 500) logger.warn(line, 'request failed');
      else if (ROUTINE_PATHS.test(c.req.path)) logger.debug(line, 'request');
      else logger.info(line, 'request');
    },
    metrics: async (c) => {
      const body = await metrics.registry.metrics();
      return c.body(body, 200, { 'Content-Type': metrics.registry.contentType, 'Cache-Control': 'no-store' });
    },
  };
}
