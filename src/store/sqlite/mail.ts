import type { Paper } from '../../model/paper.js';
import type { ParsedQuery } from '../../search/query.js';
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
import { toFtsMatch } from './fts-query.js';
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
} from './mail-rows.js';
import { type PaperRow, rowToPaper } from '../rows.js';
import { SqliteCommunity } from './community.js';

/** The mail section of the SQLite adapter: subscriptions, the send log, job leases and digest candidates. */
export abstract class SqliteMail extends SqliteCommunity {
  async requestMailSubscription(
    email: string,
    topics: Topic[],
    now: Date,
  ): Promise<{ subscriberId: number; confirmationId: number }> {
    const at = now.toISOString();
    return this.db
      .transaction(() => {
        this.sql(
          `INSERT INTO mail_subscribers (email, status, created_at, status_changed_at) VALUES (?, 'pending', ?, ?)
             ON CONFLICT (email) DO NOTHING`,
        ).run(email, at, at);
        const subscriberId = this.sql('SELECT id FROM mail_subscribers WHERE email = ?')
          .pluck()
          .get(email) as number;
        const confirmationId = Number(
          this.sql('INSERT INTO mail_confirmations (subscriber_id, topics, created_at) VALUES (?, ?, ?)').run(
            subscriberId,
            JSON.stringify(topics.map(topicKey)),
            at,
          ).lastInsertRowid,
        );
        this.insertDelivery(
          {
            subscriberId,
            issue: `confirm:${confirmationId}`,
            kind: 'confirm',
            content: JSON.stringify({ confirmationId }),
            paperIds: [],
          },
          now,
        );
        return { subscriberId, confirmationId };
      })
      .immediate();
  }

  async confirmMailSubscription(confirmationId: number, now: Date): Promise<MailSubscriber | null> {
    const at = now.toISOString();
    const subscriberId = this.db
      .transaction((): number | null => {
        const request = this.sql('SELECT subscriber_id, topics FROM mail_confirmations WHERE id = ?').get(
          confirmationId,
        ) as { subscriber_id: number; topics: string } | undefined;
        if (!request) return null;
        this.sql(
          `UPDATE mail_subscribers SET status = 'active', status_changed_at = ?, bounce_reason = NULL
             WHERE id = ? AND status != 'active'`,
        ).run(at, request.subscriber_id);
        const addTopic = this.sql(
          'INSERT OR IGNORE INTO mail_topics (subscriber_id, topic, digest, created_at) VALUES (?, ?, ?, ?)',
        );
        for (const topic of topicsFromKeys(JSON.parse(request.topics) as string[])) {
          addTopic.run(request.subscriber_id, topicKey(topic), digestOf(topic), at);
        }
        this.sql('UPDATE mail_confirmations SET confirmed_at = coalesce(confirmed_at, ?) WHERE id = ?').run(
          at,
          confirmationId,
        );
        return request.subscriber_id;
      })
      .immediate();
    return subscriberId === null ? null : this.getMailSubscriber(subscriberId);
  }

  async mailConfirmation(confirmationId: number): Promise<{ topics: Topic[]; confirmed: boolean } | null> {
    const row = this.sql('SELECT topics, confirmed_at FROM mail_confirmations WHERE id = ?').get(
      confirmationId,
    ) as { topics: string; confirmed_at: string | null } | undefined;
    return row
      ? { topics: topicsFromKeys(JSON.parse(row.topics) as string[]), confirmed: row.confirmed_at !== null }
      : null;
  }

  async getMailSubscriber(id: number): Promise<MailSubscriber | null> {
    const row = this.sql('SELECT * FROM mail_subscribers WHERE id = ?').get(id) as SubscriberRow | undefined;
    return row ? this.subscriberWithTopics(row) : null;
  }

  async ensureMailAddress(email: string, now: Date): Promise<number> {
    const at = now.toISOString();
    return this.db
      .transaction(() => {
        this.sql(
          `INSERT INTO mail_subscribers (email, status, created_at, status_changed_at) VALUES (?, 'pending', ?, ?)
             ON CONFLICT (email) DO NOTHING`,
        ).run(email, at, at);
        return this.sql('SELECT id FROM mail_subscribers WHERE email = ?').pluck().get(email) as number;
      })
      .immediate();
  }

  async findMailSubscriber(email: string): Promise<MailSubscriber | null> {
    const row = this.sql('SELECT * FROM mail_subscribers WHERE email = ?').get(email) as
      SubscriberRow | undefined;
    return row ? this.subscriberWithTopics(row) : null;
  }

