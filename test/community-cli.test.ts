/** `paperboy user …` run as a real process (the compiled CLI) against a temp database. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCredentials } from '../src/community/accounts.js';
import type { Store } from '../src/store/store.js';
import { createTestDatabase, type TestDatabase } from './support/test-store.js';

const ROOT = resolve(import.meta.dirname, '..');
const CLI = join(ROOT, 'bin', 'paperboy.js');
let database: TestDatabase;

function paperboy(
  args: string[],
  stdin = '',
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, ...database.env, PAPERBOY_DEMO: '0', LOG_LEVEL: 'silent' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => done({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

/** The database as another process sees it, between CLI runs. */
function withStore<T>(run: (store: Store) => Promise<T>): Promise<T> {
  return run(database.store);
}

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'user.js'))) {
    throw new Error('dist/ is missing: run `npm run build` before these tests (npm test does)');
  }
  database = await createTestDatabase();
});
afterAll(() => database.close());

describe('paperboy user', () => {
  it('creates an admin with the password from standard input, and lists accounts', async () => {
    const created = await paperboy(
      ['user', 'create', 'root', '--email', 'root@example.org', '--admin'],
      'a strong passphrase\n',
    );
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('Created admin root');
    await paperboy(['user', 'create', 'reader', '--email', 'reader@example.org'], 'another passphrase\n');
    const listed = await paperboy(['user', 'list', '--json']);
    const users = JSON.parse(listed.stdout) as { username: string; isAdmin: boolean }[];
    expect(users.map((u) => [u.username, u.isAdmin])).toEqual([
      ['root', true],
      ['reader', false],
    ]);
    expect((await paperboy(['user', 'list'])).stdout).toMatch(/root\s+root@example\.org\s+admin\s+active/);
    const check = await withStore((store) => checkCredentials(store, 'root', 'a strong passphrase'));
    expect(check.status).toBe('ok');
  });

  it('refuses bad input with a clear message and exit status 2', async () => {
    const duplicate = await paperboy(
      ['user', 'create', 'ROOT', '--email', 'x@example.org'],
      'a strong passphrase\n',
    );
    expect(duplicate.code).toBe(2);
    expect(duplicate.stderr).toContain('username: That username is taken');
    const weak = await paperboy(['user', 'create', 'weak', '--email', 'w@example.org'], 'short\n');
    expect(weak.code).toBe(2);
    expect(weak.stderr).toContain('at least 8 characters');
    const missing = await paperboy(['user', 'suspend', 'nobody']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('there is no user called nobody');
  });

  it('suspends into the audit log and resets passwords', async () => {
    expect((await paperboy(['user', 'suspend', 'reader', '--reason', 'spam'])).code).toBe(0);
    await withStore(async (store) => {
      expect((await store.findUser('reader'))?.suspended).toBe(true);
      expect((await store.auditLog(0, 1))[0]).toMatchObject({
        actor: 'cli',
        action: 'suspend-user',
        target: 'reader',
        reason: 'spam',
      });
    });
    expect((await paperboy(['user', 'unsuspend', 'reader'])).code).toBe(0);
    expect((await paperboy(['user', 'set-password', 'reader'], 'a brand new passphrase\n')).code).toBe(0);
    await withStore(async (store) => {
      expect((await checkCredentials(store, 'reader', 'another passphrase')).status).toBe('invalid');
      expect((await checkCredentials(store, 'reader', 'a brand new passphrase')).status).toBe('ok');
    });
    expect((await paperboy(['user', 'admin', 'root', '--revoke'])).stdout).toContain('no longer an admin');
  });
});
