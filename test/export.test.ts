/**
 * `paperboy export` and the restore of its file by `paperboy import`, run as real processes (the compiled
 * CLI) from one backend to the other: SQLite to PostgreSQL on the default run, PostgreSQL to SQLite on the
 * PostgreSQL run (PAPERBOY_TEST_STORE=postgres).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCredentials } from '../src/community/accounts.js';
import { hashPassword } from '../src/community/password.js';
import { importFiles } from '../src/ingest/import.js';
import { parseQuery } from '../src/search/query.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { Store } from '../src/store/store.js';
import { createScratchDatabase, type ScratchDatabase } from './support/pg.js';

const ROOT = resolve(import.meta.dirname, '..');
const CLI = join(ROOT, 'bin', 'paperboy.js');
const DEMO = join(ROOT, 'data', 'demo', 'hf-daily-papers-recent.jsonl.gz');
const SOURCE: 'sqlite' | 'postgres' = process.env.PAPERBOY_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';

/** Every table an export covers, with what makes its rows countable on both databases. */
const TABLES = [
  'papers',
  'paper_categories',
  'users',
  'votes',
  'not_interested',
  'comments',
  'collections',
  'collection_papers',
  'audit_log',
  'harvest_checkpoints',
  'harvest_runs',
  'mail_subscribers',
  'mail_topics',
  'mail_confirmations',
  'mail_deliveries',
  'mail_sent_papers',
  'mail_jobs',
];

const PASSWORDS = { alice: 'alice has a long passphrase', bob: 'bob has another passphrase' };

interface Database {
  env: Record<string, string>;
  open(): Store;
  drop(): Promise<void>;
}

let dir: string;
const scratch: ScratchDatabase[] = [];

async function sqliteDatabase(name: string): Promise<Database> {
  const path = join(dir, `${name}.db`);
  return {
    env: { PAPERBOY_DB: path },
    open: () => new SqliteStore(path),
    drop: async () => rmSync(path, { force: true }),
  };
}

async function postgresDatabase(name: string): Promise<Database> {
  const db = await createScratchDatabase();
  scratch.push(db);
  return {
    // PostgreSQL nodes share a secret given to each (see loadConfig).
    env: {
      PAPERBOY_DB: join(dir, `${name}-unused.db`),
      DATABASE_URL: db.url,
      PAPERBOY_SECRET: 'x'.repeat(32),
    },
    open: () => new PostgresStore(db.url),
    drop: () => db.reset(),
  };
}

const makeDatabase = (backend: 'sqlite' | 'postgres', name: string): Promise<Database> =>
  backend === 'sqlite' ? sqliteDatabase(name) : postgresDatabase(name);

async function withStore<T>(db: Database, run: (store: Store) => Promise<T>): Promise<T> {
  const store = db.open();
  try {
    return await run(store);
  } finally {
    await store.close();
  }
}

function paperboy(
  db: Database,
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, DATABASE_URL: '', ...db.env, PAPERBOY_DEMO: '0', LOG_LEVEL: 'silent' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

async function tableCounts(store: Store): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    const sql = `SELECT count(*) AS n FROM ${table}`;
    counts[table] =
      store instanceof SqliteStore
        ? (store.db.prepare(sql).get() as { n: number }).n
        : Number((await (store as PostgresStore).pool.query<{ n: string }>(sql)).rows[0]?.n);
  }
  return counts;
}

/** An export's record lines, sorted: the same instance exports the same set whatever its database. */
function recordLines(file: string): string[] {
  const raw = readFileSync(file);
  const text = file.endsWith('.gz') ? gunzipSync(raw).toString() : raw.toString();
  return text.trim().split('\n').slice(1).sort();
}

interface Seeded {
  commentedPaper: string;
  hiddenPaper: string;
  hfPaper: string;
}

