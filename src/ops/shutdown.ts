/**
 * Graceful shutdown of the HTTP server: stop accepting connections, let requests in flight finish, close
 * idle keep-alive connections at once, and cut whatever is still open when the time is up.
 */
import type { Server, ServerResponse } from 'node:http';
import type { Logger } from '../log.js';

/** `docker stop` sends SIGKILL 10 s after SIGTERM; finishing before then leaves time to close the database. */
export const SHUTDOWN_TIMEOUT_MS = 8000;

export interface DrainResult {
  /** True when requests were still running at the timeout and their connections were cut. */
  forced: boolean;
}

export interface GracefulServer {
  /** Resolves once every connection is closed: after the requests in flight, or at the timeout. */
  drain(options: { timeoutMs?: number; logger: Logger }): Promise<DrainResult>;
}

/** Call when the server starts: it has to know which responses are in flight when the shutdown begins. */
export function gracefulServer(server: Server): GracefulServer {
  const inFlight = new Set<ServerResponse>();
  let draining = false;
  const closeAfterResponse = (res: ServerResponse) => {
    // Without it a keep-alive client would send its next request on a connection that is about to go.
    if (!res.headersSent) res.setHeader('Connection', 'close');
  };
  server.prependListener('request', (_req, res) => {
    if (draining) closeAfterResponse(res);
    inFlight.add(res);
    res.on('close', () => inFlight.delete(res));
  });

  return {
    drain: ({ timeoutMs = SHUTDOWN_TIMEOUT_MS, logger }) =>
      new Promise((resolve) => {
        draining = true;
        let forced = false;
        inFlight.forEach(closeAfterResponse);
        // close() stops listening and closes idle connections; the busy ones close after their response.
        server.close(() => {
          clearInterval(sweep);
          clearTimeout(deadline);
          resolve({ forced });
        });
        // A response written just before the shutdown leaves its connection idle only once it is flushed.
        const sweep = setInterval(() => server.closeIdleConnections(), 100);
        const deadline = setTimeout(() => {
          forced = true;
          logger.warn(
            { timeoutMs, inFlight: inFlight.size },
            'requests still running at the shutdown deadline; cutting them off',
          );
          server.closeAllConnections();
        }, timeoutMs);
      }),
  };
}
