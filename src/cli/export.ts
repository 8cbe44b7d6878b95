/** `paperboy export`: the whole instance as JSON Lines, for backups and to move between databases. */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { exportInstance } from '../ops/instance.js';
import { RECORD_KINDS } from '../store/instance/records.js';
import { openStore } from '../store/open.js';
import { describePostgresUrl } from './migrate.js';
import { UsageError } from './main.js';

export function registerExport(program: Command): void {
  program
    .command('export')
    .description(
      'Write the whole instance as JSON Lines (restore it with `paperboy import FILE`, into SQLite or ' +
        'PostgreSQL): papers, accounts with their password hashes, votes, not-interested marks, comments, ' +
        'collections, the moderation log, harvest checkpoints and runs, mail subscribers with their topics ' +
        'and confirmations, the send log and mail jobs. Left out, as they rebuild themselves: sessions (people ' +
        'sign in again), rate-limit windows, cached recommendation models, job leases and the search indexes. ' +
        'Reads one consistent snapshot, so it can run beside `paperboy serve`.',
    )
    .option('-o, --output <file>', 'write to FILE (gzip-compressed when it ends in .gz) instead of stdout')
    .action(async (options: { output?: string }) => {
      const config = loadConfig();
      const where = config.databaseUrl ? describePostgresUrl(config.databaseUrl) : config.databasePath;
      if (!config.databaseUrl && config.databasePath !== ':memory:' && !existsSync(config.databasePath)) {
        throw new UsageError(`no database at ${config.databasePath} (set PAPERBOY_DB or DATABASE_URL)`);
      }
      const store = openStore(config);
      try {
        const result = await exportInstance(store, {
          source: config.databaseUrl ? 'postgres' : 'sqlite',
          output: options.output,
        });
        const counts = RECORD_KINDS.flatMap((kind) => {
          const n = result.counts[kind];
          return n ? [`${kind} ${n}`] : [];
        });
        console.error(
          `exported ${result.records} records from ${where}` +
            (counts.length > 0 ? ` (${counts.join(', ')})` : '') +
            (options.output ? ` to ${options.output}` : ''),
        );
      } catch (err) {
        // The reader went away (`paperboy export | head`): nothing is wrong with the export.
        if ((err as NodeJS.ErrnoException).code === 'EPIPE') return;
        throw new UsageError(`export failed: ${(err as Error).message}`);
      } finally {
        await store.close();
      }
    });
}
