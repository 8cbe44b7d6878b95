/** Row shapes of the mail tables (migration 4) and their mapping to the Store's records. */
import type { DeliveryStatus, MailSubscriber, QueuedDelivery, SubscriberStatus } from '../../mail/records.js';
import { normaliseTopics, parseTopicKey, type Topic } from '../../mail/topics.js';
import type { JobLease } from '../../ops/lease.js';

export interface SubscriberRow {
  id: number;
  email: string;
  status: SubscriberStatus;
  created_at: string;
  status_changed_at: string;
  bounce_reason: string | null;
}

export interface QueuedDeliveryRow {
  id: number;
  subscriber_id: number;
  email: string;
  subscriber_status: SubscriberStatus;
  issue: string;
  kind: QueuedDelivery['kind'];
  status: QueuedDelivery['status'];
  content: string;
  attempts: number;
}

export interface JobLeaseRow {
  name: string;
  owner: string | null;
  lease_expires_at: number | null;
  finished_at: string | null;
}

/** Topic keys as stored, back to topics; keys this version cannot read are left out rather than failing. */
export function topicsFromKeys(keys: string[]): Topic[] {
  return normaliseTopics(keys.flatMap((key) => parseTopicKey(key) ?? []));
}

export function rowToSubscriber(row: SubscriberRow, topicKeys: string[]): MailSubscriber {
  return {
    id: row.id,
    email: row.email,
    status: row.status,
    topics: topicsFromKeys(topicKeys),
    createdAt: row.created_at,
    statusChangedAt: row.status_changed_at,
    bounceReason: row.bounce_reason,
  };
}

export function rowToQueuedDelivery(row: QueuedDeliveryRow): QueuedDelivery {
  return {
    id: row.id,
    subscriberId: row.subscriber_id,
    email: row.email,
    subscriberStatus: row.subscriber_status,
    issue: row.issue,
    kind: row.kind,
    status: row.status,
    content: row.content,
    attempts: row.attempts,
  };
}

export function rowToJobLease(row: JobLeaseRow): JobLease {
  return {
    name: row.name,
    owner: row.owner,
    leaseExpiresAt: row.lease_expires_at === null ? null : new Date(row.lease_expires_at),
    finishedAt: row.finished_at,
  };
}

export const DELIVERY_STATUSES: DeliveryStatus[] = [
  'pending',
  'sending',
  'sent',
  'failed',
  'bounced',
  'skipped',
];

/** Digest kinds, whose queued rows an unsubscribe or a bounce cancels (a confirmation link still goes out). */
export const DIGEST_KINDS_SQL = `('daily', 'weekly', 'alerts', 'personal')`;
