/**
 * Crash safety: the built `paperboy` CLI is killed with SIGKILL at seeded random points while it imports a
 * large file, harvests from a replay server, sends a digest to a real SMTP server, and serves votes and
 * comments. After every kill the database passes its integrity checks (SQLite's and FTS5's, or amcheck's on
 * PostgreSQL: see TestDatabase.integrityProblems) and keeps everything committed before (counts never go
 * down, every paper/comment/vote acknowledged is there), and the next run finishes the work with the same
 * result as a run that was never interrupted.
 *
 * PAPERBOY_CRASH_KILLS sets the kills per scenario (5 here; the benchmark run uses 20),
 * PAPERBOY_CRASH_SEED the seed, PAPERBOY_CRASH_PAPERS the size of the import.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../src/community/accounts.js';
import { hashToken } from '../src/web/session.js';
import { arxivListingLines, realPapers } from './support/hostile.js';
import { seeded } from './support/random.js';
import { idOfRecord, listRecordsPage, realArxivRecords } from './support/oai-fixtures.js';
import { startReplayServer, type ReplayServer } from './support/replay-server.js';
import { startServeChild } from './support/serve-child.js';
import { addSubscriber, createMailTestApp, seedPapers } from './support/smtp-app.js';
import { ensureBuilt, runCli, type ChildResult } from './support/smtp-cli.js';
import { startSmtpServer } from './support/smtp.js';
import { createTestDatabase, TEST_BACKEND, type TestDatabase } from './support/test-store.js';

const KILLS = Number(process.env.PAPERBOY_CRASH_KILLS ?? 5);
const SEED = Number(process.env.PAPERBOY_CRASH_SEED ?? 20260312);
// PostgreSQL imports a few times slower than SQLite on this machine: fewer papers keep the run short, and
// still several thousand per run for the kills to land in.
const IMPORT_PAPERS = Number(
  process.env.PAPERBOY_CRASH_PAPERS ?? (TEST_BACKEND === 'postgres' ? 4000 : 12_000),
);

interface Inspection {
  papers: Set<string>;
  problems: string[];
}

/** Opens the database as the next run would, and checks it the way an operator would after a crash. */
async function inspect(database: TestDatabase): Promise<Inspection> {
  const problems = await database.integrityProblems();
  const rows = await database.sql<{ id: string }>('SELECT id FROM papers');
  return { papers: new Set(rows.map((row) => row.id)), problems };
}

function expectHealthy(state: Inspection, what: string): void {
  expect(state.problems, what).toEqual([]);
}

function expectKept(before: Set<string>, after: Set<string>, what: string): void {
  const lost = [...before].filter((id) => !after.has(id));
  expect(lost, `${what}: papers lost`).toEqual([]);
}

/** A fingerprint of what the papers say, to compare an interrupted history with a clean run. */
async function contentOf(database: TestDatabase): Promise<string[]> {
  const rows = await database.sql(
    'SELECT id, title, abstract, categories, feed_date FROM papers ORDER BY id',
  );
  return rows.map((row) => JSON.stringify(Object.values(row)));
}

/** Papers committed so far, read the way any other process would while the import runs. */
async function countPapers(database: TestDatabase): Promise<number> {
  const [row] = await database.sql<{ n: number }>('SELECT count(*) AS n FROM papers');
  return row?.n ?? 0;
}

/**
 * An empty database for a child process to work on. The test's own store is closed at once, so that, as
 * after a real crash, only the next run and the inspections open the database.
 */
async function databaseForChildren(): Promise<TestDatabase> {
  const database = await createTestDatabase();
  await database.store.close();
  return database;
}

let dir: string;
const databases: TestDatabase[] = [];
const rounds: Record<string, { killed: number; finished: number }> = {};

beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(path.join(tmpdir(), 'paperboy-crash-'));
}, 180_000);

afterAll(async () => {
  for (const database of databases) await database.close();
  rmSync(dir, { recursive: true, force: true });
  console.log(JSON.stringify({ suite: 'crash', kills: KILLS, seed: SEED, rounds }));
});

/** Runs the CLI and kills it when `arm` decides (it gets the kill function once the child runs). */
function runKilled(
  args: string[],
  env: Record<string, string>,
  arm: (kill: () => void) => void,
): Promise<ChildResult> {
  return runCli(args, env, arm);
}

function tally(name: string, result: ChildResult): void {
  rounds[name] ??= { killed: 0, finished: 0 };
  if (result.signal === 'SIGKILL') rounds[name].killed++;
  else {
    expect(result.code, `${name}: ${result.stderr}`).toBe(0);
    rounds[name].finished++;
  }
}

