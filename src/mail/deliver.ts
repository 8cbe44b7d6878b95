/**
 * Sending what the send log holds, so that a crash or restart never sends a message twice and never skips one.
 *
 * Every message is a send-log row written before anything is sent (see digest.ts and the subscribe route).
 * For each row: claim it (`sending`, attempts + 1) → hand it to the mail server → record it `sent`. The `sent`
 * record is committed together with the claim on the next message, right after that one is composed (before
 * the throttle wait), so each message costs one commit. A run that starts again after a crash finds every
 * unsent row still `pending` or `sending`, and sends it; nothing is skipped.
 *
 * The one window no design can close: the process dies after the server accepted a message and before the
 * `sent` record is committed (SMTP has no two-phase commit; RFC 5321 §6.1 discusses the same duplicate). Such a
 * row is found `sending` — in doubt — and is sent again, with the same Message-ID, which receiving systems use
 * to drop the copy. We choose at-least-once for that window because a digest silently lost is worse than a
 * rare duplicate that most mailboxes fold away; the window is the time to compose one message (well under a
 * millisecond) plus one local commit. A run killed while waiting for the throttle leaves the next, claimed but
 * unsent, row in doubt too: it is counted (`inDoubt`, at most one per crash) and sent once.
 *
 * Failures: 4xx replies wait and retry with exponential backoff; a server that cannot be reached pauses the
 * whole run; 5xx to RCPT TO marks the address bouncing (no more mail to it); a configuration error stops
 * the run with everything still queued.
 */
import { countMail } from '../ops/metrics.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { Paper } from '../model/paper.js';
import { pause, type Lease } from '../ops/lease.js';
import type { Store } from '../store/store.js';
import { composeAccountMail } from './account-mail.js';
import { confirmUrl, listIdFor, messageIdFor, subscriberUrls } from './links.js';
import type { DeliveryChange, DeliveryFilter, QueuedDelivery } from './records.js';
import { DigestRenderer, renderConfirmation, renderManageLink } from './render.js';
import type { DigestSection, StoredSection } from './select.js';
import { TOKEN_LIFETIME_MS } from './tokens.js';
import { parseTopicKey } from './topics.js';
import { classifySendFailure, type MailTransport, type OutgoingMessage } from './transport.js';

export interface MailContext {
  store: Store;
  config: Config;
  logger: Logger;
  transport: MailTransport;
  /** The clock; tests move it. */
  now?: () => Date;
}

export interface RetryPolicy {
  /** Wait before the second attempt; doubles with each further one. */
  baseMs: number;
  maxMs: number;
  /** A message that failed this many times (temporarily) is given up. */
  maxAttempts: number;
}

export interface DeliveryOptions {
  /** Messages per second at most; 0: no limit. */
  ratePerSecond: number;
  retry: RetryPolicy;
  /** How long a run waits for deferred messages before leaving them to the next run. */
  maxWaitMs: number;
  signal?: AbortSignal;
}

/** Production defaults: retries over about an hour within a run, then the next run (or the schedule) goes on. */
export const DEFAULT_RETRY: RetryPolicy = { baseMs: 30_000, maxMs: 30 * 60_000, maxAttempts: 8 };
export const DEFAULT_MAX_WAIT_MS = 15 * 60_000;

export interface DeliverySummary {
  sent: number;
  /** Temporary failures that will be tried again. */
  deferred: number;
  failed: number;
  bounced: number;
  skipped: number;
  /** Rows found `sending`: a previous run died while handing them over; sent again. */
  inDoubt: number;
}

/** Raised for failures only an operator can fix (credentials, sender refused, outbox not writable). */
export class MailConfigurationError extends Error {}

function emptySummary(): DeliverySummary {
  return { sent: 0, deferred: 0, failed: 0, bounced: 0, skipped: 0, inDoubt: 0 };
}

export function backoffMs(policy: RetryPolicy, attempt: number): number {
  const exact = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  // ±20 % jitter, so that messages deferred together do not all come back in the same second.
  return Math.round(exact * (0.8 + Math.random() * 0.4));
}

/** Spaces sends so that no more than `ratePerSecond` go out in any second. */
export class Throttle {
  private next = 0;
  constructor(private readonly ratePerSecond: number) {}

