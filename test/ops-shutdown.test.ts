/**
 * Graceful shutdown of the real `paperboy serve` process. The slow request is a genuine one: a sign-up
 * whose form body arrives slowly, as from a client on a bad connection. SIGTERM arrives while the server
 * waits for the rest of the body; the sign-up must still complete and be stored, and the process must
 * then close the database and exit 0, with an idle keep-alive connection not holding it up.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { type Socket, connect } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from './support/smtp-cli.js';
import { createTestDatabase, type TestDatabase } from './support/test-store.js';

const ROOT = path.resolve(import.meta.dirname, '..');

let database: TestDatabase | undefined;
let child: ChildProcess;
let url: URL;
let stderr = '';
let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;

beforeAll(async () => {
  ensureBuilt();
  database = await createTestDatabase();
  // Only the server holds the database, so the test can see it let go.
  await database.store.close();
  child = spawn(process.execPath, [path.join(ROOT, 'bin/paperboy.js'), 'serve'], {
    cwd: database.dir,
    env: {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      HOST: '127.0.0.1',
      ...database.env,
      PAPERBOY_DEMO: '0',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  exited = new Promise((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  url = await new Promise<URL>((ready, fail) => {
    let stdout = '';
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      const match = /running at (http:\/\/\S+)/.exec(stdout);
      if (match) ready(new URL(match[1]!));
    });
    child.on('exit', () => fail(new Error(`serve exited early: ${stderr}`)));
  });
});

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await database?.close();
});

/** Whether no process holds the database: SQLite removes the WAL on the last close; PostgreSQL lists them. */
async function databaseReleased(db: TestDatabase): Promise<boolean> {
  if (db.backend === 'sqlite') return !existsSync(`${db.env.PAPERBOY_DB}-wal`);
  const [others] = await db.sql<{ n: number }>(
    'SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
  );
  return others?.n === 0;
}

/** An HTTP/1.1 client on a raw socket, so the test decides when each byte of the request is sent. */
function rawConnection(): Promise<{ socket: Socket; response: Promise<string> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => {
      let received = '';
      socket.on('data', (d: Buffer) => (received += d.toString()));
      const response = new Promise<string>((done) => socket.on('close', () => done(received)));
      resolve({ socket, response });
    });
    socket.on('error', reject);
  });
}

function canConnect(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(Number(url.port), url.hostname, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

describe('paperboy serve on SIGTERM', () => {
  it('finishes the request in flight, stores its result, closes the database and exits 0', async () => {
    // The sign-up form sets the CSRF cookie and carries the token, as in a browser.
    const form = await fetch(new URL('/signup', url));
    const cookie = form.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1];
    expect(token).toBeTruthy();

    // An idle keep-alive connection: it must not keep the process alive.
    const idle = await rawConnection();
    idle.socket.write(`GET /healthz HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`);
    await sleep(200);

    const body = new URLSearchParams({
      _csrf: token!,
      username: 'latecomer',
      email: 'latecomer@example.org',
      password: 'a slow but sure password',
      next: '/',
    }).toString();
    const slow = await rawConnection();
    slow.socket.write(
      `POST /signup HTTP/1.1\r\nHost: ${url.host}\r\nCookie: ${cookie}\r\n` +
        `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n` +
        body.slice(0, 20),
    );
    await sleep(300);
    const signalledAt = Date.now();
    child.kill('SIGTERM');
    await sleep(500);

    // Stopped accepting connections, still running for the request in flight.
    expect(await canConnect()).toBe(false);
    expect(child.exitCode).toBeNull();

    slow.socket.write(body.slice(20));
    const response = await slow.response;
    expect(response).toMatch(/^HTTP\/1\.1 303 See Other\r\n/);
    expect(response).toMatch(/\r\nlocation: \/\r\n/i);
    expect(response).toMatch(/\r\nconnection: close\r\n/i);

    const exit = await exited;
    expect(exit).toMatchObject({ code: 0, signal: null });
    // Exited as soon as the slow request was done, not at the shutdown deadline.
    expect(exit.at - signalledAt).toBeLessThan(5000);
    expect(await idle.response).toMatch(/^HTTP\/1\.1 200 OK/);

    // The database was closed cleanly and holds the sign-up.
    const db = database!;
    expect(await databaseReleased(db)).toBe(true);
    expect((await db.open().findUser('latecomer'))?.email).toBe('latecomer@example.org');

    const logs = stderr
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { msg: string; path?: string; status?: number });
    expect(logs.map((l) => l.msg)).toEqual(
      expect.arrayContaining(['shutting down: finishing the requests in flight', 'shut down']),
    );
    expect(logs).toContainEqual(expect.objectContaining({ msg: 'request', path: '/signup', status: 303 }));
  });
});
