import type { Command } from 'commander';
import { startServer } from '../app.js';
import { loadConfig } from '../config.js';
import { createLogger } from '../log.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(
      'Serve the web app and API (loads the demo corpus into an empty database unless PAPERBOY_DEMO=0)',
    )
    .action(async () => {
      const config = loadConfig();
      const logger = createLogger(config.logLevel);
      const server = await startServer(config, logger);
      console.log(`Paperboy is running at ${server.url}`);
      const stop = (): void => {
        server.close().then(
          () => process.exit(0),
          (err: unknown) => {
            logger.error({ err }, 'shutdown failed');
            process.exit(1);
          },
        );
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
}
