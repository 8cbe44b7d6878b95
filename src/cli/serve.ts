import type { Command } from 'commander';
import { startServer } from '../app.js';
import { loadConfig } from '../config.js';
import { createLogger } from '../log.js';
import { SHUTDOWN_TIMEOUT_MS } from '../ops/shutdown.js';

const ENVIRONMENT_HELP = `
Configuration comes from environment variables:
  PORT, HOST               where to listen (default 3000 on 127.0.0.1; HOST=0.0.0.0 for all interfaces)
  PAPERBOY_DB              SQLite database file (default ./data/paperboy.db)
  DATABASE_URL             postgres://… to use PostgreSQL instead of SQLite
  PAPERBOY_BASE_URL        public URL, for links in feeds and mail (default http://HOST:PORT)
  PAPERBOY_DEMO            0 to start with an empty database instead of the demo corpus
  PAPERBOY_SECRET          signing secret, at least 32 characters (default: generated beside the database)
  LOG_LEVEL                fatal, error, warn, info (default), debug, trace or silent; logs are JSON on stderr
  PAPERBOY_HARVEST_AT      UTC time (HH:MM) of the daily arXiv harvest; PAPERBOY_HARVEST_SET picks the set
  PAPERBOY_DIGEST_AT       UTC time (HH:MM) of the daily digest run; SMTP_URL, PAPERBOY_MAIL_FROM for mail
  PAPERBOY_DIGEST_TICK_MS  how often the digest schedule checks for due issues (default 60000)
  PAPERBOY_TRUSTED_PROXIES reverse proxies in front that append to X-Forwarded-For (default 0)

Endpoints for operators: GET /healthz (liveness), GET /metrics (Prometheus).
On SIGTERM or SIGINT the server stops accepting connections, finishes the requests in flight (at most
${SHUTDOWN_TIMEOUT_MS / 1000} s), closes the database and exits 0; 1 if it had to cut requests off. A second signal exits at once.`;

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(
      'Serve the web app and API (loads the demo corpus into an empty database unless PAPERBOY_DEMO=0)',
    )
    .addHelpText('after', ENVIRONMENT_HELP)
    .action(async () => {
      const config = loadConfig();
      const logger = createLogger(config.logLevel);
      const server = await startServer(config, logger);
      console.log(`Paperboy is running at ${server.url}`);
      let stopping = false;
      const stop = (signal: NodeJS.Signals): void => {
        if (stopping) {
          logger.warn({ signal }, 'second signal: exiting without waiting for requests');
          process.exit(1);
        }
        stopping = true;
        logger.info({ signal }, 'shutting down: finishing the requests in flight');
        server.close().then(
          ({ forced }) => {
            logger.info({ forced }, 'shut down');
            process.exit(forced ? 1 : 0);
          },
          (err: unknown) => {
            logger.error({ err }, 'shutdown failed');
            process.exit(1);
          },
        );
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    });
}
