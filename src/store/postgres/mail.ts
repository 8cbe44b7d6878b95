import type pg from 'pg';
import type {
  DeliveryChange,
  DeliveryFilter,
  DeliveryStatus,
  DigestRecipient,
  MailSubscriber,
  NewDelivery,
  QueuedDelivery,
} from '../../mail/records.js';
import { type DigestKind, digestOf, type Topic, topicKey } from '../../mail/topics.js';
import type { JobLease } from '../../ops/lease.js';
import type { Paper } from '../../model/paper.js';
import type { ParsedQuery } from '../../search/query.js';
import { type PaperRow, rowToPaper } from '../rows.js';
import {
  DELIVERY_STATUSES,
  DIGEST_KINDS_SQL,
  type JobLeaseRow,
  type QueuedDeliveryRow,
  rowToJobLease,
  rowToQueuedDelivery,
  rowToSubscriber,
  type SubscriberRow,
  topicsFromKeys,
} from '../sqlite/mail-rows.js';
import { changesOf, dayCondition, paperFields, rowsOf } from './base.js';
import { isRowId, PgCommunity } from './community.js';
import { matchConditions, normalizeQuery, Params, rankExpression, tsQueryParam } from './search-sql.js';

/** A subscriber with its topic keys, in one statement (byte order, as the SQLite primary key keeps them). */
const SUBSCRIBER_SELECT = `SELECT s.*, coalesce(
    (SELECT array_agg(t.topic ORDER BY t.topic COLLATE "C") FROM mail_topics t WHERE t.subscriber_id = s.id), '{}'
  ) AS topic_keys FROM mail_subscribers s`;

type SubscriberWithTopics = SubscriberRow & { topic_keys: string[] };

/**
 * The mail section of the PostgreSQL adapter. Leases and send-log rows are claimed with single
 * INSERT … ON CONFLICT statements, so two nodes running the same digest never both take a row.
 */
export abstract class PgMail extends PgCommunity {
  async requestMailSubscription(
    email: string,
    topics: Topic[],
    now: Date,
  ): Promise<{ subscriberId: number; confirmationId: number }> {
    const at = now.toISOString();
    return this.transaction(async (tx) => {
      await changesOf(
        tx,
        `INSERT INTO mail_subscribers (email, status, created_at, status_changed_at) VALUES ($1, 'pending', $2, $2)
         ON CONFLICT (email) DO NOTHING`,
        [email, at],
      );
      const [subscriber] = await rowsOf<{ id: number }>(
        tx,
        'SELECT id FROM mail_subscribers WHERE email = $1',
        [email],
      );
      if (!subscriber) throw new Error(`the subscriber ${email} vanished while subscribing`);
      const [confirmation] = await rowsOf<{ id: number }>(
        tx,
        'INSERT INTO mail_confirmations (subscriber_id, topics, created_at) VALUES ($1, $2, $3) RETURNING id',
        [subscriber.id, JSON.stringify(topics.map(topicKey)), at],
      );
      if (!confirmation) throw new Error('INSERT … RETURNING returned no row');
      await this.insertDeliveries(
        tx,
        [
          {
            subscriberId: subscriber.id,
            issue: `confirm:${confirmation.id}`,
            kind: 'confirm',
            content: JSON.stringify({ confirmationId: confirmation.id }),
            paperIds: [],
          },
        ],
        now,
      );
      return { subscriberId: subscriber.id, confirmationId: confirmation.id };
    });
  }

  async confirmMailSubscription(confirmationId: number, now: Date): Promise<MailSubscriber | null> {
    if (!isRowId(confirmationId)) return null;
    const at = now.toISOString();
    const subscriberId = await this.transaction(async (tx): Promise<number | null> => {
      const [request] = await rowsOf<{ subscriber_id: number; topics: string }>(
        tx,
        'SELECT subscriber_id, topics FROM mail_confirmations WHERE id = $1 FOR UPDATE',
        [confirmationId],
      );
      if (!request) return null;
      await changesOf(
        tx,
        `UPDATE mail_subscribers SET status = 'active', status_changed_at = $1, bounce_reason = NULL
         WHERE id = $2 AND status <> 'active'`,
        [at, request.subscriber_id],
      );
      await this.addTopics(
        tx,
        request.subscriber_id,
        topicsFromKeys(JSON.parse(request.topics) as string[]),
        at,
      );
      await changesOf(
        tx,
        'UPDATE mail_confirmations SET confirmed_at = coalesce(confirmed_at, $1) WHERE id = $2',
        [at, confirmationId],
      );
      return request.subscriber_id;
    });
    return subscriberId === null ? null : this.getMailSubscriber(subscriberId);
  }

