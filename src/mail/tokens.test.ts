import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signToken, tokenExpiry, tokenSubject, verifyToken } from './tokens.js';

const SECRET = 'a-test-secret-that-is-long-enough-1234';
const NOW = new Date('2026-11-26T10:00:00Z');

describe('mail tokens', () => {
  it('round-trips the id it signs until it expires', () => {
    const token = signToken(SECRET, 'manage', 42, tokenExpiry('manage', NOW));
    expect(verifyToken(SECRET, 'manage', token, NOW)).toEqual({ ok: true, id: 42 });
    const later = new Date(NOW.getTime() + 401 * 86_400_000);
    expect(verifyToken(SECRET, 'manage', token, later)).toEqual({ ok: false, reason: 'expired' });
  });

  it('expires confirmation links after three days', () => {
    const token = signToken(SECRET, 'confirm', 7, tokenExpiry('confirm', NOW));
    expect(verifyToken(SECRET, 'confirm', token, new Date(NOW.getTime() + 2.9 * 86_400_000)).ok).toBe(true);
    expect(verifyToken(SECRET, 'confirm', token, new Date(NOW.getTime() + 3.1 * 86_400_000))).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('binds a token to its purpose, its id, its expiry and the secret', () => {
    const token = signToken(SECRET, 'confirm', 7, tokenExpiry('confirm', NOW));
    const [id, expires, mac] = token.split('.');
    expect(verifyToken(SECRET, 'manage', token, NOW).ok).toBe(false);
    expect(verifyToken('another-secret-that-is-long-enough-0000', 'confirm', token, NOW).ok).toBe(false);
    expect(verifyToken(SECRET, 'confirm', `8.${expires}.${mac}`, NOW).ok).toBe(false);
    expect(verifyToken(SECRET, 'confirm', `${id}.zzzzzzz.${mac}`, NOW)).toEqual({
      ok: false,
      reason: 'invalid',
    });
  });

  it('works only while the state it is bound to is unchanged', () => {
    const token = signToken(SECRET, 'reset', 3, tokenExpiry('reset', NOW), 'scrypt$old-hash');
    expect(tokenSubject(token)).toBe(3);
    expect(verifyToken(SECRET, 'reset', token, NOW, 'scrypt$old-hash')).toEqual({ ok: true, id: 3 });
    expect(verifyToken(SECRET, 'reset', token, NOW, 'scrypt$new-hash').ok).toBe(false);
    expect(verifyToken(SECRET, 'reset', token, NOW).ok).toBe(false);
    const later = new Date(NOW.getTime() + 2 * 3_600_000);
    expect(verifyToken(SECRET, 'reset', token, later, 'scrypt$old-hash')).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('rejects any other string without throwing', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (input) => {
        expect(verifyToken(SECRET, 'manage', input, NOW)).toEqual({ ok: false, reason: 'invalid' });
      }),
    );
  });
});