  private subscriberWithTopics(row: SubscriberRow): MailSubscriber {
    const keys = this.sql('SELECT topic FROM mail_topics WHERE subscriber_id = ?')
      .pluck()
      .all(row.id) as string[];
    return rowToSubscriber(row, keys);
  }

  async setMailTopics(subscriberId: number, topics: Topic[], now: Date): Promise<MailSubscriber | null> {
    if (topics.length === 0) {
      await this.unsubscribeMail(subscriberId, now);
      return this.getMailSubscriber(subscriberId);
    }
    const at = now.toISOString();
    this.db
      .transaction(() => {
        const status = this.sql('SELECT status FROM mail_subscribers WHERE id = ?').pluck().get(subscriberId);
        if (status !== 'active') return;
        this.sql('DELETE FROM mail_topics WHERE subscriber_id = ?').run(subscriberId);
        const addTopic = this.sql(
          'INSERT OR IGNORE INTO mail_topics (subscriber_id, topic, digest, created_at) VALUES (?, ?, ?, ?)',
        );
        for (const topic of topics) addTopic.run(subscriberId, topicKey(topic), digestOf(topic), at);
      })
      .immediate();
    return this.getMailSubscriber(subscriberId);
  }

  async unsubscribeMail(subscriberId: number, now: Date): Promise<boolean> {
    return this.db
      .transaction((): boolean => {
        const { changes } = this.sql(
          `UPDATE mail_subscribers SET status = 'unsubscribed', status_changed_at = ?
             WHERE id = ? AND status != 'unsubscribed'`,
        ).run(now.toISOString(), subscriberId);
        this.sql('DELETE FROM mail_topics WHERE subscriber_id = ?').run(subscriberId);
        this.cancelQueuedDigests(subscriberId, 'unsubscribed');
        return (
          changes > 0 ||
          this.sql('SELECT 1 FROM mail_subscribers WHERE id = ?').get(subscriberId) !== undefined
        );
      })
      .immediate();
  }

  async markMailBouncing(subscriberId: number, reason: string, now: Date): Promise<void> {
    this.db
      .transaction(() => {
        this.sql(
          `UPDATE mail_subscribers SET status = 'bouncing', status_changed_at = ?, bounce_reason = ?
             WHERE id = ? AND status = 'active'`,
        ).run(now.toISOString(), reason, subscriberId);
        this.cancelQueuedDigests(subscriberId, `address bouncing: ${reason}`);
      })
      .immediate();
  }

  /** Skips a subscriber's digests still queued and gives their papers back. */
  private cancelQueuedDigests(subscriberId: number, reason: string): void {
    const ids = this.sql(
      `SELECT id FROM mail_deliveries WHERE subscriber_id = ? AND status IN ('pending', 'sending')
         AND kind IN ${DIGEST_KINDS_SQL}`,
    )
      .pluck()
      .all(subscriberId) as number[];
    for (const id of ids) this.endDelivery(id, 'skipped', reason);
  }

  async queueMailMessage(delivery: NewDelivery, now: Date): Promise<boolean> {
    return this.db.transaction(() => this.insertDelivery(delivery, now)).immediate();
  }

  /** Inserts a send-log row unless one exists for its subscriber and issue, claiming its papers; true if new. */
  private insertDelivery(delivery: NewDelivery, now: Date): boolean {
    const { changes, lastInsertRowid } = this.sql(
      `INSERT OR IGNORE INTO mail_deliveries (subscriber_id, issue, kind, status, content, next_attempt_at, created_at)
         VALUES (?, ?, ?, 'pending', ?, ?, ?)`,
    ).run(
      delivery.subscriberId,
      delivery.issue,
      delivery.kind,
      delivery.content,
      now.getTime(),
      now.toISOString(),
    );
    if (changes === 0) return false;
    const claim = this.sql(
      'INSERT OR IGNORE INTO mail_sent_papers (subscriber_id, digest, paper_id, delivery_id) VALUES (?, ?, ?, ?)',
    );
    for (const paperId of delivery.paperIds)
      claim.run(delivery.subscriberId, delivery.kind, paperId, lastInsertRowid);
    return true;
  }

  async digestRecipients(
    digest: DigestKind,
    issue: string,
    afterId: number,
    limit: number,
  ): Promise<DigestRecipient[]> {
    const rows = this.sql(
      `SELECT s.id, s.email, group_concat(t.topic, char(10)) AS topics
         FROM mail_topics t JOIN mail_subscribers s ON s.id = t.subscriber_id
         WHERE t.digest = ? AND t.subscriber_id > ? AND s.status = 'active'
           AND NOT EXISTS (SELECT 1 FROM mail_deliveries d WHERE d.subscriber_id = t.subscriber_id AND d.issue = ?)
         GROUP BY t.subscriber_id ORDER BY t.subscriber_id LIMIT ?`,
    ).all(digest, afterId, issue, limit) as { id: number; email: string; topics: string }[];
    return rows.map((r) => ({ id: r.id, email: r.email, topics: topicsFromKeys(r.topics.split('\n')) }));
  }

