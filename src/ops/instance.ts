/**
 * Whole-instance export to a JSON Lines file and its restore (`paperboy export`, `paperboy import`): for
 * backups, and to move an instance between databases (SQLite to PostgreSQL and back). The format is in
 * store/instance/records.ts.
 */
import { createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { ImportProgress, ImportReport } from '../ingest/import.js';
import { readLines } from '../ingest/read-lines.js';
import { fileErrorMessage } from '../ingest/read-records.js';
import {
  type Backend,
  INSTANCE_FORMAT,
  INSTANCE_FORMAT_VERSION,
  type InstanceEnd,
  type InstanceHeader,
  type InstanceRecord,
  isInstanceHeader,
  type KindCounts,
  parseHeader,
  parseRecordLine,
} from '../store/instance/records.js';
import type { Store } from '../store/store.js';

/** Lines are handed to the output in chunks of about this many characters, not one write per record. */
const CHUNK_CHARS = 1 << 16;
/** Records per restore transaction. */
const RESTORE_BATCH = 500;

export interface ExportResult {
  counts: KindCounts;
  records: number;
}

async function* exportLines(
  store: Store,
  source: Backend,
  now: Date,
  result: ExportResult,
): AsyncGenerator<string> {
  const header: InstanceHeader = {
    format: INSTANCE_FORMAT,
    version: INSTANCE_FORMAT_VERSION,
    source,
    exportedAt: now.toISOString(),
  };
  let chunk = `${JSON.stringify(header)}\n`;
  for await (const record of store.exportRecords()) {
    result.counts[record.kind] = (result.counts[record.kind] ?? 0) + 1;
    result.records++;
    chunk += `${JSON.stringify(record)}\n`;
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  const end: InstanceEnd = { kind: 'end', counts: result.counts };
  yield `${chunk}${JSON.stringify(end)}\n`;
}

/**
 * Writes the instance to `output` (gzip-compressed when its name ends in `.gz`), or to `stdout` when no
 * output is given. A file is written under a temporary name and renamed when complete, so a failed export
 * never leaves a file that looks like a backup.
 */
export async function exportInstance(
  store: Store,
  options: { source: Backend; output?: string; stdout?: Writable; now?: Date },
): Promise<ExportResult> {
  const result: ExportResult = { counts: {}, records: 0 };
  const lines = Readable.from(exportLines(store, options.source, options.now ?? new Date(), result));
  const { output } = options;
  if (output === undefined) {
    await pipeline(lines, options.stdout ?? process.stdout, { end: false });
    return result;
  }
  const partial = `${output}.partial`;
  try {
    if (output.endsWith('.gz')) await pipeline(lines, createGzip(), createWriteStream(partial));
    else await pipeline(lines, createWriteStream(partial));
    await rename(partial, output);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
  return result;
}

/** True when the file is an instance export (its first line is the export's header). */
export async function isInstanceExport(file: string): Promise<boolean> {
  try {
    for await (const line of readLines(file)) {
      if (line.trim() !== '') return isInstanceHeader(line);
    }
  } catch {
    // Unreadable: the paper importer reports it.
  }
  return false;
}

export interface RestoreOptions {
  onProgress?: (progress: ImportProgress) => void;
  batchSize?: number;
}

/** Restores each export in turn into the store, adding what it did to `report` (see restoreInstanceFile). */
export async function restoreInstanceFiles(
  store: Store,
  files: string[],
  report: ImportReport,
  options: RestoreOptions = {},
): Promise<ImportReport> {
  for (const file of files) await restoreInstanceFile(store, file, report, options);
  return report;
}

interface Pending {
  record: InstanceRecord;
  line: number;
}

/**
 * Restores an instance export into the store, in the file's order (an export lists whatever a record refers
 * to before it), a batch per transaction. Bad lines are reported with their line number and skipped, like
 * the paper importers do; a file that stops before its end line (cut off while copying, a full disk) is
 * reported as failed, after what it holds has been restored.
 */
export async function restoreInstanceFile(
  store: Store,
  file: string,
  report: ImportReport,
  options: RestoreOptions = {},
): Promise<ImportReport> {
  const skip = (line: number, message: string): void => void report.skipped.push({ file, line, message });
  const totalBytes = (await stat(file).catch(() => ({ size: 0 }))).size;
  let bytesRead = 0;
  let recordLines = 0;
  let batch: Pending[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const done = batch;
    batch = [];
    const summary = await store.importRecords(done.map((pending) => pending.record));
    report.inserted += summary.inserted;
    report.updated += summary.updated;
    report.unchanged += summary.unchanged;
    for (const { index, message } of summary.refused) skip(done[index]?.line ?? 0, message);
    options.onProgress?.({ records: recordLines, bytesRead, totalBytes });
  };

  let header: InstanceHeader | null = null;
  let end: { line: number; total: number } | null = null;
  let lineNumber = 0;
  try {
    for await (const line of readLines(file, (bytes) => (bytesRead = bytes))) {
      lineNumber++;
      if (line.trim() === '') continue;
      if (!header) {
        const parsed = parseHeader(line);
        if (typeof parsed === 'string') {
          report.failed.push({ file, message: `line ${lineNumber}: ${parsed}` });
          return report;
        }
        header = parsed;
        continue;
      }
      if (end) {
        skip(lineNumber, `after the end line (line ${end.line})`);
        continue;
      }
      const parsed = parseRecordLine(line);
      if (typeof parsed !== 'string' && parsed.kind === 'end') {
        end = { line: lineNumber, total: Object.values(parsed.counts).reduce((sum, n) => sum + n, 0) };
        continue;
      }
      recordLines++;
      if (typeof parsed === 'string') skip(lineNumber, parsed);
      else batch.push({ record: parsed, line: lineNumber });
      if (batch.length >= (options.batchSize ?? RESTORE_BATCH)) await flush();
    }
    await flush();
  } catch (err) {
    const message = fileErrorMessage(err);
    if (message === null) throw err;
    await flush();
    report.failed.push({ file, message: `line ${lineNumber + 1}: ${message}` });
    return report;
  }
  if (!header) {
    report.failed.push({ file, message: 'empty file' });
  } else if (!end) {
    report.failed.push({
      file,
      message: `the export stops at line ${lineNumber} without its end line (cut off?): what it holds is restored`,
    });
  } else if (end.total !== recordLines) {
    report.failed.push({
      file,
      message: `the end line counts ${end.total} records but the export holds ${recordLines}`,
    });
  }
  return report;
}
