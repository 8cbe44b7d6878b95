/**
 * One digest run: plan (choose each subscriber's papers and write the send-log rows) → deliver (deliver.ts).
 *
 * Planning writes, in one transaction per batch of subscribers, a row per (subscriber, issue) together with
 * the papers it promises, so those papers are never chosen again for that subscriber and digest. A run killed
 * while planning leaves some subscribers planned; the next run plans only those without a row and then
 * sends every row still unsent. Subscribers are planned in id order, in batches sharing one read of what
 * they were sent before.
 */
import { Lease } from '../ops/lease.js';
import { CandidateSource, SECTION_LIMITS } from './candidates.js';
import { issueFor } from './calendar.js';
import {
  DEFAULT_MAX_WAIT_MS,
  DEFAULT_RETRY,
  deliverQueued,
  type DeliveryOptions,
  type DeliverySummary,
  type MailContext,
} from './deliver.js';
import type { MailSubscriber, NewDelivery } from './records.js';
import { type DigestSection, paperIdsOf, selectDigest, toStoredSections } from './select.js';
import type { DigestKind, Topic } from './topics.js';

const PLAN_BATCH = 500;

export interface PlannedDigest {
  subscriberId: number;
  email: string;
  sections: DigestSection[];
}

export interface PlanResult {
  /** Subscribers looked at (active, with topics in this digest, no row for this issue yet). */
  recipients: number;
  /** Rows written (or, in a dry run, that would be). Subscribers with nothing new get none. */
  planned: number;
  /** Subscribers with nothing new to send this time. */
  empty: number;
}

/**
 * Chooses the papers of every recipient without a row for `issue`. With `onDigest` only (a dry run), writes
 * nothing; with `reserve`, writes the rows and claims their papers.
 */
export async function planDigest(
  ctx: MailContext,
  kind: DigestKind,
  issue: string,
  options: { reserve: boolean; onDigest?: (digest: PlannedDigest) => void },
): Promise<PlanResult> {
  const { store } = ctx;
  const now = ctx.now ?? (() => new Date());
  const candidates = await CandidateSource.open(store);
  const limits = SECTION_LIMITS[kind];
  const result: PlanResult = { recipients: 0, planned: 0, empty: 0 };
  let afterId = 0;
  for (;;) {
    const recipients = await store.digestRecipients(kind, issue, afterId, PLAN_BATCH);
    if (recipients.length === 0) break;
    afterId = recipients[recipients.length - 1]?.id ?? afterId;
    const topics = new Map<string, Topic>();
    for (const r of recipients) for (const t of r.topics) topics.set(JSON.stringify(t), t);
    await candidates.load(topics.values());
    const sent = await store.sentMailPapers(
      kind,
      new Map(recipients.map((r) => [r.id, candidates.paperIds(r.topics)])),
    );
    const rows: NewDelivery[] = [];
    for (const recipient of recipients) {
      const reached = recipient.topics.filter((t) => candidates.reaches(t, recipient.email));
      const sections = withNotes(
        selectDigest(reached, (t) => candidates.get(t), sent.get(recipient.id) ?? new Set(), limits),
        candidates,
      );
      result.recipients++;
      if (sections.length === 0) {
        result.empty++;
        continue;
      }
      options.onDigest?.({ subscriberId: recipient.id, email: recipient.email, sections });
      rows.push({
        subscriberId: recipient.id,
        issue,
        kind,
        content: JSON.stringify(toStoredSections(sections)),
        paperIds: paperIdsOf(sections),
      });
    }
    result.planned += options.reserve ? await store.reserveMailDeliveries(rows, now()) : rows.length;
  }
  return result;
}

/** What the next digest of `kind` would hold for these topics — and for this subscriber, given what they had. */
export async function nextDigest(
  store: MailContext['store'],
  kind: DigestKind,
  topics: Topic[],
  subscriber: Pick<MailSubscriber, 'id' | 'email'> | null,
): Promise<DigestSection[]> {
  const candidates = await CandidateSource.open(store);
  await candidates.load(topics);
  const reached = topics.filter((t) => candidates.reaches(t, subscriber?.email ?? null));
  const sent =
    subscriber === null
      ? undefined
      : (await store.sentMailPapers(kind, new Map([[subscriber.id, candidates.paperIds(reached)]]))).get(
          subscriber.id,
        );
  return withNotes(
    selectDigest(reached, (t) => candidates.get(t), sent ?? new Set(), SECTION_LIMITS[kind]),
    candidates,
  );
}

/** Adds why each recommended paper is there; other sections carry no notes. */
function withNotes(sections: DigestSection[], candidates: CandidateSource): DigestSection[] {
  return sections.map((section) => {
    if (section.topic.type !== 'personal') return section;
    const notes: Record<string, string> = {};
    for (const paper of section.papers) {
      const note = candidates.note(section.topic, paper.id);
      if (note) notes[paper.id] = note;
    }
    return { ...section, notes };
  });
}

export interface DigestRunOptions {
  kind: DigestKind;
  /** The day (or, for weekly, any day of the week) the issue is for. */
  date: Date;
  delivery?: Partial<DeliveryOptions>;
}

export interface DigestRunResult extends PlanResult {
  issue: string;
  delivery: DeliverySummary;
}

/**
 * Plans and sends one issue of a digest. Safe to run again at any time: a finished issue sends nothing more
 * (except to subscribers who confirmed since), an interrupted one sends the rest. Throws JobBusyError when
 * another process is sending the same issue.
 */
export async function sendDigest(ctx: MailContext, options: DigestRunOptions): Promise<DigestRunResult> {
  const issue = issueFor(options.kind, options.date);
  const lease = await Lease.acquire(ctx.store, `digest:${issue}`, ctx.now);
  let finished = false;
  try {
    const plan = await planDigest(ctx, options.kind, issue, { reserve: true });
    const delivery = await deliver(ctx, options, issue, lease);
    finished = delivery.deferred === 0;
    ctx.logger.info({ issue, ...plan, ...delivery }, 'digest run finished');
    return { issue, ...plan, delivery };
  } finally {
    await lease.release(finished);
  }
}

function deliver(
  ctx: MailContext,
  options: DigestRunOptions,
  issue: string,
  lease: Lease,
): Promise<DeliverySummary> {
  return deliverQueued(ctx, { kinds: [options.kind], issue }, lease, {
    ratePerSecond: options.delivery?.ratePerSecond ?? ctx.config.mail.ratePerSecond,
    retry: options.delivery?.retry ?? DEFAULT_RETRY,
    maxWaitMs: options.delivery?.maxWaitMs ?? DEFAULT_MAX_WAIT_MS,
    signal: options.delivery?.signal,
  });
}