  async sentMailPapers(
    digest: DigestKind,
    candidates: Map<number, string[]>,
  ): Promise<Map<number, Set<string>>> {
    const sent = new Map<number, Set<string>>();
    // One lookup per subscriber, over that subscriber's own candidates: its cost follows the candidates, not
    // the subscriber's whole history nor everyone else's candidates.
    const select = this.sql(
      `SELECT paper_id FROM mail_sent_papers
       WHERE subscriber_id = ? AND digest = ? AND paper_id IN (SELECT value FROM json_each(?))`,
    ).pluck();
    this.db.transaction(() => {
      for (const [subscriberId, paperIds] of candidates) {
        if (paperIds.length === 0) continue;
        const found = select.all(subscriberId, digest, JSON.stringify(paperIds)) as string[];
        if (found.length > 0) sent.set(subscriberId, new Set(found));
      }
    })();
    return sent;
  }

  async reserveMailDeliveries(deliveries: NewDelivery[], now: Date): Promise<number> {
    return this.db
      .transaction(() => deliveries.reduce((count, d) => count + (this.insertDelivery(d, now) ? 1 : 0), 0))
      .immediate();
  }

  private deliveryWhere(filter: DeliveryFilter): { sql: string; params: unknown[] } {
    const sql = `d.kind IN (SELECT value FROM json_each(?))${filter.issue === undefined ? '' : ' AND d.issue = ?'}`;
    return {
      sql,
      params:
        filter.issue === undefined
          ? [JSON.stringify(filter.kinds)]
          : [JSON.stringify(filter.kinds), filter.issue],
    };
  }

  async dueMailDeliveries(filter: DeliveryFilter, now: Date, limit: number): Promise<QueuedDelivery[]> {
    const where = this.deliveryWhere(filter);
    const rows = this.sql(
      `SELECT d.id, d.subscriber_id, s.email, s.status AS subscriber_status, d.issue, d.kind, d.status, d.content,
                d.attempts
         FROM mail_deliveries d JOIN mail_subscribers s ON s.id = d.subscriber_id
         WHERE ${where.sql} AND d.status IN ('pending', 'sending') AND d.next_attempt_at <= ?
         ORDER BY d.next_attempt_at, d.id LIMIT ?`,
    ).all(...where.params, now.getTime(), limit) as QueuedDeliveryRow[];
    return rows.map(rowToQueuedDelivery);
  }

  async nextMailAttempt(filter: DeliveryFilter): Promise<Date | null> {
    const where = this.deliveryWhere(filter);
    const at = this.sql(
      `SELECT min(d.next_attempt_at) FROM mail_deliveries d WHERE ${where.sql} AND d.status IN ('pending', 'sending')`,
    )
      .pluck()
      .get(...where.params) as number | null;
    return at === null ? null : new Date(at);
  }

  async updateMailDeliveries(changes: [number, DeliveryChange][]): Promise<void> {
    this.db.transaction(() => {
      for (const [id, change] of changes) this.applyDeliveryChange(id, change);
    })();
  }

  private applyDeliveryChange(id: number, change: DeliveryChange): void {
    switch (change.status) {
      case 'sending':
        this.sql(`UPDATE mail_deliveries SET status = 'sending', attempts = ? WHERE id = ?`).run(
          change.attempts,
          id,
        );
        return;
      case 'sent':
        this.sql(
          `UPDATE mail_deliveries SET status = 'sent', sent_at = ?, smtp_response = ?, last_error = NULL WHERE id = ?`,
        ).run(change.at.toISOString(), change.response, id);
        return;
      case 'pending':
        this.sql(
          `UPDATE mail_deliveries SET status = 'pending', next_attempt_at = ?, last_error = ? WHERE id = ?`,
        ).run(change.nextAttemptAt.getTime(), change.error, id);
        return;
      default:
        this.endDelivery(id, change.status, change.error);
    }
  }