describe('SIGKILL during `paperboy import`', () => {
  it('keeps every committed paper and finishes like a clean import', async () => {
    const random = seeded(SEED);
    const lines = arxivListingLines().slice(0, IMPORT_PAPERS);
    const file = path.join(dir, 'listing.jsonl');
    writeFileSync(file, lines.join('\n') + '\n');

    const cleanDb = await databaseForChildren();
    const db = await databaseForChildren();
    databases.push(cleanDb, db);
    const clean = await runCli(['import', file], { ...cleanDb.env, LOG_LEVEL: 'silent' });
    expect(clean.code, clean.stderr).toBe(0);
    const expected = await contentOf(cleanDb);
    expect(expected.length).toBeGreaterThan(IMPORT_PAPERS * 0.9);

    let before = new Set<string>();
    for (let i = 0; i < KILLS; i++) {
      // A re-run skips over what is stored, then inserts: kill once a random part of what is left is in.
      const threshold = before.size + Math.ceil(random() * 0.95 * (expected.length - before.size));
      const extraMs = random() * 50;
      let finished = false;
      const result = await runKilled(['import', file], { ...db.env, LOG_LEVEL: 'silent' }, (kill) => {
        void (async () => {
          while (!finished) {
            if ((await countPapers(db)) >= threshold) {
              setTimeout(kill, extraMs);
              return;
            }
            await sleep(10);
          }
        })();
      }).finally(() => (finished = true));
      tally('import', result);
      const state = await inspect(db);
      expectHealthy(state, `import kill ${i + 1} at ${threshold} papers`);
      expectKept(before, state.papers, `import kill ${i + 1}`);
      before = state.papers;
    }
    const last = await runCli(['import', file], { ...db.env, LOG_LEVEL: 'silent' });
    expect(last.code, last.stderr).toBe(0);
    expectHealthy(await inspect(db), 'import after the kills');
    expect(await contentOf(db)).toEqual(expected);
    expect(rounds.import?.killed).toBeGreaterThan(0);
  }, 600_000);
});

/** `count` real OAI-PMH records under new ids (2601.00001…), so a harvest has many pages of real XML. */
function syntheticRecords(count: number): { xml: string; id: string }[] {
  const { hepTh, hepEx, samples } = realArxivRecords();
  const templates = [...hepTh, ...hepEx, ...samples];
  return Array.from({ length: count }, (_, i) => {
    const template = templates[i % templates.length] ?? '';
    const original = idOfRecord(template);
    const id = `2601.${String(i + 1).padStart(5, '0')}`;
    const xml = template
      .replaceAll(`oai:arXiv.org:${original}`, `oai:arXiv.org:${id}`)
      .replaceAll(`<id>${original}</id>`, `<id>${id}</id>`)
      .replace(/<title>/, `<title>[${i + 1}] `);
    return { xml, id };
  });
}

describe('SIGKILL during `paperboy harvest`', () => {
  let server: ReplayServer;
  const PAGE = 10;
  const records = syntheticRecords(300);
  const pages = Math.ceil(records.length / PAGE);

  beforeAll(async () => {
    server = await startReplayServer(({ url }) => {
      const token = url.searchParams.get('resumptionToken');
      const page = token === null ? 0 : Number(token.replace('page-', ''));
      const slice = records.slice(page * PAGE, (page + 1) * PAGE).map((r) => r.xml);
      const next =
        page + 1 < pages
          ? { token: `page-${page + 1}`, cursor: page * PAGE, completeListSize: records.length }
          : null;
      return { body: listRecordsPage(slice, next) };
    });
  });

  afterAll(async () => {
    await server.close();
  });

  const harvestEnv = (db: TestDatabase) => ({
    ...db.env,
    ARXIV_OAI_URL: `${server.url}/oai`,
    ARXIV_REQUEST_DELAY_MS: '30',
    LOG_LEVEL: 'silent',
  });
  const args = ['harvest', '--set', 'cs', '--from', '2026-01-01'];

  it('resumes after every kill and ends with every record once, like a clean harvest', async () => {
    const random = seeded(SEED + 1);
    const cleanDb = await databaseForChildren();
    const db = await databaseForChildren();
    databases.push(cleanDb, db);
    const clean = await runCli(args, harvestEnv(cleanDb));
    expect(clean.code, clean.stderr).toBe(0);
    const expected = await contentOf(cleanDb);
    expect(expected).toHaveLength(records.length);

    let before = new Set<string>();
    for (let i = 0; i < KILLS; i++) {
      // After a random page was asked for, and a random part of the pause before the next.
      const seen = server.log.length;
      const afterRequests = 1 + Math.floor(random() * Math.min(pages, 8));
      const delay = random() * 40;
      const result = await runKilled(args, harvestEnv(db), (kill) => {
        void server.waitForRequests(seen + afterRequests).then(() => setTimeout(kill, delay));
      });
      tally('harvest', result);
      const state = await inspect(db);
      expectHealthy(state, `harvest kill ${i + 1}`);
      expectKept(before, state.papers, `harvest kill ${i + 1}`);
      before = state.papers;
    }
    const last = await runCli(args, harvestEnv(db));
    expect(last.code, last.stderr).toBe(0);
    expectHealthy(await inspect(db), 'harvest after the kills');
    expect(await contentOf(db)).toEqual(expected);
    expect(rounds.harvest?.killed).toBeGreaterThan(0);
    const store = db.open();
    expect((await store.harvestCheckpoint('cs'))?.pending ?? null).toBeNull();
    expect((await store.lastHarvestRuns(1))[0]?.status).toBe('completed');
  }, 300_000);
});

