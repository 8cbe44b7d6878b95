/**
 * Admission of requests when more arrive than the server can answer at once.
 *
 * Node starts the handler of every request it has read. A page handler yields at each real wait (a topic
 * trend counted in a worker thread, a response being written), and the next request's handler runs in the
 * meantime; so with 200 requests in at once, each advances a step per turn of the event loop and hardly any
 * finishes before nearly all do. Measured at a million papers with 200 clients: nothing was answered for
 * the first 13.7 s, and a quarter of the requests waited past 20 s while the median took 1 s.
 *
 * Here a few requests run at a time and the others wait in arrival order, so a request's wait depends on
 * the requests ahead of it, not on everything else under way. A request whose client has gone away while
 * waiting is dropped unanswered, and past `maxWaiting` a request is refused at once with 503 and
 * Retry-After rather than queued for longer than any client would wait.
 */
import type { MiddlewareHandler } from 'hono';

export interface AdmissionOptions {
  /** Requests whose handlers run at the same time. */
  maxActive: number;
  /** Requests waiting for a turn; more are refused. */
  maxWaiting: number;
}

/** A first-come, first-served gate with `maxActive` turns. */
export class AdmissionQueue {
  private active = 0;
  /** Oldest first (a Set keeps insertion order); each takes a turn and says whether it still wanted it. */
  private readonly waiting = new Set<() => boolean>();

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
    if (this.active < this.options.maxActive) {
      this.active++;
      return Promise.resolve(true);
    }
    if (this.waiting.size >= this.options.maxWaiting) return Promise.resolve(false);
    return new Promise((resolve) => {
      let settled = false;
      const admit = (): boolean => {
        if (settled) return false;
        settled = true;
        signal?.removeEventListener('abort', giveUp);
        resolve(true);
        return true;
      };
      const giveUp = (): void => {
        if (settled) return;
        settled = true;
        this.waiting.delete(admit);
        resolve(false);
      };
      this.waiting.add(admit);
      signal?.addEventListener('abort', giveUp, { once: true });
    });
  }

  /** Ends a turn: the oldest waiter takes it over. */
  leave(): void {
    const next = this.waiting.values().next();
    if (next.done) {
      this.active--;
      return;
    }
    this.waiting.delete(next.value);
    // On the next turn of the event loop, not in this one's microtasks: handlers finishing one after
    // another would otherwise admit the whole queue in one go, and the server would read no socket (and so
    // queue no new request) until it was empty, while arrivals piled up unread in the kernel.
    setImmediate(() => {
      if (!next.value()) this.leave();
    });
  }
}

/** Requests that are cheap and must answer under load: health checks, metrics scrapes, static files. */
const UNQUEUED_PATHS = /^\/(?:static\/|healthz$|metrics$|favicon\.ico$)/;

/** Gates every request but the unqueued ones through `queue`; mount it after the request logging. */
export function admission(queue: AdmissionQueue): MiddlewareHandler {
  return async (c, next) => {
    if (UNQUEUED_PATHS.test(c.req.path)) return next();
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
