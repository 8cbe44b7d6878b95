/**
 * Admission of requests when more arrive than the server can answer at once.
 *
 * Node starts the handler of every request it has read, and a page handler yields at each real wait (a
 * search waits for its topic trend from a worker thread), letting later requests in. Under overload that
 * serves whoever happens to be read first: with 200 clients at a million papers and no limit, the median
 * request took 0.9 s while 477 of about 2,300 waited past 20 s.
 *
 * Here a few requests run at a time and the others wait in arrival order, so a request's wait depends on
 * the requests ahead of it. A request whose client has gone away while waiting is dropped unanswered, and
 * past `maxWaiting` a request is refused at once with 503 and Retry-After rather than queued for longer
 * than any client would wait.
 */
import type { MiddlewareHandler } from 'hono';
import { ROUTINE_PATHS } from './observe.js';

export interface AdmissionOptions {
  /** Requests whose handlers run at the same time. */
  maxActive: number;
  /** Requests waiting for a turn; more are refused. */
  maxWaiting: number;
}

/**
 * Milliseconds of requests one turn of the event loop may start. Starting one request per turn would make
 * every cheap request (a kept feed page) pay for a poll of all sockets; 10 ms still lets connections in
 * every few hundredths of a second.
 */
const TURN_BUDGET_MS = 10;

/** A first-come, first-served gate with `maxActive` turns. */
export class AdmissionQueue {
  private active = 0;
  /** Oldest first: a Set keeps insertion order. */
  private readonly waiting = new Set<() => void>();

  constructor(private readonly options: AdmissionOptions) {}

  /** Requests running and waiting. */
  get size(): { active: number; waiting: number } {
    return { active: this.active, waiting: this.waiting.size };
  }

  /**
   * Resolves with true when the caller's turn has come (it must call leave() when done), or with false
   * when the queue is full or `signal` aborted first (it must not).
   */
  enter(signal?: AbortSignal): Promise<boolean> {
    if (signal?.aborted) return Promise.resolve(false);
    if (this.active < this.options.maxActive && this.waiting.size === 0 && !this.turnSpent()) {
      this.take();
      return Promise.resolve(true);
    }
    if (this.waiting.size >= this.options.maxWaiting) return Promise.resolve(false);
    return new Promise((resolve) => {
      const admit = (): void => {
        signal?.removeEventListener('abort', giveUp);
        resolve(true);
      };
      const giveUp = (): void => {
        this.waiting.delete(admit);
        resolve(false);
      };
      this.waiting.add(admit);
      signal?.addEventListener('abort', giveUp, { once: true });
      this.admitNext();
    });
  }

  /** Ends a turn; the oldest waiter gets it on a later turn of the event loop. */
  leave(): void {
    this.active--;
    this.admitNext();
  }

  private admitting = false;
  /** When this turn of the event loop admitted its first request; null before it has. */
  private turnStartedAt: number | null = null;

  /**
   * Whether this turn of the event loop has run requests long enough: a request arriving later waits for a
   * later turn. Node accepts one new connection per turn of its event loop, so a turn that ran every request
   * read in it (fifty paper pages at a million papers, 0.75 s) left new clients in the listen queue for
   * seconds; a turn of cheap requests (kept feed pages) may still run many.
   */
  private turnSpent(): boolean {
    return this.turnStartedAt !== null && performance.now() - this.turnStartedAt >= TURN_BUDGET_MS;
  }

  private take(): void {
    this.active++;
    if (this.turnStartedAt !== null) return;
    this.turnStartedAt = performance.now();
    setImmediate(() => (this.turnStartedAt = null));
  }

  /**
   * Admits the oldest waiter on the next turn of the event loop, and one more on each turn after while
   * turns are free. One per turn, and never in the microtasks of the handler that just finished, for the
   * same reason as in turnSpent(): handlers admitted back to back would leave new clients unaccepted and unread
   * for as long as the queue took to drain (measured at a million papers: 57 connections left in the listen
   * queue, accepted about five a second, waited past 20 s).
   */
  private admitNext(): void {
    if (this.admitting || this.waiting.size === 0 || this.active >= this.options.maxActive) return;
    this.admitting = true;
    setImmediate(() => {
      this.admitting = false;
      const oldest = this.waiting.values().next();
      if (!oldest.done && this.active < this.options.maxActive) {
        this.waiting.delete(oldest.value);
        this.take();
        oldest.value();
      }
      this.admitNext();
    });
  }
}

/** Gates every request but the routine ones (ROUTINE_PATHS) through `queue`; mount it after the request logging. */
export function admission(queue: AdmissionQueue): MiddlewareHandler {
  return async (c, next) => {
    if (ROUTINE_PATHS.test(c.req.path)) return next();
    const signal = c.req.raw.signal;
    if (!(await queue.enter(signal))) {
      // 499 (nginx's "client closed request"): nobody reads this answer; it only names the case in the log.
      if (signal.aborted) return new Response(null, { status: 499 });
      c.header('Retry-After', '1');
      return c.text('Paperboy is busy with other requests. Please try again in a moment.', 503);
    }
    try {
      await next();
    } finally {
      queue.leave();
    }
  };
}