describe('SIGKILL during `paperboy digest send`', () => {
  it('never loses a sent record, and the next run sends every digest (a resend only for the one in doubt)', async () => {
    const random = seeded(SEED + 2);
    const smtp = await startSmtpServer();
    const subscribers = 12 + KILLS * 6;
    // 40 messages a second: a run takes long enough to be killed in the middle.
    const env = await createMailTestApp(smtp.url, { PAPERBOY_MAIL_RATE: '40' });
    try {
      await seedPapers(env.store, '2026-11-20', 12);
      for (let i = 0; i < subscribers; i++) {
        await addSubscriber(env.store, `reader${String(i).padStart(3, '0')}@example.org`, [
          { type: 'daily' },
        ]);
      }
      await env.store.close();
      const args = ['digest', 'send', '--kind', 'daily', '--date', '2026-11-23'];
      const sent = async () => {
        const [row] = await env.database.sql<{ n: number }>(
          "SELECT count(*) AS n FROM mail_deliveries WHERE status = 'sent'",
        );
        return row?.n ?? NaN;
      };
      let sentBefore = 0;
      for (let i = 0; i < KILLS; i++) {
        const received = smtp.received.length;
        const afterMessages = 1 + Math.floor(random() * 5);
        const delay = random() * 30;
        const result = await runKilled(args, env.env, (kill) => {
          smtp.onMessage = () => {
            if (smtp.received.length === received + afterMessages) setTimeout(kill, delay);
          };
        });
        smtp.onMessage = null;
        tally('digest', result);
        expectHealthy(await inspect(env.database), `digest kill ${i + 1}`);
        const sentNow = await sent();
        expect(sentNow, `digest kill ${i + 1}`).toBeGreaterThanOrEqual(sentBefore);
        // A row says sent only after the SMTP server took the message.
        expect(smtp.received.length).toBeGreaterThanOrEqual(sentNow);
        sentBefore = sentNow;
      }
      const last = await runCli(args, env.env);
      expect(last.code, last.stderr).toBe(0);
      expectHealthy(await inspect(env.database), 'digest after the kills');
      expect(await sent()).toBe(subscribers);

      const byRecipient = new Map<string, Set<string>>();
      for (const mail of smtp.received) {
        for (const to of mail.recipients)
          byRecipient.set(to, (byRecipient.get(to) ?? new Set()).add(mail.messageId));
      }
      expect(byRecipient.size).toBe(subscribers);
      // A resend is the same message (same Message-ID, so mail clients show it once), and at most one per kill.
      for (const ids of byRecipient.values()) expect(ids.size).toBe(1);
      expect(smtp.received.length - subscribers).toBeLessThanOrEqual(rounds.digest?.killed ?? 0);

      const total = smtp.received.length;
      const again = await runCli(args, env.env);
      expect(again.code).toBe(0);
      expect(again.stdout).toContain('0 sent');
      expect(smtp.received).toHaveLength(total);
    } finally {
      await smtp.close();
      await env.close();
    }
  }, 300_000);
});

interface Voter {
  id: number;
  cookie: string;
  csrf: string;
}