/** A small instance with something in every table an export covers. */
async function seed(store: Store): Promise<Seeded> {
  // A slice of the demo corpus: Hugging Face papers with submitters, stars, summaries and keywords.
  const slice = join(dir, 'demo-slice.jsonl');
  writeFileSync(slice, gunzipSync(readFileSync(DEMO)).toString().split('\n').slice(0, 400).join('\n'));
  const imported = await importFiles(store, [slice]);
  expect(imported.inserted).toBeGreaterThan(300);
  const feed = await store.listFeed({
    from: '2000-01-01',
    to: '2100-01-01',
    sort: 'upvotes',
    offset: 0,
    limit: 6,
  });
  const [p2, p3, p4, p5] = feed.items.map((paper) => paper.id) as [string, string, string, string];
  // A paper with every field set, which the thread below is on.
  const p1 = '2411.00001';
  await store.upsertPapers([
    {
      id: p1,
      version: 3,
      title: 'Restoring Instances: A Study',
      authors: ['Ada Lovelace', 'Émile Borel'],
      abstract: 'We move an instance from one database to another and back.',
      categories: ['cs.DB', 'cs.LG'],
      publishedAt: '2024-11-01T10:00:00Z',
      updatedAt: '2024-11-03T10:00:00Z',
      feedDate: '2024-11-04',
      comment: '12 pages',
      journalRef: 'J. Backups 1 (2024)',
      doi: '10.1000/restore',
      codeUrl: 'https://github.com/example/restore',
      projectUrl: 'https://example.org/restore',
      upvotes: 7,
      submittedBy: { user: 'ada', fullname: 'Ada L.', avatarUrl: 'https://example.org/ada.png' },
      githubStars: 42,
      aiSummary: 'Moves instances.',
      aiKeywords: ['backup', 'restore'],
      organization: 'Example Lab',
    },
  ]);
  const at = (minute: number): Date => new Date(Date.UTC(2026, 10, 20, 9, minute));

  const users = [];
  for (const [username, password] of Object.entries(PASSWORDS)) {
    const created = await store.createUser({
      username,
      email: `${username}@example.org`,
      passwordHash: await hashPassword(password),
      fullname: `${username[0]?.toUpperCase()}${username.slice(1)} Example`,
      isAdmin: username === 'alice',
      createdAt: at(0).toISOString(),
    });
    if (!created.ok) throw new Error(`cannot create ${username}`);
    users.push(created.user);
  }
  const [alice, bob] = users as [(typeof users)[0], (typeof users)[0]];
  const carol = await store.createUser({
    username: 'Carol',
    email: 'carol@example.org',
    passwordHash: await hashPassword('carol was suspended'),
    createdAt: at(1).toISOString(),
  });
  if (!carol.ok) throw new Error('cannot create carol');

  await store.toggleVote(alice.id, p1, at(2));
  await store.toggleVote(bob.id, p1, at(3));
  await store.toggleVote(bob.id, p2, at(4));
  await store.setNotInterested(alice.id, p3, true, at(5));

  const root = await store.addComment({
    paperId: p1,
    userId: alice.id,
    parentId: null,
    body: 'A root **comment**',
    createdAt: at(6).toISOString(),
  });
  const reply = await store.addComment({
    paperId: p1,
    userId: bob.id,
    parentId: root!.id,
    body: 'A reply',
    createdAt: at(7).toISOString(),
  });
  await store.addComment({
    paperId: p1,
    userId: alice.id,
    parentId: reply!.id,
    body: 'A reply to the reply',
    createdAt: at(8).toISOString(),
  });
  const gone = await store.addComment({
    paperId: p1,
    userId: bob.id,
    parentId: null,
    body: 'Deleted later',
    createdAt: at(9).toISOString(),
  });
  await store.deleteComment(gone!.id, at(10));
  const hidden = await store.addComment({
    paperId: p2,
    userId: carol.user.id,
    parentId: null,
    body: 'spam',
    createdAt: at(11).toISOString(),
  });
  await store.editComment(root!.id, 'A root **comment**, edited', at(12));

  const reading = await store.createCollection({
    ownerId: alice.id,
    name: 'Reading',
    isPublic: true,
    now: at(13),
  });
  await store.addToCollection(reading!.id, p1, at(14));
  await store.addToCollection(reading!.id, p2, at(15));
  const secret = await store.createCollection({
    ownerId: bob.id,
    name: 'Private',
    isPublic: false,
    now: at(16),
  });
  await store.addToCollection(secret!.id, p3, at(17));

  const moderation = { actorId: alice.id, actor: 'alice', reason: 'test', at: at(18).toISOString() };
  await store.moderate({ ...moderation, action: 'hide-comment', target: String(hidden!.id) });
  await store.moderate({ ...moderation, action: 'hide-paper', target: p4 });
  await store.moderate({
    ...moderation,
    action: 'suspend-user',
    target: 'Carol',
    actorId: null,
    actor: 'cli',
  });

  const run = await store.startHarvestRun({
    set: 'cs',
    from: '2026-11-01',
    until: null,
    resumed: false,
    owner: 'host:1',
  });
  const counts = { pages: 1, records: 3, inserted: 2, updated: 1, unchanged: 0, deleted: 0, skipped: 0 };
  await store.commitHarvestPage({
    runId: run,
    deletedIds: [],
    checkpoint: {
      set: 'cs',
      lastDatestamp: '2026-11-19',
      pending: { from: '2026-11-01', until: null, resumptionToken: 'tok|2', pages: 1 },
    },
    counts,
  });
  await store.finishHarvestRun(run, { status: 'failed', error: 'HTTP 503' });

  const { subscriberId, confirmationId } = await store.requestMailSubscription(
    'reader@example.org',
    [{ type: 'daily' }, { type: 'category', category: 'cs.CL' }],
    at(19),
  );
  await store.confirmMailSubscription(confirmationId, at(20));
  await store.requestMailSubscription('pending@example.org', [{ type: 'weekly' }], at(21));
  await store.reserveMailDeliveries(
    [
      {
        subscriberId,
        issue: 'daily:2026-11-20',
        kind: 'daily',
        content: '{"sections":[]}',
        paperIds: [p1, p5],
      },
    ],
    at(22),
  );
  const due = await store.dueMailDeliveries({ kinds: ['daily', 'confirm'] }, at(23), 10);
  await store.updateMailDeliveries(
    due.map((d) => [d.id, { status: 'sent', at: at(24), response: '250 queued as X1' }]),
  );
  await store.acquireJobLease('digest:daily:2026-11-20', 'host:1', 60_000, at(22));
  await store.releaseJobLease('digest:daily:2026-11-20', 'host:1', true, at(25));
  return { commentedPaper: p1, hiddenPaper: p4, hfPaper: p5 };
}

