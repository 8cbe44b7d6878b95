import { InvalidArgumentError, Option, type Command } from 'commander';
import { loadConfig } from '../config.js';
import { IMPORT_FORMATS, type ImportFormat } from '../ingest/detect.js';
import { importFiles, type ImportProgress, type ImportReport } from '../ingest/import.js';
import { isInstanceExport, restoreInstanceFiles } from '../ops/instance.js';
import { openStore } from '../store/open.js';
import type { Store } from '../store/store.js';
import { UsageError } from './main.js';

const number = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** One progress line: records, rate and (from the bytes read) percentage and time left. */
export function progressLine(progress: ImportProgress, elapsedSeconds: number): string {
  const seconds = Math.max(elapsedSeconds, 0.001);
  const parts = [
    `${number.format(progress.records)} records`,
    `${number.format(progress.records / seconds)}/s`,
  ];
  const done = progress.totalBytes > 0 ? progress.bytesRead / progress.totalBytes : 0;
  if (done > 0) {
    const left = Math.max(0, Math.round((seconds * (1 - done)) / done));
    parts.push(
      `${Math.floor(done * 100)}%`,
      `ETA ${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`,
    );
  }
  return `import: ${parts.join(' · ')}`;
}

/** The summary line, then one line per skipped record (FILE:LINE: why) and per unreadable file. */
export function reportLines(report: ImportReport): { summary: string; problems: string[] } {
  return {
    summary:
      `imported ${report.inserted}, updated ${report.updated}, unchanged ${report.unchanged}, ` +
      `skipped ${report.skipped.length}` +
      (report.failed.length > 0 ? `, unreadable files ${report.failed.length}` : ''),
    problems: [
      ...report.failed.map((failure) => `${failure.file}: ${failure.message}`),
      ...report.skipped.map((skip) => `${skip.file}:${skip.line}: ${skip.message}`),
    ],
  };
}

function parseYear(value: string): number {
  const year = Number(value);
  if (!/^\d{4}$/.test(value) || year < 1991) {
    throw new InvalidArgumentError('expected a four-digit year such as 2025.');
  }
  return year;
}

/** Redraws one progress line on a terminal at most a few times a second. */
function terminalProgress(stream: NodeJS.WriteStream): {
  update: (progress: ImportProgress) => void;
  finish: () => void;
} {
  const started = performance.now();
  let drawn = 0;
  let shown = false;
  return {
    update: (progress) => {
      const now = performance.now();
      if (now - drawn < 200) return;
      drawn = now;
      shown = true;
      stream.write(`\r\x1b[K${progressLine(progress, (now - started) / 1000)}`);
    },
    finish: () => {
      if (shown) stream.write('\r\x1b[K');
    },
  };
}

async function instanceExports(files: string[]): Promise<string[]> {
  const found = await Promise.all(files.map(isInstanceExport));
  return files.filter((_, i) => found[i]);
}

export function registerImport(program: Command): void {
  program
    .command('import')
    .description(
      'Import papers from files (gzip accepted): a paper-listing text, arXiv listing JSON Lines, Hugging Face ' +
        'daily papers (a JSON array or JSON Lines) or the arXiv metadata snapshot. Papers already present are ' +
        'merged; bad records are reported with their line and skipped (exit status 1). An instance export ' +
        '(`paperboy export`) is restored whole; what the store has already is kept, so restoring twice changes nothing.',
    )
    .argument('<files...>', 'files to import')
    .addOption(
      new Option('--format <format>', 'input format; auto tells it from the content')
        .choices(['auto', ...IMPORT_FORMATS])
        .default('auto'),
    )
    .option(
      '--year <year>',
      'year of a listing’s "Mar 12" date line (default: the latest such date that is not in the future)',
      parseYear,
    )
    .action(async (files: string[], options: { format: ImportFormat | 'auto'; year?: number }) => {
      const config = loadConfig();
      let store: Store;
      try {
        store = openStore(config);
      } catch (err) {
        throw new UsageError(`cannot open the database ${config.databasePath}: ${(err as Error).message}`);
      }
      const progress = process.stderr.isTTY ? terminalProgress(process.stderr) : undefined;
      let report: ImportReport;
      try {
        // Instance exports (`paperboy export`) are told by their header line and restored whole.
        const exports = options.format === 'auto' ? await instanceExports(files) : [];
        report = await importFiles(
          store,
          files.filter((file) => !exports.includes(file)),
          { format: options.format, listingYear: options.year, onProgress: progress?.update },
        );
        await restoreInstanceFiles(store, exports, report, { onProgress: progress?.update });
      } catch (err) {
        throw new UsageError(`import stopped: ${(err as Error).message}`);
      } finally {
        progress?.finish();
        await store.close();
      }
      const { summary, problems } = reportLines(report);
      console.log(summary);
      for (const problem of problems) console.error(problem);
      if (problems.length > 0) process.exitCode = 1;
    });
}