describe('SIGKILL of `paperboy serve` under votes and comments', () => {
  it('keeps every acknowledged vote and comment, with vote counts matching the votes', async () => {
    const random = seeded(SEED + 3);
    const db = await createTestDatabase();
    databases.push(db);
    const papers = realPapers(120);
    const voters: Voter[] = [];
    {
      const { store } = db;
      await store.upsertPapers(papers);
      for (let i = 0; i < 16; i++) {
        const result = await createAccount(store, {
          username: `voter${i}`,
          email: `voter${i}@example.org`,
          password: 'correct horse battery staple',
        });
        if (!result.ok) throw new Error(result.message);
        const token = `voter-${i}-session-0123456789abcdef0123456789`;
        await store.createSession({
          idHash: hashToken(token),
          userId: result.user.id,
          createdAt: new Date().toISOString(),
          expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
        });
        voters.push({ id: result.user.id, cookie: `pb_session=${token}`, csrf: '' });
      }
      await store.close();
    }
    const env = { ...db.env, PAPERBOY_SECRET: 'crash-test-secret-crash-test-secret-0123' };

    // What the server said it did: the last acknowledged vote state per (user, paper), comments by id.
    const votes = new Map<string, boolean>();
    const comments = new Map<number, string>();
    let commentsBefore = 0;
    for (let round = 0; round <= KILLS; round++) {
      const server = await startServeChild(env);
      for (const voter of voters) {
        const page = await fetch(`${server.url}/collections`, { headers: { cookie: voter.cookie } });
        voter.csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
      }
      if (round === KILLS) {
        // The last start: the server came back up with everything, and serves it.
        const page = await fetch(`${server.url}/papers/${papers[0]?.id}`);
        expect(page.status).toBe(200);
        await server.kill('SIGTERM');
        break;
      }
      const inFlight = new Set<string>();
      let stop = false;
      const worker = async (w: number): Promise<void> => {
        for (let n = 0; !stop; n++) {
          const voter = voters[(w + n) % voters.length] as Voter;
          const paper = papers[Math.floor(random() * papers.length)]?.id ?? '';
          const key = `${voter.id}|${paper}`;
          const comment = n % 4 === 3;
          if (!comment && inFlight.has(key)) continue;
          const body = `round ${round} worker ${w} note ${n}`;
          const form = new URLSearchParams(comment ? { _csrf: voter.csrf, body } : { _csrf: voter.csrf });
          if (!comment) inFlight.add(key);
          try {
            const response = await fetch(`${server.url}/papers/${paper}/${comment ? 'comments' : 'upvote'}`, {
              method: 'POST',
              body: form,
              redirect: 'manual',
              headers: { cookie: voter.cookie, accept: comment ? 'text/html' : 'application/json' },
            });
            if (comment && response.status === 303) {
              const id = Number(/#comment-(\d+)$/.exec(response.headers.get('location') ?? '')?.[1]);
              comments.set(id, body);
            } else if (!comment && response.status === 200) {
              votes.set(key, ((await response.json()) as { voted: boolean }).voted);
            } else if (response.status !== 429) {
              throw new Error(`unexpected ${response.status}: ${(await response.text()).slice(0, 200)}`);
            }
            if (!comment) inFlight.delete(key);
          } catch (err) {
            // The kill cut this request off: whether it committed is unknown, so the pair is not checked.
            if (!stop) throw err;
            return;
          }
        }
      };
      const workers = Array.from({ length: 8 }, (_, w) => worker(w));
      await new Promise((resolve) => setTimeout(resolve, 300 + random() * 1200));
      stop = true;
      const killed = await server.kill('SIGKILL');
      expect(killed.signal).toBe('SIGKILL');
      await Promise.all(workers);
      for (const key of inFlight) votes.delete(key);

      const state = await inspect(db);
      // Every acknowledged comment is there with its text.
      const stored = new Map(
        (await db.sql<{ id: number; body: string }>('SELECT id, body FROM comments')).map((r) => [
          r.id,
          r.body,
        ]),
      );
      for (const [id, body] of comments) expect(stored.get(id), `comment ${id}`).toBe(body);
      expect(stored.size).toBeGreaterThanOrEqual(commentsBefore);
      commentsBefore = stored.size;
      // Every acknowledged vote is as acknowledged.
      const voted = new Set(
        (
          await db.sql<{ user_id: number; id: string }>(
            'SELECT v.user_id, p.id FROM votes v JOIN papers p ON p.pk = v.paper_pk',
          )
        ).map((row) => `${row.user_id}|${row.id}`),
      );
      for (const [key, state] of votes) expect(voted.has(key), `vote ${key}`).toBe(state);
      // A vote and its count change in one transaction: the counts match the votes exactly.
      const mismatched = await db.sql(
        `SELECT p.id, p.upvotes, (SELECT count(*) FROM votes v WHERE v.paper_pk = p.pk) AS counted
         FROM papers p WHERE p.upvotes != (SELECT count(*) FROM votes v WHERE v.paper_pk = p.pk)`,
      );
      expect(mismatched).toEqual([]);
      expectHealthy(state, `serve kill ${round + 1}`);
      rounds.serve ??= { killed: 0, finished: 0 };
      rounds.serve.killed++;
    }
    expect(votes.size).toBeGreaterThan(0);
    expect(comments.size).toBeGreaterThan(0);
  }, 600_000);
});