  async wait(signal?: AbortSignal): Promise<void> {
    if (this.ratePerSecond <= 0) return;
    const now = performance.now();
    const at = Math.max(now, this.next);
    this.next = at + 1000 / this.ratePerSecond;
    if (at > now && !signal?.aborted) await new Promise((resolve) => setTimeout(resolve, at - now));
  }
}

/** Builds the message a send-log row stands for. Papers are read once per run and shared between messages. */
export class MessageComposer {
  private readonly renderer: DigestRenderer;
  private readonly papers = new Map<string, Paper | null>();

  constructor(private readonly ctx: MailContext) {
    this.renderer = new DigestRenderer(ctx.config.baseUrl);
  }

  /** Null when there is nothing left to send (every paper of a digest was deleted meanwhile). */
  async compose(row: QueuedDelivery, now: Date): Promise<OutgoingMessage | null> {
    const { config } = this.ctx;
    const base = { to: row.email, messageId: messageIdFor(config, row.issue, row.subscriberId) };
    if (row.kind === 'confirm') {
      const { confirmationId } = JSON.parse(row.content) as { confirmationId: number };
      const request = await this.ctx.store.mailConfirmation(confirmationId);
      // Confirmed without its mail: an email change moved a confirmed digest to the address.
      if (request?.confirmed) return null;
      const mail = renderConfirmation({
        baseUrl: config.baseUrl,
        email: row.email,
        topics: request?.topics ?? [],
        confirmUrl: confirmUrl(config, confirmationId, now),
        validDays: Math.round(TOKEN_LIFETIME_MS.confirm / 86_400_000),
      });
      return { ...base, ...mail };
    }
    if (row.kind === 'reset' || row.kind === 'email-change') {
      const mail = await composeAccountMail(this.ctx.store, config, row, row.kind, now);
      return mail && { ...base, ...mail };
    }
    const urls = subscriberUrls(config, row.subscriberId, now);
    if (row.kind === 'manage') {
      return {
        ...base,
        ...renderManageLink({ baseUrl: config.baseUrl, email: row.email, manageUrl: urls.manageUrl }),
      };
    }
    const sections = await this.loadSections(JSON.parse(row.content) as StoredSection[]);
    if (sections.length === 0) return null;
    const mail = this.renderer.render({
      kind: row.kind,
      issue: row.issue,
      sections,
      email: row.email,
      ...urls,
    });
    return {
      ...base,
      ...mail,
      list: {
        unsubscribeUrl: urls.unsubscribeUrl,
        id: listIdFor(config, row.kind),
        name: `Paperboy ${row.kind}`,
      },
    };
  }

  private async loadSections(stored: StoredSection[]): Promise<DigestSection[]> {
    const sections: DigestSection[] = [];
    for (const section of stored) {
      const topic = parseTopicKey(section.topic);
      if (!topic) continue;
      const papers: Paper[] = [];
      for (const id of section.papers) {
        let paper = this.papers.get(id);
        if (paper === undefined) {
          paper = await this.ctx.store.getPaper(id);
          this.papers.set(id, paper);
        }
        if (paper) papers.push(paper);
      }
      if (papers.length > 0)
        sections.push({ topic, papers, ...(section.notes ? { notes: section.notes } : {}) });
    }
    return sections;
  }
}

/**
 * Who may get which kind of message: a pending address only its confirmation link, digests only active ones.
 * Account links go to whoever asked for them, subscribed or not.
 */
function mayReceive(row: QueuedDelivery): boolean {
  if (row.kind === 'confirm' || row.kind === 'reset' || row.kind === 'email-change') return true;
  if (row.kind === 'manage') return row.subscriberStatus !== 'pending';
  return row.subscriberStatus === 'active';
}

const BATCH = 100;

/**
 * Sends every due row of `filter`, waiting out deferred ones for up to `maxWaitMs`. Rows still deferred after
 * that stay queued for the next run. Throws MailConfigurationError (rows stay queued) on a configuration error.
 */
