/** Absolute links in mail (from PAPERBOY_BASE_URL), each carrying a signed token, and stable Message-IDs. */
import { createHmac } from 'node:crypto';
import type { Config } from '../config.js';
import { signToken, tokenExpiry } from './tokens.js';

export type LinkConfig = Pick<Config, 'baseUrl' | 'secret'> & { mail: Pick<Config['mail'], 'from'> };

function manageToken(config: LinkConfig, subscriberId: number, now: Date): string {
  return signToken(config.secret, 'manage', subscriberId, tokenExpiry('manage', now));
}

export function confirmUrl(config: LinkConfig, confirmationId: number, now: Date): string {
  const token = signToken(config.secret, 'confirm', confirmationId, tokenExpiry('confirm', now));
  return `${config.baseUrl}/subscribe/confirm?token=${token}`;
}

/**
 * A password-reset link, bound to the password hash it replaces: once the password changes (by this link or
 * any other way) the link is refused.
 */
export function resetUrl(config: LinkConfig, userId: number, passwordHash: string, now: Date): string {
  const token = signToken(config.secret, 'reset', userId, tokenExpiry('reset', now), passwordHash);
  return `${config.baseUrl}/password/reset?token=${token}`;
}

/** What an email-change link is bound to: the address it replaces and the one it sets (so it works once). */
export function emailChangeBinding(currentEmail: string, newEmail: string): string {
  return `${currentEmail.toLowerCase()}\n${newEmail.toLowerCase()}`;
}

/** The link, mailed to the new address, that applies an account's email change. */
export function emailChangeUrl(
  config: LinkConfig,
  userId: number,
  currentEmail: string,
  newEmail: string,
  now: Date,
): string {
  const binding = emailChangeBinding(currentEmail, newEmail);
  const token = signToken(config.secret, 'email', userId, tokenExpiry('email', now), binding);
  return `${config.baseUrl}/account/email/confirm?${new URLSearchParams({ email: newEmail, token }).toString()}`;
}

/** Both links of a digest footer share one token: it lets its holder change or stop this subscription. */
export function subscriberUrls(
  config: LinkConfig,
  subscriberId: number,
  now: Date,
): { manageUrl: string; unsubscribeUrl: string } {
  const token = manageToken(config, subscriberId, now);
  return {
    manageUrl: `${config.baseUrl}/preferences?token=${token}`,
    unsubscribeUrl: `${config.baseUrl}/unsubscribe?token=${token}`,
  };
}

/** The domain of the From address: Message-IDs and list ids live under it. */
export function mailDomain(config: LinkConfig): string {
  return /@([^>\s]+)>?\s*$/.exec(config.mail.from)?.[1] ?? 'localhost.localdomain';
}

/**
 * One Message-ID per send-log row, derived from the row's subscriber and issue: a message sent again after a
 * crash carries the same id, which receiving systems use to drop the duplicate. The keyed hash keeps ids of
 * different instances apart and reveals nothing about the subscriber.
 */
export function messageIdFor(config: LinkConfig, issue: string, subscriberId: number): string {
  const tag = createHmac('sha256', config.secret)
    .update(`message-id\n${issue}\n${subscriberId}`)
    .digest('base64url');
  return `<${issue.replace(/[^A-Za-z0-9-]+/g, '.')}.${tag.slice(0, 16)}@${mailDomain(config)}>`;
}

/** RFC 2919 list id per digest kind, so people can filter each digest. */
export function listIdFor(config: LinkConfig, kind: string): string {
  return `${kind}.paperboy.${mailDomain(config)}`;
}
