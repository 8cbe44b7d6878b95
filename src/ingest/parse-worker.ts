import { parentPort, workerData } from 'node:worker_threads';
import { fileErrorMessage, readRecordBatches, type ParseRequest, type RecordBatch } from './read-records.js';

export type ParseMessage =
  ({ type: 'records' } & RecordBatch) | { type: 'done' } | { type: 'failed'; message: string };

/**
 * Reads and parses one file off the main thread, so that decompression, JSON and validation run
 * beside the store's writes (FTS indexing) instead of before them. The parent acknowledges each batch
 * it has stored; at most `inFlight` batches wait unacknowledged.
 */
async function parseFile(port: NonNullable<typeof parentPort>, request: ParseRequest): Promise<void> {
  let credits = request.inFlight;
  let wake: (() => void) | null = null;
  port.on('message', () => {
    credits++;
    wake?.();
  });
  try {
    for await (const batch of readRecordBatches(request)) {
      while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
      credits--;
      port.postMessage({ type: 'records', ...batch } satisfies ParseMessage);
    }
    port.postMessage({ type: 'done' } satisfies ParseMessage);
  } catch (err) {
    const message = fileErrorMessage(err);
    if (message === null) throw err;
    port.postMessage({ type: 'failed', message } satisfies ParseMessage);
  }
  port.close();
}

if (parentPort) await parseFile(parentPort, workerData as ParseRequest);