export async function deliverQueued(
  ctx: MailContext,
  filter: DeliveryFilter,
  lease: Lease,
  options: DeliveryOptions,
): Promise<DeliverySummary> {
  const now = ctx.now ?? (() => new Date());
  const { store, transport, logger } = ctx;
  const summary = emptySummary();
  const throttle = new Throttle(options.ratePerSecond);
  const composer = new MessageComposer(ctx);
  const started = Date.now();
  let unreachableInARow = 0;
  const signal = options.signal;
  const withinBudget = (waitMs: number): boolean => Date.now() + waitMs - started <= options.maxWaitMs;

  // A message's outcome is committed together with the claim on the next one: one commit per message. The
  // outcome waits only for the next message to be composed, never for the throttle or the network.
  let carry: [number, DeliveryChange][] = [];
  const commit = async (...changes: [number, DeliveryChange][]): Promise<void> => {
    const all = [...carry, ...changes];
    carry = [];
    if (all.length > 0) await store.updateMailDeliveries(all);
  };

  outer: while (!signal?.aborted) {
    await lease.renew();
    await commit();
    const due = await store.dueMailDeliveries(filter, now(), BATCH);
    if (due.length === 0) {
      const next = await store.nextMailAttempt(filter);
      if (!next) break;
      const wait = Math.max(0, next.getTime() - now().getTime());
      if (!withinBudget(wait)) break;
      await pause(wait, lease, signal);
      continue;
    }
    for (const row of due) {
      if (signal?.aborted) break outer;
      await lease.renew();
      if (!mayReceive(row)) {
        carry.push([row.id, { status: 'skipped', error: `subscriber is ${row.subscriberStatus}` }]);
        summary.skipped++;
        continue;
      }
      const message = await composer.compose(row, now());
      if (!message) {
        carry.push([row.id, { status: 'skipped', error: 'nothing left to send' }]);
        summary.skipped++;
        continue;
      }
      if (row.status === 'sending') {
        summary.inDoubt++;
        logger.warn(
          { delivery: row.id, issue: row.issue },
          'a previous run stopped while this message was claimed: it may have gone out; sending it again',
        );
      }
      const attempts = row.attempts + 1;
      await commit([row.id, { status: 'sending', attempts }]);
      await throttle.wait(signal);
      if (signal?.aborted) {
        await commit([
          row.id,
          { status: 'pending', nextAttemptAt: now(), error: 'run stopped before sending' },
        ]);
        break outer;
      }
      try {
        const response = await transport.send(message);
        carry.push([row.id, { status: 'sent', at: now(), response }]);
        summary.sent++;
        countMail('sent');
        unreachableInARow = 0;
        continue;
      } catch (err) {
        const failure = classifySendFailure(err);
        const log = { delivery: row.id, issue: row.issue, attempts, reason: failure.reason };
        switch (failure.kind) {
          case 'bounce':
            await store.markMailBouncing(row.subscriberId, failure.reason, now());
            await commit([row.id, { status: 'bounced', error: failure.reason }]);
            summary.bounced++;
            countMail('failed');
            logger.warn(log, 'address refused for good: marked bouncing');
            continue;
          case 'rejected':
            await commit([row.id, { status: 'failed', error: failure.reason }]);
            summary.failed++;
            countMail('failed');
            logger.error(log, 'message refused for good');
            continue;
          case 'fatal':
            await commit([row.id, { status: 'pending', nextAttemptAt: now(), error: failure.reason }]);
            throw new MailConfigurationError(`the mail server refused us: ${failure.reason}`);
        }
        if (attempts >= options.retry.maxAttempts) {
          await commit([
            row.id,
            { status: 'failed', error: `gave up after ${attempts} attempts: ${failure.reason}` },
          ]);
          summary.failed++;
          countMail('failed');
          logger.error(log, 'message given up after repeated temporary failures');
          continue;
        }
        const retryAt = new Date(now().getTime() + backoffMs(options.retry, attempts));
        await commit([row.id, { status: 'pending', nextAttemptAt: retryAt, error: failure.reason }]);
        logger.warn({ ...log, retryAt }, 'temporary failure: will retry');
        if (failure.kind === 'unreachable') {
          // Every other message would fail the same way: wait for the server instead of burning attempts.
          unreachableInARow++;
          const wait = backoffMs(options.retry, unreachableInARow);
          if (!withinBudget(wait)) break outer;
          await pause(wait, lease, signal);
          continue outer;
        }
      }
    }
  }
  await commit();
  const open = await store.countMailDeliveries(filter);
  summary.deferred = open.pending + open.sending;
  return summary;
}
