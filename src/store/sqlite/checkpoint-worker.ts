import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

/** What a checkpoint found: the frames in the log, as `PRAGMA wal_checkpoint` reports them. */
export interface CheckpointReply {
  logFrames: number;
}

// See WalCheckpointer: copies the write-ahead log into the database file beside the writer.
if (parentPort) {
  const port = parentPort;
  const db = new Database(workerData as string, { fileMustExist: true });
  port.on('message', () => {
    // PASSIVE: never waits for the writer or readers; what they still need is copied by a later run.
    const [result] = db.pragma('wal_checkpoint(PASSIVE)') as { log: number }[];
    port.postMessage({ logFrames: result?.log ?? 0 } satisfies CheckpointReply);
  });
}