let source: Database;
let seeded: Seeded;
let exportFile: string;
let sourceCounts: Record<string, number>;

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'export.js'))) {
    throw new Error('dist/ is missing: run `npm run build` before these tests (npm test does)');
  }
  dir = mkdtempSync(join(tmpdir(), 'paperboy-export-'));
  source = await makeDatabase(SOURCE, 'source');
  seeded = await withStore(source, seed);
  sourceCounts = await withStore(source, tableCounts);
  exportFile = join(dir, 'instance.jsonl.gz');
  const exported = await paperboy(source, ['export', '--output', exportFile]);
  expect(exported.code, exported.stderr).toBe(0);
  expect(exported.stderr).toMatch(/^exported \d+ records/);
});

afterAll(async () => {
  for (const db of scratch) await db.drop();
  rmSync(dir, { recursive: true, force: true });
});

const TARGET = SOURCE === 'sqlite' ? 'postgres' : 'sqlite';

describe(`paperboy export from ${SOURCE}, import into ${TARGET}`, () => {
  let target: Database;

  beforeAll(async () => {
    target = await makeDatabase(TARGET, 'target');
    const restored = await paperboy(target, ['import', exportFile]);
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(restored.stdout).toMatch(/^imported \d+, updated 0, unchanged 0, skipped 0/);
  });

  it('covers every table, and the target ends with the same count in each', async () => {
    for (const table of TABLES) expect(sourceCounts[table], table).toBeGreaterThan(0);
    expect(await withStore(target, tableCounts)).toEqual(sourceCounts);
  });

  it('restores every record: the target exports the same records', async () => {
    const again = join(dir, 'from-target.jsonl');
    const exported = await paperboy(target, ['export', '-o', again]);
    expect(exported.code, exported.stderr).toBe(0);
    const header = JSON.parse(readFileSync(again, 'utf8').split('\n')[0] ?? '') as Record<string, unknown>;
    expect(header).toMatchObject({ format: 'paperboy-instance', version: 1, source: TARGET });
    expect(recordLines(again)).toEqual(recordLines(exportFile));
    const toStdout = await paperboy(target, ['export']);
    expect(toStdout.code, toStdout.stderr).toBe(0);
    expect(toStdout.stdout.trim().split('\n').slice(1).sort()).toEqual(recordLines(again));
  });

  it('keeps papers whole, hidden ones hidden, and comment counts', async () => {
    const compare = async (store: Store) => ({
      commented: await store.getPaper(seeded.commentedPaper),
      hf: await store.getPaper(seeded.hfPaper),
      hidden: (await store.hiddenPapers()).map((paper) => paper.id),
      categories: await store.categories(),
      // The restored papers are in the full-text index (the hidden one is not).
      found: (
        await store.search({
          query: parseQuery('model'),
          filters: {},
          sort: 'newest',
          offset: 0,
          limit: 5,
        })
      ).total,
    });
    const before = await withStore(source, compare);
    expect(before.commented?.numComments).toBe(3);
    expect(before.commented?.doi).toBe('10.1000/restore');
    expect(before.commented?.upvotes).toBe(7 + 2);
    expect(before.hf?.submittedBy).not.toBeNull();
    expect(before.hidden).toEqual([seeded.hiddenPaper]);
    expect(before.found).toBeGreaterThan(20);
    expect(await withStore(target, compare)).toEqual(before);
  });

  it('keeps accounts: ids, password hashes (people sign in with the same password) and suspensions', async () => {
    await withStore(target, async (store) => {
      const login = await checkCredentials(store, 'alice', PASSWORDS.alice);
      expect(login.status).toBe('ok');
      expect(await checkCredentials(store, 'bob@example.org', PASSWORDS.bob)).toMatchObject({ status: 'ok' });
      expect(await checkCredentials(store, 'alice', PASSWORDS.bob)).toEqual({ status: 'invalid' });
      expect(await checkCredentials(store, 'carol', 'carol was suspended')).toEqual({ status: 'suspended' });
    });
    const users = await withStore(source, (store) => store.listUsers());
    expect(await withStore(target, (store) => store.listUsers())).toEqual(users);
  });

  it('keeps comment trees, votes, collections, the audit log and harvest state', async () => {
    const community = async (store: Store) => {
      const alice = await store.findUser('alice');
      const bob = await store.findUser('bob');
      return {
        comments: await store.listComments(seeded.commentedPaper),
        votes: await store.votedPaperIds(bob!.id, [seeded.commentedPaper, seeded.hfPaper]),
        collections: await store.listCollections(alice!.id, true),
        papers: (await store.collectionPapers((await store.listCollections(alice!.id, true))[0]!.id)).map(
          (p) => p.id,
        ),
        // Sorted: the adapters may list feedback of equal weight in different orders.
        feedback: (await store.recommendationFeedback(alice!.id)).sort((a, b) =>
          `${a.kind} ${a.paperId}`.localeCompare(`${b.kind} ${b.paperId}`),
        ),
        audit: (await store.auditLog(0, 10)).map(({ id: _id, ...entry }) => entry),
        checkpoint: await store.harvestCheckpoint('cs'),
        runs: (await store.lastHarvestRuns(5)).map(({ id: _id, ...run }) => run),
      };
    };
    const before = await withStore(source, community);
    const [root, reply, replyToReply] = before.comments;
    expect(reply?.parentId).toBe(root?.id);
    // Replies go one level deep: a reply to a reply joins the thread of its top-level comment.
    expect(replyToReply?.parentId).toBe(root?.id);
    expect(before.comments.find((c) => c.deleted)).toBeDefined();
    expect(await withStore(target, community)).toEqual(before);
  });

  it('keeps subscriptions with their ids (links in mail already sent stay valid), topics and send log', async () => {
    const mail = async (store: Store) => ({
      reader: await store.findMailSubscriber('reader@example.org'),
      pending: await store.findMailSubscriber('pending@example.org'),
      sent: await store.countMailDeliveries({ kinds: ['daily', 'confirm'] }),
      already: await store.sentMailPapers(
        'daily',
        new Map([[1, [seeded.commentedPaper, seeded.hiddenPaper]]]),
      ),
      job: await store.getJobLease('digest:daily:2026-11-20'),
    });
    const before = await withStore(source, mail);
    expect(before.reader).toMatchObject({ id: 1, status: 'active' });
    expect(before.pending?.status).toBe('pending');
    expect(before.sent.sent).toBe(3);
    expect(await withStore(target, mail)).toEqual(before);
  });

  it('importing the same export again changes no count', async () => {
    const again = await paperboy(target, ['import', exportFile]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^imported 0, updated 0, unchanged \d+, skipped 0/);
    expect(await withStore(target, tableCounts)).toEqual(sourceCounts);
  });

  it('reports a corrupt line with its line number, skips it, and tells a cut-off file', async () => {
    await target.drop();
    const lines = gunzipSync(readFileSync(exportFile)).toString().split('\n');
    const vote = lines.findIndex((line) => line.startsWith('{"kind":"vote"'));
    lines[vote] = lines[vote]!.slice(0, 20);
    // A line naming a kind no version writes, and a well-formed one with a field missing (the last comment:
    // nothing refers to it).
    lines.splice(vote + 1, 0, '{"kind":"bookmark","user":"alice"}');
    const comment = lines.findLastIndex((line) => line.startsWith('{"kind":"comment"'));
    lines[comment] = JSON.stringify({ ...JSON.parse(lines[comment]!), paper: undefined });
    // Cut off inside the last mail record, as a copy interrupted part-way would be.
    const broken = lines.slice(0, -3).join('\n') + '\n' + lines.at(-3)!.slice(0, 15);
    const file = join(dir, 'broken.jsonl');
    writeFileSync(file, broken);
    const restored = await paperboy(target, ['import', file]);
    expect(restored.code).toBe(1);
    expect(restored.stderr).toContain(`${file}:${vote + 1}: not valid JSON`);
    expect(restored.stderr).toContain(`${file}:${lines.length - 2}: not valid JSON`);
    expect(restored.stderr).toMatch(new RegExp(`${file}:${comment + 1}: bad comment record \\(.*paper`));
    expect(restored.stderr).toContain(`${file}:${vote + 2}: unknown record kind "bookmark"`);
    expect(restored.stderr).toMatch(/without its end line/);
    const counts = await withStore(target, tableCounts);
    expect(counts.votes).toBe(sourceCounts.votes! - 1);
    expect(counts.comments).toBe(sourceCounts.comments! - 1);
    expect(counts.papers).toBe(sourceCounts.papers);
  });

  it('keeps ids the target has free, gives others new ones, and new rows after a restore fresh ids', async () => {
    await target.drop();
    const zed = await withStore(target, (store) =>
      store.createUser({
        username: 'zed',
        email: 'zed@example.org',
        passwordHash: 'x',
        createdAt: '2026-01-01T00:00:00Z',
      }),
    );
    expect(zed).toMatchObject({ ok: true, user: { id: 1 } });
    const restored = await paperboy(target, ['import', exportFile]);
    expect(restored.code, restored.stderr).toBe(0);
    await withStore(target, async (store) => {
      const alice = await store.findUser('alice');
      const bob = await store.findUser('bob');
      expect(alice?.id).not.toBe(1);
      expect(bob?.id).toBeGreaterThan(1);
      expect(await checkCredentials(store, 'alice', PASSWORDS.alice)).toMatchObject({ status: 'ok' });
      expect((await store.listComments(seeded.commentedPaper)).map((c) => c.author.username)).toEqual([
        'alice',
        'bob',
        'alice',
        'bob',
      ]);
      const dave = await store.createUser({
        username: 'dave',
        email: 'dave@example.org',
        passwordHash: 'x',
        createdAt: '2026-12-01T00:00:00Z',
      });
      if (!dave.ok) throw new Error('dave not created');
      const ids = (await store.listUsers()).map((u) => u.id);
      expect(new Set(ids).size).toBe(ids.length);
      const comment = await store.addComment({
        paperId: seeded.commentedPaper,
        userId: dave.user.id,
        parentId: null,
        body: 'after the restore',
        createdAt: '2026-12-01T00:00:00Z',
      });
      expect(comment?.id).toBeGreaterThan(4);
      const { subscriberId } = await store.requestMailSubscription(
        'new@example.org',
        [{ type: 'daily' }],
        new Date(),
      );
      expect(subscriberId).toBeGreaterThan(2);
    });
    expect((await withStore(target, tableCounts)).users).toBe(sourceCounts.users! + 2);
  });
});
