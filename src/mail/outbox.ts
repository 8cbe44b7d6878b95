/**
 * Transactional mail (confirmation links, preference links, password-reset and email-change links) goes out right after the request that queued
 * it, from the serving process, through the same send log as digests: a confirmation queued just before a
 * crash is sent when the process starts again, and a temporary failure is retried with backoff.
 */
import type { AppDeps } from '../app.js';
import { JobBusyError, Lease } from '../ops/lease.js';
import { DEFAULT_RETRY, deliverQueued, type MailContext, type RetryPolicy } from './deliver.js';
import type { DeliveryFilter } from './records.js';
import { createMailTransport } from './transport.js';

const TRANSACTIONAL: DeliveryFilter = { kinds: ['confirm', 'manage', 'reset', 'email-change'] };
/** When another process holds the outbox, look again after this long. */
const BUSY_RETRY_MS = 30_000;

export class MailOutbox {
  private running: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private readonly abort = new AbortController();

  constructor(
    private readonly ctx: MailContext,
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
  ) {}

  /** Sends what is queued, now or as soon as the current round ends. Never throws. */
  kick(): void {
    if (this.abort.signal.aborted) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((err: unknown) => this.ctx.logger.error({ err }, 'sending queued mail failed'))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Resolves once nothing is being sent; for tests and shutdown. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async close(): Promise<void> {
    if (outboxes.get(this.ctx.store) === this) outboxes.delete(this.ctx.store);
    this.abort.abort();
    if (this.timer) clearTimeout(this.timer);
    await this.idle();
    this.ctx.transport.close();
  }

  private async drain(): Promise<void> {
    let lease: Lease;
    try {
      lease = await Lease.acquire(this.ctx.store, 'outbox', this.ctx.now);
    } catch (err) {
      if (!(err instanceof JobBusyError)) throw err;
      this.wakeAt(new Date(Date.now() + BUSY_RETRY_MS));
      return;
    }
    try {
      await deliverQueued(this.ctx, TRANSACTIONAL, lease, {
        ratePerSecond: this.ctx.config.mail.ratePerSecond,
        retry: this.retry,
        // Deferred messages are picked up by a timer rather than by waiting here.
        maxWaitMs: 0,
        signal: this.abort.signal,
      });
    } finally {
      await lease.release(false);
    }
    const next = await this.ctx.store.nextMailAttempt(TRANSACTIONAL);
    if (next) this.wakeAt(next);
  }

  private wakeAt(at: Date): void {
    if (this.abort.signal.aborted) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.kick(), Math.max(0, at.getTime() - Date.now()));
    // A pending retry must not keep a finished process (a test, a CLI command) alive.
    this.timer.unref();
  }
}

const outboxes = new WeakMap<AppDeps['store'], MailOutbox>();

/** The one outbox of a store in this process, shared by the routes that queue mail and the schedule. */
export function outboxFor(deps: AppDeps): MailOutbox {
  let outbox = outboxes.get(deps.store);
  if (!outbox) {
    outbox = new MailOutbox({ ...deps, transport: createMailTransport(deps.config.mail) });
    outboxes.set(deps.store, outbox);
  }
  return outbox;
}
