import type { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { startWorker } from '../../ops/worker.js';
import type { CheckpointReply } from './checkpoint-worker.js';

/** Past this many frames (64 MiB of 4 KiB pages) the log is started over rather than let grow. */
const LOG_LIMIT_FRAMES = 16_384;

/** SQLite's default automatic checkpoint threshold, in pages of the log. */
const AUTOCHECKPOINT_PAGES = 1000;

/**
 * Checkpoints the write-ahead log of bulk writes on a thread and connection of its own. SQLite's automatic
 * checkpoint runs in the commit of whichever write crossed its threshold: during a bulk import that is the
 * importing thread, which spent a fifth of its time copying pages it had already written and waiting for
 * fsync while the second core idled. In WAL mode a checkpoint may run beside the writer.
 *
 * At most one checkpoint runs; requests made meanwhile are answered by one more run after it.
 */
export class WalCheckpointer {
  private worker: Worker | null = null;
  private running: Promise<void> | null = null;
  private requested = false;
  private lastLogFrames = 0;
  private failed = false;

  constructor(
    private readonly db: Database.Database,
    /** Tests lower it. */
    private readonly logLimitFrames = LOG_LIMIT_FRAMES,
  ) {}

  /**
   * False once the worker has failed (it could not open the database, say): bulk writes then checkpoint in
   * their own commits again, or the log would grow without end.
   */
  get usable(): boolean {
    return !this.failed;
  }

  /** Frames in the log when the last checkpoint ended. */
  get logFrames(): number {
    return this.lastLogFrames;
  }

  /**
   * Runs `work`, a write transaction on the database, with SQLite's own checkpoint off in its commit, and then
   * has it checkpointed here. SQLite starts the log over only when a write begins with every frame copied,
   * which checkpoints beside a busy writer never achieve: once the log is past its limit, the write first
   * waits until the checkpoints asked for have copied it all.
   */
  async write<T>(work: () => T): Promise<T> {
    if (this.failed) return work();
    while (this.lastLogFrames >= this.logLimitFrames && this.running) await this.running;
    this.db.pragma('wal_autocheckpoint = 0');
    let result: T;
    try {
      result = work();
    } finally {
      this.db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
    }
    this.request();
    return result;
  }

  private request(): void {
    if (this.running) {
      this.requested = true;
      return;
    }
    this.running = this.run().finally(() => {
      this.running = null;
      if (this.requested) {
        this.requested = false;
        this.request();
      }
    });
  }

  private run(): Promise<void> {
    const worker = (this.worker ??= this.start());
    worker.ref();
    return new Promise<void>((resolve) => {
      const done = (reply?: CheckpointReply): void => {
        worker.off('message', done);
        worker.off('exit', exited);
        if (reply) this.lastLogFrames = reply.logFrames;
        // An idle worker must not keep a command that imported from ending.
        worker.unref();
        resolve();
      };
      const exited = (): void => done();
      worker.on('message', done);
      worker.on('exit', exited);
      worker.postMessage('checkpoint');
    });
  }

  private start(): Worker {
    const worker = startWorker(new URL('./checkpoint-worker', import.meta.url), this.db.name);
    worker.on('error', () => (this.failed = true));
    worker.on('exit', () => {
      if (this.worker === worker) this.worker = null;
    });
    return worker;
  }

  /** Waits for a running checkpoint (stopping one part-way would leave its copying for the writer). */
  async close(): Promise<void> {
    this.requested = false;
    await this.running;
    const worker = this.worker;
    this.worker = null;
    await worker?.terminate();
  }
}
