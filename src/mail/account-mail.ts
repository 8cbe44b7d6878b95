/**
 * Account mail (password reset, confirming a new address) goes through the same send log, outbox and
 * transport as every other message: queued by the request, sent right after it, retried on temporary
 * failures. The links are made when the message is composed, from the account as it is then.
 */
import type { AppDeps } from '../app.js';
import type { User } from '../community/model.js';
import type { Store } from '../store/store.js';
import type { Config } from '../config.js';
import { normaliseEmail } from './forms.js';
import { emailChangeUrl, resetUrl } from './links.js';
import { outboxFor } from './outbox.js';
import type { AccountMailKind, QueuedDelivery } from './records.js';
import { type RenderedMail, renderEmailChange, renderPasswordReset } from './render.js';
import { TOKEN_LIFETIME_MS } from './tokens.js';
import { personalTopic, topicKey } from './topics.js';

interface AccountMailContent {
  userId: number;
  /** For an email change: the address it sets (also the recipient). */
  email?: string;
}

const HOUR_MS = 3_600_000;

/** Queues one account message to `recipient` (a normalised address) and wakes the outbox. */
export async function sendAccountMail(
  deps: AppDeps,
  kind: AccountMailKind,
  user: User,
  recipient: string,
  now: Date,
): Promise<void> {
  const subscriberId = await deps.store.ensureMailAddress(recipient, now);
  const content: AccountMailContent =
    kind === 'reset' ? { userId: user.id } : { userId: user.id, email: recipient };
  // Each request is its own message: the nonce keeps two requests in one millisecond apart.
  const nonce = `${now.getTime().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  await deps.store.queueMailMessage(
    {
      subscriberId,
      issue: `${kind}:${user.id}:${nonce}`,
      kind,
      content: JSON.stringify(content),
      paperIds: [],
    },
    now,
  );
  outboxFor(deps).kick();
}

/** The message a queued account row stands for; null when it no longer applies (account gone, address changed). */
export async function composeAccountMail(
  store: Store,
  config: Config,
  row: QueuedDelivery,
  kind: AccountMailKind,
  now: Date,
): Promise<RenderedMail | null> {
  const content = JSON.parse(row.content) as AccountMailContent;
  const user = await store.getUser(content.userId);
  if (!user || user.suspended) return null;
  if (kind === 'email-change') {
    if (content.email !== row.email) return null;
    return renderEmailChange({
      baseUrl: config.baseUrl,
      username: user.username,
      email: row.email,
      confirmUrl: emailChangeUrl(config, user.id, user.email, row.email, now),
      validHours: TOKEN_LIFETIME_MS.email / HOUR_MS,
    });
  }
  // A reset goes only to the account's address as it is now, never to one it had when the request was made.
  if (user.email.trim().toLowerCase() !== row.email) return null;
  const login = await store.findUserForLogin(user.username);
  if (!login) return null;
  return renderPasswordReset({
    baseUrl: config.baseUrl,
    username: user.username,
    resetUrl: resetUrl(config, user.id, login.passwordHash, now),
    validHours: TOKEN_LIFETIME_MS.reset / HOUR_MS,
  });
}

/**
 * After an email change, the account's personal digest follows it: the topic leaves the old address and is
 * confirmed at the new one, whose owner has just proved it by following the change link. True when it moved.
 */
export async function movePersonalDigest(
  store: Store,
  user: User,
  newEmail: string,
  now: Date,
): Promise<boolean> {
  const topic = personalTopic(user.id);
  const from = normaliseEmail(user.email);
  const to = normaliseEmail(newEmail);
  if (!topic || !from || !to || from === to) return false;
  const key = topicKey(topic);
  const old = await store.findMailSubscriber(from);
  if (old?.status !== 'active' || !old.topics.some((t) => topicKey(t) === key)) return false;
  // The new address first: stopped between the two, the topic is on both (and reaches only the new one, see
  // CandidateSource.reaches), never on neither.
  const { confirmationId } = await store.requestMailSubscription(to, [topic], now);
  await store.confirmMailSubscription(confirmationId, now);
  await store.setMailTopics(
    old.id,
    old.topics.filter((t) => topicKey(t) !== key),
    now,
  );
  return true;
}