  private async addTopics(
    tx: pg.PoolClient,
    subscriberId: number,
    topics: Topic[],
    at: string,
  ): Promise<void> {
    if (topics.length === 0) return;
    await changesOf(
      tx,
      `INSERT INTO mail_topics (subscriber_id, topic, digest, created_at)
       SELECT $1, t.topic, t.digest, $4 FROM unnest($2::text[], $3::text[]) AS t(topic, digest)
       ON CONFLICT DO NOTHING`,
      [subscriberId, topics.map(topicKey), topics.map(digestOf), at],
    );
  }

  async mailConfirmation(confirmationId: number): Promise<{ topics: Topic[]; confirmed: boolean } | null> {
    if (!isRowId(confirmationId)) return null;
    const row = await this.row<{ topics: string; confirmed_at: string | null }>(
      'SELECT topics, confirmed_at FROM mail_confirmations WHERE id = $1',
      [confirmationId],
    );
    return row
      ? { topics: topicsFromKeys(JSON.parse(row.topics) as string[]), confirmed: row.confirmed_at !== null }
      : null;
  }

  async ensureMailAddress(email: string, now: Date): Promise<number> {
    const at = now.toISOString();
    // The no-op update makes RETURNING give the row that exists already, in one statement.
    const row = await this.row<{ id: number }>(
      `INSERT INTO mail_subscribers (email, status, created_at, status_changed_at) VALUES ($1, 'pending', $2, $2)
       ON CONFLICT (email) DO UPDATE SET email = EXCLUDED.email RETURNING id`,
      [email, at],
    );
    if (!row) throw new Error('INSERT … RETURNING returned no row');
    return Number(row.id);
  }

  async getMailSubscriber(id: number): Promise<MailSubscriber | null> {
    if (!isRowId(id)) return null;
    const row = await this.row<SubscriberWithTopics>(`${SUBSCRIBER_SELECT} WHERE s.id = $1`, [id]);
    return row ? rowToSubscriber(row, row.topic_keys) : null;
  }

  async findMailSubscriber(email: string): Promise<MailSubscriber | null> {
    const row = await this.row<SubscriberWithTopics>(`${SUBSCRIBER_SELECT} WHERE s.email = $1`, [email]);
    return row ? rowToSubscriber(row, row.topic_keys) : null;
  }

  async setMailTopics(subscriberId: number, topics: Topic[], now: Date): Promise<MailSubscriber | null> {
    if (!isRowId(subscriberId)) return null;
    if (topics.length === 0) {
      await this.unsubscribeMail(subscriberId, now);
      return this.getMailSubscriber(subscriberId);
    }
    await this.transaction(async (tx) => {
      const [row] = await rowsOf<{ status: string }>(
        tx,
        'SELECT status FROM mail_subscribers WHERE id = $1 FOR UPDATE',
        [subscriberId],
      );
      if (row?.status !== 'active') return;
      await changesOf(tx, 'DELETE FROM mail_topics WHERE subscriber_id = $1', [subscriberId]);
      await this.addTopics(tx, subscriberId, topics, now.toISOString());
    });
    return this.getMailSubscriber(subscriberId);
  }

  async unsubscribeMail(subscriberId: number, now: Date): Promise<boolean> {
    if (!isRowId(subscriberId)) return false;
    return this.transaction(async (tx) => {
      const [row] = await rowsOf<{ id: number }>(
        tx,
        `UPDATE mail_subscribers SET status = 'unsubscribed',
           status_changed_at = CASE WHEN status = 'unsubscribed' THEN status_changed_at ELSE $1 END
         WHERE id = $2 RETURNING id`,
        [now.toISOString(), subscriberId],
      );
      if (!row) return false;
      await changesOf(tx, 'DELETE FROM mail_topics WHERE subscriber_id = $1', [subscriberId]);
      await this.cancelQueuedDigests(tx, subscriberId, 'unsubscribed');
      return true;
    });
  }

