import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Password hashing with scrypt (node:crypto, no native add-on). The stored string carries its own
 * parameters — `scrypt$<log2 N>$<r>$<p>$<salt>$<hash>` — so they can be raised later without
 * invalidating existing hashes.
 *
 * N = 2^15, r = 8 costs 32 MiB and roughly 50–100 ms per hash on a small server: expensive for an
 * offline attacker, affordable for a two-core machine serving logins (OWASP's floor is 2^17 when memory
 * is plentiful; the per-account and per-IP login limits bound how often we pay it).
 */
const DEFAULT_COST = { log2N: 15, r: 8, p: 1 };
const KEY_BYTES = 32;
const SALT_BYTES = 16;

export const MIN_PASSWORD_LENGTH = 8;
/** Long enough for any passphrase, short enough that nobody can make us hash megabytes. */
export const MAX_PASSWORD_LENGTH = 1024;

function derive(password: string, salt: Buffer, cost: typeof DEFAULT_COST): Promise<Buffer> {
  const N = 2 ** cost.log2N;
  const options: ScryptOptions = { N, r: cost.r, p: cost.p, maxmem: 256 * N * cost.r };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEY_BYTES, options, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, DEFAULT_COST);
  const { log2N, r, p } = DEFAULT_COST;
  return ['scrypt', log2N, r, p, salt.toString('base64'), key.toString('base64')].join('$');
}

const HASH_FORMAT = /^scrypt\$(\d{1,2})\$(\d{1,3})\$(\d{1,3})\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/;

/** True when `password` matches `stored`; false for a wrong password or a hash this code cannot read. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = HASH_FORMAT.exec(stored);
  if (!m) return false;
  const cost = { log2N: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  const expected = Buffer.from(m[5] ?? '', 'base64');
  if (cost.log2N < 10 || cost.log2N > 20 || expected.length !== KEY_BYTES) return false;
  const key = await derive(password, Buffer.from(m[4] ?? '', 'base64'), cost);
  return timingSafeEqual(key, expected);
}

/**
 * A hash of a random password, checked against when a login names an unknown account, so that the
 * answer takes as long as for a known one and does not reveal which usernames exist.
 */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(16).toString('hex'));
  return decoy;
}

/** A message saying what is wrong with a new password, or null when it is acceptable. */
export function passwordProblem(password: string, username: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (password.length > MAX_PASSWORD_LENGTH) return `Use at most ${MAX_PASSWORD_LENGTH} characters.`;
  if (password.toLowerCase() === username.toLowerCase()) return 'Your password cannot be your username.';
  return null;
}
