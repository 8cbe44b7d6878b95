import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { HarvestError, runHarvest, type HarvestProgress, type HarvestReport } from '../ingest/harvest.js';
import { createLogger } from '../log.js';
import { openStore } from '../store/open.js';
import { UsageError } from './main.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A YYYY-MM-DD option that names a real day. */
export function parseDay(value: string, option: string): string {
  const date = new Date(`${value}T00:00:00Z`);
  if (!DAY.test(value) || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
    throw new UsageError(`${option} must be a date written YYYY-MM-DD, e.g. 2025-03-14 (got "${value}")`);
  }
  return value;
}

const number = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function progressLine(p: HarvestProgress): string {
  const seconds = Math.max(p.elapsedMs / 1000, 0.001);
  const of = p.completeListSize !== null ? ` of ${number.format(p.completeListSize)}` : '';
  return (
    `harvest: page ${p.pages} · ${number.format(p.records)}${of} records · ` +
    `${number.format(p.records / seconds)} records/s · ${number.format(p.inserted)} new, ` +
    `${number.format(p.updated)} updated, ${number.format(p.deleted)} deleted`
  );
}

function summary(report: HarvestReport): string {
  const window = [report.from && `from ${report.from}`, report.until && `until ${report.until}`]
    .filter(Boolean)
    .join(' ');
  return (
    `Harvested ${report.set ? `set ${report.set}` : 'all sets'}${window ? ` ${window}` : ''}` +
    `${report.resumed ? ' (resumed)' : ''}: ${report.pages} page${report.pages === 1 ? '' : 's'}, ` +
    `${report.records} records — ${report.inserted} new, ${report.updated} updated, ` +
    `${report.unchanged} unchanged, ${report.deleted} deleted, ${report.skipped} skipped.`
  );
}

export function registerHarvest(program: Command): void {
  program
    .command('harvest')
    .description(
      'Fetch new and updated papers from arXiv over OAI-PMH (ARXIV_OAI_URL). Without --from, continues ' +
        'where the last harvest of the set stopped (a week back on the first run); a killed harvest resumes.',
    )
    .option(
      '--set <spec>',
      'OAI-PMH set, e.g. cs or physics:hep-th (default: PAPERBOY_HARVEST_SET, else all)',
    )
    .option('--from <YYYY-MM-DD>', 'first datestamp to ask for (inclusive)')
    .option('--until <YYYY-MM-DD>', 'last datestamp to ask for (inclusive)')
    .action(async (options: { set?: string; from?: string; until?: string }) => {
      const config = loadConfig();
      const from = options.from === undefined ? null : parseDay(options.from, '--from');
      const until = options.until === undefined ? null : parseDay(options.until, '--until');
      if (from && until && from > until) throw new UsageError(`--from ${from} is after --until ${until}`);
      const set = options.set ?? config.arxiv.harvestSet;
      if (set !== null && !/^[A-Za-z0-9:._-]+$/.test(set)) {
        throw new UsageError(`--set must be an OAI-PMH set spec such as cs or physics:hep-th (got "${set}")`);
      }
      const logger = createLogger(config.logLevel);
      const store = openStore(config);
      const terminal = process.stderr.isTTY;
      try {
        const report = await runHarvest(
          {
            store,
            logger,
            oaiUrl: config.arxiv.oaiUrl,
            http: { delayMs: config.arxiv.requestDelayMs },
            onProgress: terminal ? (p) => process.stderr.write(`\r\x1b[K${progressLine(p)}`) : undefined,
          },
          { set, from, until },
        );
        if (terminal) process.stderr.write('\n');
        console.log(summary(report));
      } catch (err) {
        if (terminal) process.stderr.write('\n');
        if (!(err instanceof HarvestError)) throw err;
        console.error(`paperboy: harvest stopped: ${err.message}`);
        if (err.report) {
          const { pages, records } = err.report;
          console.error(
            `paperboy: ${pages} page${pages === 1 ? '' : 's'} (${records} records) of this run are saved; ` +
              'run `paperboy harvest` again to continue from there.',
          );
        }
        process.exitCode = 1;
      } finally {
        await store.close();
      }
    });
}