  async markMailBouncing(subscriberId: number, reason: string, now: Date): Promise<void> {
    if (!isRowId(subscriberId)) return;
    await this.transaction(async (tx) => {
      await changesOf(
        tx,
        `UPDATE mail_subscribers SET status = 'bouncing', status_changed_at = $1, bounce_reason = $2
         WHERE id = $3 AND status = 'active'`,
        [now.toISOString(), reason, subscriberId],
      );
      await this.cancelQueuedDigests(tx, subscriberId, `address bouncing: ${reason}`);
    });
  }

  /** Skips a subscriber's digests still queued and gives their papers back. */
  private async cancelQueuedDigests(tx: pg.PoolClient, subscriberId: number, reason: string): Promise<void> {
    await this.endDeliveries(
      tx,
      `subscriber_id = $3 AND status IN ('pending', 'sending') AND kind IN ${DIGEST_KINDS_SQL}`,
      'skipped',
      reason,
      subscriberId,
    );
  }

  /**
   * Ends the send-log rows matching `where` (its parameter is $3) unsent; their claims on papers go, so a
   * later digest may still carry them.
   */
  private async endDeliveries(
    tx: pg.PoolClient,
    where: string,
    status: 'failed' | 'bounced' | 'skipped',
    error: string,
    key: number,
  ): Promise<void> {
    await changesOf(
      tx,
      `WITH ended AS (
         UPDATE mail_deliveries SET status = $1, last_error = $2 WHERE ${where} RETURNING id, subscriber_id
       )
       DELETE FROM mail_sent_papers sp USING ended
       WHERE sp.subscriber_id = ended.subscriber_id AND sp.delivery_id = ended.id`,
      [status, error, key],
    );
  }

  async queueMailMessage(delivery: NewDelivery, now: Date): Promise<boolean> {
    return (await this.reserveMailDeliveries([delivery], now)) === 1;
  }

  async reserveMailDeliveries(deliveries: NewDelivery[], now: Date): Promise<number> {
    if (deliveries.length === 0) return 0;
    return this.transaction((tx) => this.insertDeliveries(tx, deliveries, now));
  }

  /**
   * Writes send-log rows in one statement, skipping (subscriber, issue) pairs that have one already, then
   * claims the new rows' papers; returns how many rows were new. A paper claimed twice for one subscriber
   * and digest stays with the first row.
   */
  private async insertDeliveries(tx: pg.PoolClient, deliveries: NewDelivery[], now: Date): Promise<number> {
    const inserted = await rowsOf<{ id: number; subscriber_id: number; issue: string }>(
      tx,
      `INSERT INTO mail_deliveries (subscriber_id, issue, kind, status, content, next_attempt_at, created_at)
       SELECT d.subscriber_id, d.issue, d.kind, 'pending', d.content, $5, $6
       FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS d(subscriber_id, issue, kind, content, n)
       ORDER BY d.n
       ON CONFLICT (subscriber_id, issue) DO NOTHING RETURNING id, subscriber_id, issue`,
      [
        deliveries.map((d) => d.subscriberId),
        deliveries.map((d) => d.issue),
        deliveries.map((d) => d.kind),
        deliveries.map((d) => d.content),
        now.getTime(),
        now.toISOString(),
      ],
    );
    const ids = new Map(inserted.map((r) => [`${r.subscriber_id}\n${r.issue}`, r.id]));
    const claims: { subscriberId: number; digest: string; paperId: string; deliveryId: number }[] = [];
    for (const d of deliveries) {
      const deliveryId = ids.get(`${d.subscriberId}\n${d.issue}`);
      if (deliveryId === undefined) continue;
      // The first delivery of a pair is the one inserted; later duplicates in the same call claim nothing.
      ids.delete(`${d.subscriberId}\n${d.issue}`);
      for (const paperId of d.paperIds)
        claims.push({ subscriberId: d.subscriberId, digest: d.kind, paperId, deliveryId });
    }
    if (claims.length > 0) {
      await changesOf(
        tx,
        `INSERT INTO mail_sent_papers (subscriber_id, digest, paper_id, delivery_id)
         SELECT c.subscriber_id, c.digest, c.paper_id, c.delivery_id
         FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[]) WITH ORDINALITY
           AS c(subscriber_id, digest, paper_id, delivery_id, n)
         ORDER BY c.n
         ON CONFLICT DO NOTHING`,
        [
          claims.map((c) => c.subscriberId),
          claims.map((c) => c.digest),
          claims.map((c) => c.paperId),
          claims.map((c) => c.deliveryId),
        ],
      );
    }
    return inserted.length;
  }

