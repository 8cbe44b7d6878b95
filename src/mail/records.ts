/** What the Store keeps for mail: subscribers, their topics, and the send log. */
import type { DigestKind, Topic } from './topics.js';

/**
 * pending: asked to subscribe, has not followed the confirmation link, gets nothing but that link.
 * active: confirmed. unsubscribed: asked to stop. bouncing: a server refused the address for good.
 */
export type SubscriberStatus = 'pending' | 'active' | 'unsubscribed' | 'bouncing';

export interface MailSubscriber {
  id: number;
  /** Trimmed and lower-cased. */
  email: string;
  status: SubscriberStatus;
  topics: Topic[];
  createdAt: string;
  statusChangedAt: string;
  /** The server's reply that made the address bouncing. */
  bounceReason: string | null;
}

/**
 * A confirmation request applies its topics only once its link is followed. `reset` and `email-change` carry
 * account links (a password reset; confirming a new address) to whoever asked, whatever their subscription.
 */
export type TransactionalKind = 'confirm' | 'manage' | AccountMailKind;
export type AccountMailKind = 'reset' | 'email-change';
export type MailKind = DigestKind | TransactionalKind;

/**
 * pending: to be sent (again, after `nextAttemptAt`). sending: handed to the mail server by a run that may have
 * died before it heard back (in doubt). sent: accepted by the server. failed: given up after temporary
 * failures or refused for its content. bounced: the address was refused for good. skipped: the subscriber left
 * before it went out.
 */
export type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'bounced' | 'skipped';

/** A send-log row about to be written. */
export interface NewDelivery {
  subscriberId: number;
  issue: string;
  kind: MailKind;
  /** JSON the renderer reads back: digest sections or the confirmation it is for. */
  content: string;
  /** Papers claimed for this subscriber and digest, so no later issue repeats them. */
  paperIds: string[];
}

/** A send-log row still to send, with what the sender needs to know about its recipient. */
export interface QueuedDelivery {
  id: number;
  subscriberId: number;
  email: string;
  subscriberStatus: SubscriberStatus;
  issue: string;
  kind: MailKind;
  status: 'pending' | 'sending';
  content: string;
  attempts: number;
}

export type DeliveryChange =
  | { status: 'sending'; attempts: number }
  | { status: 'sent'; at: Date; response: string }
  | { status: 'pending'; nextAttemptAt: Date; error: string }
  | { status: 'failed' | 'bounced' | 'skipped'; error: string };

export interface DeliveryFilter {
  kinds: MailKind[];
  /** One digest issue; all issues of `kinds` when absent. */
  issue?: string;
}

/** A recipient of a digest run: an active subscriber with topics in that digest. */
export interface DigestRecipient {
  id: number;
  email: string;
  topics: Topic[];
}
