/**
 * Rate limits, counted in the database so that every node and every restart agree. Each rule allows a
 * number of hits per window; the window starts at the first hit, so "20 attempts in a minute" means
 * exactly that, wherever the minute boundaries fall.
 */
import type { Store } from '../store/store.js';

export interface RateRule {
  /** Key prefix, e.g. `login-ip`. */
  name: string;
  /** Hits allowed per window; the next one is refused. */
  allowed: number;
  windowMs: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export const RATE_RULES = {
  /**
   * Log-in attempts per account: 19 a minute. Nobody mistypes a password 19 times in a minute; the 20th
   * attempt is refused without checking the password, so guessing is slow and costs us no hashing.
   */
  loginAccount: { name: 'login-account', allowed: 19, windowMs: MINUTE },
  /** Log-in attempts per IP address, across accounts (one office behind one address stays well below). */
  loginIp: { name: 'login-ip', allowed: 60, windowMs: MINUTE },
  /** New accounts per IP address. */
  signupIp: { name: 'signup-ip', allowed: 20, windowMs: HOUR },
  /** Sign-up attempts per username or email, so nobody probes which addresses have accounts at speed. */
  signupAccount: { name: 'signup-account', allowed: 5, windowMs: HOUR },
  /** Comments per user. */
  comment: { name: 'comment', allowed: 10, windowMs: MINUTE },
  /** arXiv look-ups per user from /submit (arXiv asks for one request every 3 s from all of us). */
  arxivLookup: { name: 'arxiv-lookup', allowed: 30, windowMs: HOUR },
} satisfies Record<string, RateRule>;

/** Every this many hits, ended windows and expired sessions are deleted, so neither table grows forever. */
const PRUNE_EVERY = 1000;
const hitsSincePrune = new WeakMap<Store, number>();

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Counts a hit for `subject` (an IP, a user id, a lower-cased username) and says whether it may proceed. */
export async function checkRate(
  store: Store,
  rule: RateRule,
  subject: string,
  now = new Date(),
): Promise<RateDecision> {
  const hit = await store.hitRateLimit(`${rule.name}:${subject}`, rule.windowMs, now);
  const hits = (hitsSincePrune.get(store) ?? 0) + 1;
  hitsSincePrune.set(store, hits % PRUNE_EVERY);
  if (hits === PRUNE_EVERY) await store.pruneExpired(now);
  if (hit.count <= rule.allowed) return { allowed: true };
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((hit.resetAt - now.getTime()) / 1000)) };
}

/** Checks several rules, counting a hit against each; refused if any refuses (the longest wait wins). */
export async function checkRates(
  store: Store,
  checks: [RateRule, string][],
  now = new Date(),
): Promise<RateDecision> {
  let wait = 0;
  for (const [rule, subject] of checks) {
    const decision = await checkRate(store, rule, subject, now);
    if (!decision.allowed) wait = Math.max(wait, decision.retryAfterSeconds);
  }
  return wait > 0 ? { allowed: false, retryAfterSeconds: wait } : { allowed: true };
}