  async digestRecipients(
    digest: DigestKind,
    issue: string,
    afterId: number,
    limit: number,
  ): Promise<DigestRecipient[]> {
    const rows = await this.rows<{ id: number; email: string; topics: string[] }>(
      `SELECT s.id, s.email, array_agg(t.topic ORDER BY t.topic COLLATE "C") AS topics
       FROM mail_topics t JOIN mail_subscribers s ON s.id = t.subscriber_id
       WHERE t.digest = $1 AND t.subscriber_id > $2 AND s.status = 'active'
         AND NOT EXISTS (SELECT 1 FROM mail_deliveries d WHERE d.subscriber_id = t.subscriber_id AND d.issue = $3)
       GROUP BY s.id, s.email ORDER BY s.id LIMIT $4`,
      [digest, afterId, issue, limit],
    );
    return rows.map((r) => ({ id: r.id, email: r.email, topics: topicsFromKeys(r.topics) }));
  }

  async sentMailPapers(
    digest: DigestKind,
    candidates: Map<number, string[]>,
  ): Promise<Map<number, Set<string>>> {
    const pairs = [...candidates].flatMap(([subscriberId, paperIds]) =>
      paperIds.map((paperId) => [subscriberId, paperId] as const),
    );
    const sent = new Map<number, Set<string>>();
    if (pairs.length === 0) return sent;
    // Every candidate pair in one statement, each found by the primary key.
    const rows = await this.rows<{ subscriber_id: number; paper_id: string }>(
      `SELECT sp.subscriber_id, sp.paper_id
       FROM unnest($2::bigint[], $3::text[]) AS c(subscriber_id, paper_id)
       JOIN mail_sent_papers sp ON sp.subscriber_id = c.subscriber_id AND sp.digest = $1 AND sp.paper_id = c.paper_id`,
      [digest, pairs.map(([s]) => s), pairs.map(([, p]) => p)],
    );
    for (const { subscriber_id, paper_id } of rows) {
      let papers = sent.get(subscriber_id);
      if (!papers) sent.set(subscriber_id, (papers = new Set()));
      papers.add(paper_id);
    }
    return sent;
  }

  private deliveryWhere(filter: DeliveryFilter, params: Params): string {
    const kinds = `d.kind = ANY(${params.add(filter.kinds)}::text[])`;
    return filter.issue === undefined ? kinds : `${kinds} AND d.issue = ${params.add(filter.issue)}`;
  }

  async dueMailDeliveries(filter: DeliveryFilter, now: Date, limit: number): Promise<QueuedDelivery[]> {
    const params = new Params();
    const rows = await this.rows<QueuedDeliveryRow>(
      `SELECT d.id, d.subscriber_id, s.email, s.status AS subscriber_status, d.issue, d.kind, d.status, d.content,
              d.attempts
       FROM mail_deliveries d JOIN mail_subscribers s ON s.id = d.subscriber_id
       WHERE ${this.deliveryWhere(filter, params)} AND d.status IN ('pending', 'sending')
         AND d.next_attempt_at <= ${params.add(now.getTime())}
       ORDER BY d.next_attempt_at, d.id LIMIT ${params.add(limit)}`,
      params.values,
    );
    return rows.map(rowToQueuedDelivery);
  }

  async nextMailAttempt(filter: DeliveryFilter): Promise<Date | null> {
    const params = new Params();
    const row = await this.row<{ at: number | null }>(
      `SELECT min(d.next_attempt_at) AS at FROM mail_deliveries d
       WHERE ${this.deliveryWhere(filter, params)} AND d.status IN ('pending', 'sending')`,
      params.values,
    );
    return row?.at == null ? null : new Date(row.at);
  }

  async updateMailDeliveries(changes: [id: number, change: DeliveryChange][]): Promise<void> {
    if (changes.length === 0) return;
    await this.transaction(async (tx) => {
      for (const [id, change] of changes) await this.applyDeliveryChange(tx, id, change);
    });
  }

