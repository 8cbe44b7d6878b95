/** Creating accounts and checking credentials: shared by the web forms and `paperboy user`. */
import { z } from 'zod';
import type { Store } from '../store/store.js';
import type { User } from './model.js';
import { decoyHash, hashPassword, passwordProblem, verifyPassword } from './password.js';

/** 2–30 letters, digits, `-` or `_`, starting with a letter or digit: safe in URLs (/u/NAME) and mentions. */
export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{1,29}$/;

const EmailSchema = z.email();

export interface NewAccount {
  username: string;
  email: string;
  password: string;
  isAdmin?: boolean;
  /** Refuse usernames that imported papers name as their submitter (web sign-up: no impersonation). */
  protectImportedSubmitters?: boolean;
}

export type AccountResult =
  { ok: true; user: User } | { ok: false; field: 'username' | 'email' | 'password'; message: string };

export async function createAccount(
  store: Store,
  input: NewAccount,
  now = new Date(),
): Promise<AccountResult> {
  const username = input.username.trim();
  const email = input.email.trim();
  if (!USERNAME_PATTERN.test(username)) {
    return {
      ok: false,
      field: 'username',
      message: 'Use 2 to 30 letters, digits, - or _, starting with a letter or digit.',
    };
  }
  if (email.length > 254 || !EmailSchema.safeParse(email).success) {
    return { ok: false, field: 'email', message: 'Enter an email address such as ada@example.org.' };
  }
  const problem = passwordProblem(input.password, username);
  if (problem) return { ok: false, field: 'password', message: problem };
  if (input.protectImportedSubmitters && (await store.isKnownSubmitter(username))) {
    return { ok: false, field: 'username', message: 'That username is taken. Choose another.' };
  }
  const result = await store.createUser({
    username,
    email,
    passwordHash: await hashPassword(input.password),
    isAdmin: input.isAdmin ?? false,
    createdAt: now.toISOString(),
  });
  if (result.ok) return result;
  return result.conflict === 'username'
    ? { ok: false, field: 'username', message: 'That username is taken. Choose another.' }
    : { ok: false, field: 'email', message: 'An account with this email exists already. Log in instead.' };
}

export type CredentialCheck = { status: 'ok'; user: User } | { status: 'invalid' } | { status: 'suspended' };

/**
 * Checks a username-or-email and password. Unknown names cost the same hashing time as known ones, so
 * response times do not reveal which accounts exist; a suspended account is named only to someone who
 * knows its password.
 */
export async function checkCredentials(
  store: Store,
  login: string,
  password: string,
): Promise<CredentialCheck> {
  const found = await store.findUserForLogin(login.trim());
  const ok = await verifyPassword(password, found?.passwordHash ?? (await decoyHash()));
  if (!found || !ok) return { status: 'invalid' };
  return found.user.suspended ? { status: 'suspended' } : { status: 'ok', user: found.user };
}
