import { describe, expect, it } from 'vitest';
import { hashPassword, passwordProblem, verifyPassword } from './password.js';

describe('password hashing', () => {
  it('verifies the right password and rejects a wrong one', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(hash).toMatch(/^scrypt\$15\$8\$1\$/);
    expect(hash).not.toContain('correct horse');
    expect(await verifyPassword('correct horse battery staple', hash)).toBe(true);
    expect(await verifyPassword('correct horse battery stapler', hash)).toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('same password')).not.toBe(await hashPassword('same password'));
  });

  it('treats unreadable or tampered hashes as a mismatch, not an error', async () => {
    expect(await verifyPassword('x', 'plain-text-password')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$40$8$1$AAAA$AAAA')).toBe(false);
    const hash = await hashPassword('password one');
    expect(await verifyPassword('password one', hash.replace(/.{4}$/, 'AAA='))).toBe(false);
  });

  it('normalises Unicode so the same visible password always matches', async () => {
    const hash = await hashPassword('caf\u00e9 au lait');
    expect(await verifyPassword('cafe\u0301 au lait', hash)).toBe(true);
  });
});

describe('passwordProblem', () => {
  it('explains what is wrong', () => {
    expect(passwordProblem('short', 'alice')).toMatch(/at least 8/);
    expect(passwordProblem('Alice12345', 'alice12345')).toMatch(/username/);
    expect(passwordProblem('x'.repeat(2000), 'alice')).toMatch(/at most/);
    expect(passwordProblem('a fine passphrase', 'alice')).toBeNull();
  });
});