  /** A row that ends unsent gives its papers back, so a later digest may still carry them. */
  private endDelivery(id: number, status: 'failed' | 'bounced' | 'skipped', error: string): void {
    const row = this.sql('SELECT subscriber_id FROM mail_deliveries WHERE id = ?').get(id) as
      { subscriber_id: number } | undefined;
    if (!row) return;
    this.sql('UPDATE mail_deliveries SET status = ?, last_error = ? WHERE id = ?').run(status, error, id);
    this.sql('DELETE FROM mail_sent_papers WHERE subscriber_id = ? AND delivery_id = ?').run(
      row.subscriber_id,
      id,
    );
  }

  async countMailDeliveries(filter: DeliveryFilter): Promise<Record<DeliveryStatus, number>> {
    const where = this.deliveryWhere(filter);
    const counts = Object.fromEntries(DELIVERY_STATUSES.map((s) => [s, 0])) as Record<DeliveryStatus, number>;
    const rows = this.sql(
      `SELECT d.status, count(*) AS n FROM mail_deliveries d WHERE ${where.sql} GROUP BY d.status`,
    ).all(...where.params) as { status: DeliveryStatus; n: number }[];
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
    return this.db
      .transaction((): JobLease => {
        const expires = now.getTime() + leaseMs;
        const row = this.sql('SELECT * FROM mail_jobs WHERE name = ?').get(name) as JobLeaseRow | undefined;
        if (!row) {
          this.sql(
            'INSERT INTO mail_jobs (name, owner, lease_expires_at, started_at) VALUES (?, ?, ?, ?)',
          ).run(name, owner, expires, now.toISOString());
          return { name, owner, leaseExpiresAt: new Date(expires), finishedAt: null };
        }
        const free =
          row.owner === null ||
          row.owner === owner ||
          row.owner === staleOwner ||
          (row.lease_expires_at ?? 0) <= now.getTime();
        if (!free) return rowToJobLease(row);
        this.sql('UPDATE mail_jobs SET owner = ?, lease_expires_at = ? WHERE name = ?').run(
          owner,
          expires,
          name,
        );
        return rowToJobLease({ ...row, owner, lease_expires_at: expires });
      })
      .immediate();
  }

  async releaseJobLease(name: string, owner: string, finished: boolean, now: Date): Promise<void> {
    this.sql(
      `UPDATE mail_jobs SET owner = NULL, lease_expires_at = NULL,
           finished_at = CASE WHEN ? THEN ? ELSE finished_at END
         WHERE name = ? AND owner = ?`,
    ).run(finished ? 1 : 0, now.toISOString(), name, owner);
  }

  async getJobLease(name: string): Promise<JobLease | null> {
    const row = this.sql('SELECT * FROM mail_jobs WHERE name = ?').get(name) as JobLeaseRow | undefined;
    return row ? rowToJobLease(row) : null;
  }

  async newestPapersInCategory(category: string, from: string, to: string, limit: number): Promise<Paper[]> {
    const rows = this.sql(
      // The window first (feed-day index), then the category of each paper in it: big categories
      // (cs.CV: half the corpus) are never scanned whole.
      `SELECT p.* FROM papers p
         WHERE p.feed_date BETWEEN ? AND ? AND p.hidden_at IS NULL
           AND EXISTS (SELECT 1 FROM paper_categories c WHERE c.category = ? AND c.paper_pk = p.pk)
         ORDER BY p.feed_date DESC, p.upvotes DESC, p.pk DESC LIMIT ?`,
    ).all(from, to, category, limit) as PaperRow[];
    return rows.map(rowToPaper);
  }

  async alertPapers(query: ParsedQuery, from: string, to: string, limit: number): Promise<Paper[]> {
    const match = toFtsMatch(query);
    if (!match) return [];
    // The window's papers by row id first: FTS5 then ranks only matches inside that range, not every match in
    // the archive (papers arrive roughly in feed order, so the range is tight). The bounds go in as integers:
    // FTS5 ignores a row id bound given as a real number (how a JavaScript number is bound) and reads it all.
    const range = this.sql(
      'SELECT min(pk) AS low, max(pk) AS high FROM papers WHERE feed_date BETWEEN ? AND ?',
    ).get(from, to) as { low: number | null; high: number | null };
    if (range.low === null || range.high === null) return [];
    const rows = this.sql(
      `SELECT p.* FROM papers_fts JOIN papers p ON p.pk = papers_fts.rowid
       WHERE papers_fts MATCH ? AND papers_fts.rowid BETWEEN ? AND ?
         AND p.feed_date BETWEEN ? AND ? AND p.hidden_at IS NULL
       ORDER BY papers_fts.rank LIMIT ?`,
    ).all(match, BigInt(range.low), BigInt(range.high), from, to, limit) as PaperRow[];
    return rows.map(rowToPaper);
  }
}
