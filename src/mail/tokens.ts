/**
 * Signed, expiring tokens for links in mail. A token names what it acts on (a confirmation request or a
 * subscriber) and when it expires; the HMAC binds both to one purpose, so a confirmation link can never be
 * replayed as an unsubscribe link and the other way round. Nothing is stored: the secret is the state.
 *
 *   <id>.<expiry, unix seconds in base 36>.<HMAC-SHA256, first 128 bits, base64url>
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type TokenPurpose = 'confirm' | 'manage';

export type TokenCheck = { ok: true; id: number } | { ok: false; reason: 'invalid' | 'expired' };

const MAC_BYTES = 16;
const TOKEN = /^([1-9]\d{0,15})\.([0-9a-z]{1,12})\.([A-Za-z0-9_-]{22})$/;

function mac(secret: string, purpose: TokenPurpose, id: number, expires: string): Buffer {
  return createHmac('sha256', secret)
    .update(`paperboy-mail\n${purpose}\n${id}\n${expires}`)
    .digest()
    .subarray(0, MAC_BYTES);
}

export function signToken(secret: string, purpose: TokenPurpose, id: number, expiresAt: Date): string {
  const expires = Math.floor(expiresAt.getTime() / 1000).toString(36);
  return `${id}.${expires}.${mac(secret, purpose, id, expires).toString('base64url')}`;
}

export function verifyToken(secret: string, purpose: TokenPurpose, token: string, now: Date): TokenCheck {
  const match = TOKEN.exec(token.trim());
  if (!match) return { ok: false, reason: 'invalid' };
  const [, idText = '', expires = '', given = ''] = match;
  const id = Number(idText);
  const expected = mac(secret, purpose, id, expires);
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
};

export function tokenExpiry(purpose: TokenPurpose, now: Date): Date {
  return new Date(now.getTime() + TOKEN_LIFETIME_MS[purpose]);
}
