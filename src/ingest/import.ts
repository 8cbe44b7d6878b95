import { stat } from 'node:fs/promises';
import { setImmediate } from 'node:timers/promises';
import { startWorker } from '../ops/worker.js';
import type { Store, UpsertSummary } from '../store/store.js';
import type { ParseMessage } from './parse-worker.js';
import {
  FileError,
  fileErrorMessage,
  readRecordBatches,
  type ParseRequest,
  type ReadOptions,
  type RecordBatch,
} from './read-records.js';

export interface SkippedRecord {
  file: string;
  line: number;
  message: string;
}

export interface FailedFile {
  file: string;
  message: string;
}

export interface ImportReport extends UpsertSummary {
  skipped: SkippedRecord[];
  /** Files that could not be read, or stopped being readable part-way (what came before is kept). */
  failed: FailedFile[];
}

export interface ImportProgress {
  /** Records read so far, over all files. */
  records: number;
  /** File bytes read so far (compressed bytes for gzip) and in total, for a rate and an ETA. */
  bytesRead: number;
  totalBytes: number;
}

export interface ImportOptions extends ReadOptions {
  /** Papers per store transaction. */
  batchSize?: number;
  onProgress?: (progress: ImportProgress) => void;
}

const DEFAULT_BATCH_SIZE = 1000;
const BATCHES_IN_FLIGHT = 2;
// Below this size a worker thread costs more to start than parsing beside the store saves.
const WORKER_MIN_BYTES = 4 << 20;

/**
 * Imports paper files into the store, streaming them line by line and upserting in batches. Bad
 * records are skipped and reported with their line; unreadable files are reported and the others
 * still imported. Errors of the store itself are not caught: they are not the input's fault.
 */
export async function importFiles(
  store: Store,
  paths: string[],
  options: ImportOptions = {},
): Promise<ImportReport> {
  const report: ImportReport = { inserted: 0, updated: 0, unchanged: 0, skipped: [], failed: [] };
  const sizes = await Promise.all(
    paths.map((path) =>
      stat(path).then(
        ({ size }) => size,
        () => 0,
      ),
    ),
  );
  const progress: ImportProgress = { records: 0, bytesRead: 0, totalBytes: sizes.reduce((a, b) => a + b, 0) };
  let bytesBefore = 0;
  for (const [index, path] of paths.entries()) {
    const failure = await importFile(store, path, sizes[index] ?? 0, options, report, (records, bytes) => {
      progress.records += records;
      progress.bytesRead = bytesBefore + bytes;
      options.onProgress?.(progress);
    });
    if (failure !== null) report.failed.push({ file: path, message: failure });
    bytesBefore += sizes[index] ?? 0;
    progress.bytesRead = bytesBefore;
    options.onProgress?.(progress);
  }
  return report;
}

/** Imports one file; returns why the file could not be (fully) read, or null. */
async function importFile(
  store: Store,
  path: string,
  size: number,
  options: ImportOptions,
  report: ImportReport,
  onBatch: (records: number, bytesRead: number) => void,
): Promise<string | null> {
  const { format, listingYear, today } = options;
  const request: ParseRequest = {
    path,
    options: { format, listingYear, today },
    batchSize: options.batchSize ?? DEFAULT_BATCH_SIZE,
    inFlight: BATCHES_IN_FLIGHT,
  };
  const batches = size >= WORKER_MIN_BYTES ? parseInWorker(request) : readRecordBatches(request);
  try {
    for await (const batch of batches) {
      const papers = batch.records.flatMap((record) => {
        if ('paper' in record) return [record.paper];
        report.skipped.push({ file: path, line: record.line, message: record.error });
        return [];
      });
      if (papers.length > 0) {
        const summary = await store.upsertPapers(papers);
        report.inserted += summary.inserted;
        report.updated += summary.updated;
        report.unchanged += summary.unchanged;
      }
      onBatch(batch.records.length, batch.bytesRead);
      // Node hands a thread up to a thousand waiting messages in one turn of its event loop, and the next
      // batch is usually waiting: without this, a whole import runs in one turn, and nothing else queued
      // (the store's checkpoint replies, timers, a server's requests) runs until it ends.
      await setImmediate();
    }
    return null;
  } catch (err) {
    const message = fileErrorMessage(err);
    if (message === null) throw err;
    return message;
  }
}

/**
 * Parses in a worker thread (see parse-worker.ts), yielding its batches. Taking the next batch tells
 * the worker the previous one is stored. A file the worker cannot read throws a FileError.
 */
async function* parseInWorker(request: ParseRequest): AsyncGenerator<RecordBatch> {
  const worker = startWorker(new URL('./parse-worker', import.meta.url), request);
  const queue: ParseMessage[] = [];
  let failure: Error | null = null;
  let exited = false;
  let wake: (() => void) | null = null;
  const notify = (): void => {
    wake?.();
    wake = null;
  };
  worker.on('message', (message: ParseMessage) => {
    queue.push(message);
    notify();
  });
  worker.on('error', (err) => {
    failure = err;
    notify();
  });
  worker.on('exit', () => {
    exited = true;
    notify();
  });
  try {
    for (;;) {
      const message = queue.shift();
      if (message?.type === 'records') {
        yield message;
        worker.postMessage('stored');
      } else if (message?.type === 'failed') {
        throw new FileError(message.message);
      } else if (message?.type === 'done') {
        return;
      } else if (failure) {
        throw failure;
      } else if (exited) {
        throw new Error(`the parser of ${request.path} stopped without finishing`);
      } else {
        await new Promise<void>((resolve) => (wake = resolve));
      }
    }
  } finally {
    await worker.terminate();
  }
}
