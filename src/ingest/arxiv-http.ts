import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../log.js';

/** How to talk to one of arXiv's services without upsetting it. */
export interface PoliteHttpOptions {
  /** Minimum pause between the end of one request and the start of the next to the same host. */
  delayMs: number;
  /** Attempts per request, counting the first; network errors, 5xx and 429 are retried. */
  maxAttempts?: number;
  /** One attempt's limit, body included. */
  timeoutMs?: number;
  /** Longest `Retry-After` honoured; arXiv's are seconds, a misconfigured proxy's could be hours. */
  maxRetryAfterMs?: number;
  logger?: Logger;
  /** Aborts waiting and the request in flight (shutdown); politeGet then rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface HttpReply {
  status: number;
  body: string;
}

/** arXiv could not be reached or kept failing; the message says what happened on the last attempt. */
export class ArxivUnavailableError extends Error {
  constructor(
    message: string,
    readonly attempts: number,
  ) {
    super(message);
    this.name = 'ArxivUnavailableError';
  }
}

export const DEFAULT_MAX_ATTEMPTS = 5;
const DEFAULT_TIMEOUT_MS = 120_000;
const DEFAULT_MAX_RETRY_AFTER_MS = 600_000;
const MIN_BACKOFF_MS = 100;
const USER_AGENT = 'Paperboy/0.1 (self-hosted research-paper hub; https://github.com/paperboy)';

/**
 * Serialises the requests to one host and spaces them out. arXiv asks for at most one request every
 * three seconds per client, whatever the caller: a harvest and a few /submit look-ups running in the
 * same process share the gate of their host.
 */
class HostGate {
  private tail: Promise<unknown> = Promise.resolve();
  private readyAt = 0;

  run<T>(delayMs: number, attempt: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const result = this.tail.then(async () => {
      await sleepUntil(this.readyAt, signal);
      try {
        return await attempt();
      } finally {
        this.readyAt = Math.max(this.readyAt, now() + delayMs);
      }
    });
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Holds every later request to this host until `time` (a Retry-After, or backoff after a failure). */
  holdUntil(time: number): void {
    this.readyAt = Math.max(this.readyAt, time);
  }
}

const gates = new Map<string, HostGate>();

function gateFor(url: string): HostGate {
  const host = new URL(url).host;
  let gate = gates.get(host);
  if (!gate) {
    gate = new HostGate();
    gates.set(host, gate);
  }
  return gate;
}

function now(): number {
  return performance.now();
}

// Timers may fire a fraction of a millisecond early; the pause between requests is a promise to arXiv.
async function sleepUntil(time: number, signal?: AbortSignal): Promise<void> {
  for (let left = time - now(); left > 0; left = time - now())
    await sleep(Math.ceil(left), undefined, { signal });
}

type Attempt =
  { kind: 'reply'; reply: HttpReply; retryAfterMs: number | null } | { kind: 'failure'; reason: string };

async function attemptOnce(url: string, timeoutMs: number, signal?: AbortSignal): Promise<Attempt> {
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(url, {
      headers: { 'user-agent': USER_AGENT, accept: 'application/xml, application/atom+xml, text/xml' },
      signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
    });
    const body = await response.text();
    return {
      kind: 'reply',
      reply: { status: response.status, body },
      retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
    };
  } catch (err) {
    signal?.throwIfAborted();
    return { kind: 'failure', reason: describeNetworkError(err) };
  }
}

function describeNetworkError(err: unknown): string {
  if (err instanceof Error) {
    if (err.name === 'TimeoutError') return 'no answer in time';
    const cause = (err as { cause?: unknown }).cause;
    if (cause instanceof Error) return `${err.message}: ${cause.message}`;
    return err.message;
  }
  return String(err);
}

/** `Retry-After` is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, at: number = Date.now()): number | null {
  if (value === null || value.trim() === '') return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP date names its day and month ("Tue, 10 Mar 2026 06:00:30 GMT"); Date.parse alone takes "-5".
  if (!/[a-z]{3}/i.test(text)) return null;
  const date = Date.parse(text);
  return Number.isNaN(date) ? null : Math.max(0, date - at);
}

function isRetryable(status: number): boolean {
  return status === 429 || status >= 500;
}

/**
 * GETs `url` politely: at most one request at a time per host, `delayMs` apart; 503/429 wait out their
 * `Retry-After`; network errors and other 5xx back off exponentially (delay × 2^n: 3, 6, 12, 24 s) for
 * a bounded number of attempts. Any other status is returned to the caller, whose protocol knows what a
 * 400 means.
 */
export async function politeGet(url: string, options: PoliteHttpOptions): Promise<HttpReply> {
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS;
  const gate = gateFor(url);
  let lastProblem = '';
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const started = now();
    const outcome = await gate.run(
      options.delayMs,
      () => attemptOnce(url, timeoutMs, options.signal),
      options.signal,
    );
    if (outcome.kind === 'reply' && !isRetryable(outcome.reply.status)) {
      options.logger?.debug(
        { url, status: outcome.reply.status, ms: Math.round(now() - started), attempt },
        'arXiv request',
      );
      return outcome.reply;
    }
    lastProblem = outcome.kind === 'reply' ? `HTTP ${outcome.reply.status}` : outcome.reason;
    if (attempt === maxAttempts) break;
    const backoffMs = Math.max(options.delayMs, MIN_BACKOFF_MS) * 2 ** (attempt - 1);
    const retryAfterMs = outcome.kind === 'reply' ? outcome.retryAfterMs : null;
    const waitMs = retryAfterMs !== null ? Math.min(retryAfterMs, maxRetryAfterMs) : backoffMs;
    gate.holdUntil(now() + waitMs);
    options.logger?.warn(
      { url, problem: lastProblem, attempt, maxAttempts, waitMs },
      retryAfterMs !== null ? 'arXiv asked us to retry later' : 'arXiv request failed; retrying',
    );
  }
  throw new ArxivUnavailableError(
    `${new URL(url).host} failed ${maxAttempts} time${maxAttempts === 1 ? '' : 's'} in a row (last: ${lastProblem})`,
    maxAttempts,
  );
}
