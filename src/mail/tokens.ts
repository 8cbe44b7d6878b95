/**
 * Signed, expiring tokens for links in mail. A token names what it acts on (a confirmation request or a
 * subscriber) and when it expires; the HMAC binds both to one purpose, so a confirmation link can never be
 * replayed as an unsubscribe link and the other way round. Nothing is stored: the secret is the state.
 *
 *   <id>.<expiry, unix seconds in base 36>.<HMAC-SHA256, first 128 bits, base64url>
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type TokenPurpose = 'confirm' | 'manage' | 'reset' | 'email';

export type TokenCheck = { ok: true; id: number } | { ok: false; reason: 'invalid' | 'expired' };

const MAC_BYTES = 16;
const TOKEN = /^([1-9]\d{0,15})\.([0-9a-z]{1,12})\.([A-Za-z0-9_-]{22})$/;

/**
 * `binding` ties a token to state it must not outlive: a password-reset link is bound to the password hash it
 * replaces, so it stops working once the password changes (single use, with nothing stored).
 */
function mac(secret: string, purpose: TokenPurpose, id: number, expires: string, binding: string): Buffer {
  return createHmac('sha256', secret)
    .update(`paperboy-mail\n${purpose}\n${id}\n${expires}${binding ? `\n${binding}` : ''}`)
    .digest()
    .subarray(0, MAC_BYTES);
}

export function signToken(
  secret: string,
  purpose: TokenPurpose,
  id: number,
  expiresAt: Date,
  binding = '',
): string {
  const expires = Math.floor(expiresAt.getTime() / 1000).toString(36);
  return `${id}.${expires}.${mac(secret, purpose, id, expires, binding).toString('base64url')}`;
}

/** Reads the id a token names without checking it: to look up what it is bound to before verifying. */
export function tokenSubject(token: string): number | null {
  const match = TOKEN.exec(token.trim());
  return match ? Number(match[1]) : null;
}

export function verifyToken(
  secret: string,
  purpose: TokenPurpose,
  token: string,
  now: Date,
  binding = '',
): TokenCheck {
  const match = TOKEN.exec(token.trim());
  if (!match) return { ok: false, reason: 'invalid' };
  const [, idText = '', expires = '', given = ''] = match;
  const id = Number(idText);
  const expected = mac(secret, purpose, id, expires, binding);
  const actual = Buffer.from(given, 'base64url');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    return { ok: false, reason: 'invalid' };
  }
  // Checked after the MAC, so an expired-but-forged token is reported as invalid, not as expired.
  if (parseInt(expires, 36) * 1000 <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, id };
}

const DAY_MS = 86_400_000;

/** How long links stay valid: a confirmation is acted on soon or not at all; unsubscribe links live in old mail. */
export const TOKEN_LIFETIME_MS: Record<TokenPurpose, number> = {
  confirm: 3 * DAY_MS,
  manage: 400 * DAY_MS,
  reset: DAY_MS / 24,
  email: DAY_MS,
};

export function tokenExpiry(purpose: TokenPurpose, now: Date): Date {
  return new Date(now.getTime() + TOKEN_LIFETIME_MS[purpose]);
}