  private async applyDeliveryChange(tx: pg.PoolClient, id: number, change: DeliveryChange): Promise<void> {
    switch (change.status) {
      case 'sending':
        await changesOf(tx, `UPDATE mail_deliveries SET status = 'sending', attempts = $1 WHERE id = $2`, [
          change.attempts,
          id,
        ]);
        return;
      case 'sent':
        await changesOf(
          tx,
          `UPDATE mail_deliveries SET status = 'sent', sent_at = $1, smtp_response = $2, last_error = NULL WHERE id = $3`,
          [change.at.toISOString(), change.response, id],
        );
        return;
      case 'pending':
        await changesOf(
          tx,
          `UPDATE mail_deliveries SET status = 'pending', next_attempt_at = $1, last_error = $2 WHERE id = $3`,
          [change.nextAttemptAt.getTime(), change.error, id],
        );
        return;
      default:
        await this.endDeliveries(tx, 'id = $3', change.status, change.error, id);
    }
  }

  async countMailDeliveries(filter: DeliveryFilter): Promise<Record<DeliveryStatus, number>> {
    const params = new Params();
    const counts = Object.fromEntries(DELIVERY_STATUSES.map((s) => [s, 0])) as Record<DeliveryStatus, number>;
    const rows = await this.rows<{ status: DeliveryStatus; n: number }>(
      `SELECT d.status, count(*) AS n FROM mail_deliveries d WHERE ${this.deliveryWhere(filter, params)} GROUP BY d.status`,
      params.values,
    );
    for (const row of rows) counts[row.status] = row.n;
    return counts;
  }

  async acquireJobLease(
    name: string,
    owner: string,
    leaseMs: number,
    now: Date,
    staleOwner?: string,
  ): Promise<JobLease> {
    // One statement: of two nodes asking at once, exactly one takes a free lease.
    const taken = await this.row<JobLeaseRow>(
      `INSERT INTO mail_jobs AS j (name, owner, lease_expires_at, started_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, lease_expires_at = excluded.lease_expires_at
       WHERE j.owner IS NULL OR j.owner = excluded.owner OR j.owner = $5 OR coalesce(j.lease_expires_at, 0) <= $6
       RETURNING *`,
      [name, owner, now.getTime() + leaseMs, now.toISOString(), staleOwner ?? null, now.getTime()],
    );
    if (taken) return rowToJobLease(taken);
    const holder = await this.row<JobLeaseRow>('SELECT * FROM mail_jobs WHERE name = $1', [name]);
    if (!holder) throw new Error(`the job ${name} vanished while taking its lease`);
    return rowToJobLease(holder);
  }

  async releaseJobLease(name: string, owner: string, finished: boolean, now: Date): Promise<void> {
    await this.changes(
      `UPDATE mail_jobs SET owner = NULL, lease_expires_at = NULL,
         finished_at = CASE WHEN $1 THEN $2 ELSE finished_at END
       WHERE name = $3 AND owner = $4`,
      [finished, now.toISOString(), name, owner],
    );
  }

  async getJobLease(name: string): Promise<JobLease | null> {
    const row = await this.row<JobLeaseRow>('SELECT * FROM mail_jobs WHERE name = $1', [name]);
    return row ? rowToJobLease(row) : null;
  }

  async newestPapersInCategory(category: string, from: string, to: string, limit: number): Promise<Paper[]> {
    const params = new Params();
    const rows = await this.rows<PaperRow>(
      `SELECT ${paperFields('p')} FROM papers p
       WHERE ${dayCondition('p.feed_date', '>=', params.add(from), from)}
         AND ${dayCondition('p.feed_date', '<=', params.add(to), to)} AND p.hidden_at IS NULL
         AND EXISTS (SELECT 1 FROM paper_categories c WHERE c.category = ${params.add(category)} AND c.paper_pk = p.pk)
       ORDER BY p.feed_date DESC, p.upvotes DESC, p.pk DESC LIMIT ${params.add(limit)}`,
      params.values,
    );
    return rows.map(rowToPaper);
  }

  async alertPapers(query: ParsedQuery, from: string, to: string, limit: number): Promise<Paper[]> {
    await this.ready;
    const normalized = await normalizeQuery(this.pool, query, false);
    if (!normalized) return [];
    const params = new Params();
    const match = tsQueryParam(params, normalized.match);
    const rows = await this.rows<PaperRow>(
      `SELECT ${paperFields('p')} FROM papers p WHERE ${matchConditions(params, match, { from, to })}
       ORDER BY ${rankExpression(match)} DESC, p.pk DESC LIMIT ${params.add(limit)}`,
      params.values,
    );
    return rows.map(rowToPaper);
  }
}
