/**
 * Two `paperboy serve` processes (the built CLI) on one PostgreSQL database, as behind a load balancer:
 * what one node writes (votes, sessions) the other serves, both nodes' digest schedules fire for the same
 * issue and each subscriber gets it once from a real SMTP server, and when the node sending an issue is
 * killed half-way the other one finishes it, still once per subscriber.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../src/community/accounts.js';
import { issueFor } from '../src/mail/calendar.js';
import type { DeliveryFilter } from '../src/mail/records.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { createScratchDatabase, type ScratchDatabase } from './support/pg.js';
import { startServeChild, type ServeChild } from './support/serve-child.js';
import { addSubscriber, BASE_URL, seedPapers } from './support/smtp-app.js';
import { startSmtpServer, type TestSmtpServer } from './support/smtp.js';
import { overHttp, Visitor } from './support/visitor.js';

const PASSWORD = 'a long passphrase for ada';
const PAPER = '2611.00001';
/** A process on another machine, as the nodes see it: they wait for its lease to end. */
const HOLDER = 'elsewhere:1:0000';

/** One database, seeded before the nodes start (so their first schedule tick finds the subscribers), and two nodes. */
interface Cluster {
  store: PostgresStore;
  nodes: [ServeChild, ServeChild];
  /** Messages each subscriber received, by address. */
  received(): Map<string, number>;
  close(): Promise<void>;
}

async function startCluster(
  smtp: TestSmtpServer,
  subscribers: string[],
  mailRate: number,
  seed: (store: PostgresStore) => Promise<void> = async () => {},
): Promise<Cluster> {
  const database: ScratchDatabase = await createScratchDatabase();
  const dir = mkdtempSync(path.join(tmpdir(), 'paperboy-multi-node-'));
  const store = new PostgresStore(database.url);
  const nodes: ServeChild[] = [];
  try {
    await seedPapers(store, '2026-11-20', 15);
    for (const email of subscribers) await addSubscriber(store, email, [{ type: 'weekly' }]);
    await seed(store);
    const env = {
      DATABASE_URL: database.url,
      PAPERBOY_DB: path.join(dir, 'paperboy.db'),
      // Every node signs CSRF tokens and mail links with the same secret (see README: several nodes).
      PAPERBOY_SECRET: randomBytes(32).toString('base64url'),
      PAPERBOY_BASE_URL: BASE_URL,
      PAPERBOY_MAIL_FROM: 'Paperboy <digest@paperboy.test>',
      SMTP_URL: smtp.url,
      PAPERBOY_MAIL_RATE: String(mailRate),
      PAPERBOY_DIGEST_AT: '00:00',
      PAPERBOY_DIGEST_TICK_MS: '200',
      LOG_LEVEL: 'debug',
    };
    // Started together, so both schedules tick while the first issue is still being sent.
    nodes.push(...(await Promise.all([startServeChild(env), startServeChild(env)])));
  } catch (err) {
    await Promise.all(nodes.map((node) => node.kill()));
    await store.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    store,
    nodes: nodes as [ServeChild, ServeChild],
    received: () => {
      const counts = new Map(subscribers.map((email) => [email, 0]));
      for (const mail of smtp.received) {
        for (const to of mail.recipients) if (counts.has(to)) counts.set(to, (counts.get(to) ?? 0) + 1);
      }
      return counts;
    },
    close: async () => {
      await Promise.all(nodes.map((node) => node.kill('SIGTERM')));
      await store.close();
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The weekly issue due now, which every node's schedule runs; its lease is `digest:<issue>`. */
const weeklyIssue = (): string => issueFor('weekly', new Date());

function readers(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(2, '0')}@example.org`);
}

/** Log lines a node wrote with this message (and these fields). */
function logged(node: ServeChild, msg: string, fields: Record<string, unknown> = {}): number {
  return node
    .stderr()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((entry) => entry['msg'] === msg && Object.entries(fields).every(([k, v]) => entry[k] === v))
    .length;
}

async function upvotes(node: ServeChild): Promise<number> {
  const response = await fetch(`${node.url}/api/papers/${PAPER}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { upvotes: number }).upvotes;
}

const weeklyDeliveries = (): DeliveryFilter => ({ kinds: ['weekly'], issue: weeklyIssue() });

/**
 * SIGKILLs a node that is sending the weekly issue at a moment when every message the SMTP server received
 * is recorded as sent, as a crash between two messages (the send log's at-least-once window, a message
 * accepted but not yet recorded, is mail-crash.test.ts's business). The node is frozen with SIGSTOP and
 * killed if the send log agrees with the server; else it runs on a little and is looked at again.
 */
async function killBetweenMessages(
  node: ServeChild,
  store: PostgresStore,
  smtp: TestSmtpServer,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  for (;;) {
    node.child.kill('SIGSTOP');
    // A message whose last bytes were already on their way is recorded by the server meanwhile.
    await sleep(100);
    if ((await store.countMailDeliveries(weeklyDeliveries())).sent === smtp.received.length) {
      return node.kill('SIGKILL');
    }
    node.child.kill('SIGCONT');
    await sleep(30);
  }
}

/** Waits a few schedule ticks more, so that a second message to anyone would have arrived. */
const settle = (): Promise<void> => sleep(1500);

describe('two nodes on one PostgreSQL database', () => {
  let smtp: TestSmtpServer;
  let cluster: Cluster;
  const subscribers = readers('weekly', 12);

  beforeAll(async () => {
    smtp = await startSmtpServer();
    cluster = await startCluster(smtp, subscribers, 5, async (store) => {
      const account = await createAccount(store, {
        username: 'ada',
        email: 'ada@example.org',
        password: PASSWORD,
      });
      expect(account.ok).toBe(true);
      // A third process holds the issue until both nodes are up, so that both schedules reach it together.
      await store.acquireJobLease(`digest:${weeklyIssue()}`, HOLDER, 600_000, new Date());
    });
  }, 120_000);

  afterAll(async () => {
    await cluster?.close();
    await smtp?.close();
  });

  it('serves a session made on one node from the other, and each node sees the other’s votes', async () => {
    const [a, b] = cluster.nodes;
    const visitor = new Visitor(overHttp, a.url);
    await visitor.page('/login');
    expect((await visitor.submit('/login', { username: 'ada', password: PASSWORD })).status).toBe(303);
    expect(await upvotes(b)).toBe(999);

    // Signed in on A, voting on A, read through B.
    await visitor.page(`/papers/${PAPER}`);
    expect((await visitor.submit(`/papers/${PAPER}/upvote`, {})).status).toBe(303);
    expect(await upvotes(b)).toBe(1000);

    // The session cookie A set works on B: B renders the signed-in page and takes B's form back.
    const onB = await visitor.page(`${b.url}/papers/${PAPER}`);
    expect(onB).toContain('action="/logout"');
    expect(onB).toContain('aria-pressed="true"');
    expect((await visitor.submit(`${b.url}/papers/${PAPER}/upvote`, {})).status).toBe(303);
    expect(await upvotes(a)).toBe(999);

    // Logged out through B, the session is gone on A too.
    await visitor.submit(`${b.url}/logout`, {});
    expect(await visitor.page(`/papers/${PAPER}`)).not.toContain('action="/logout"');
  });

  it('lets both schedules fire for the same issue and sends it to each subscriber once', async () => {
    const leftAlone = (): number[] =>
      cluster.nodes.map((node) =>
        logged(node, 'scheduled digest left to the process sending it', { kind: 'weekly' }),
      );
    await expect.poll(() => leftAlone().every((n) => n > 0), { timeout: 30_000 }).toBe(true);
    expect(smtp.received).toHaveLength(0);
    await cluster.store.releaseJobLease(`digest:${weeklyIssue()}`, HOLDER, false, new Date());

    await smtp.waitForCount(subscribers.length, 30_000);
    await settle();
    expect([...cluster.received().values()]).toEqual(subscribers.map(() => 1));
    expect(smtp.received).toHaveLength(subscribers.length);
    expect(await cluster.store.getJobLease(`digest:${weeklyIssue()}`)).toMatchObject({
      owner: null,
      finishedAt: expect.any(String),
    });

    // Both schedules went for the free issue; one node sent it all.
    const sent = cluster.nodes.map((node) => logged(node, 'digest run finished', { issue: weeklyIssue() }));
    expect(sent.toSorted()).toEqual([0, 1]);
  });
});

describe('the node sending an issue dies half-way', () => {
  let smtp: TestSmtpServer;
  let cluster: Cluster;
  const subscribers = readers('survivor', 12);

  beforeAll(async () => {
    smtp = await startSmtpServer();
    // 4 messages a second: the issue takes three seconds, plenty of time to kill its sender half-way.
    cluster = await startCluster(smtp, subscribers, 4);
  }, 120_000);

  afterAll(async () => {
    await cluster?.close();
    await smtp?.close();
  });

  it('is finished by the other node, still once per subscriber', async () => {
    await smtp.waitForCount(1, 30_000);
    // The lease names its holder `host:pid:nonce`.
    const holder = (await cluster.store.getJobLease(`digest:${weeklyIssue()}`))?.owner;
    const sending = cluster.nodes.find((node) => node.child.pid === Number(holder?.split(':')[1]));
    const survivor = cluster.nodes.find((node) => node !== sending);
    if (!sending || !survivor) throw new Error(`no node holds the lease: ${holder}`);

    await smtp.waitForCount(3, 30_000);
    expect(await killBetweenMessages(sending, cluster.store, smtp)).toEqual({
      code: null,
      signal: 'SIGKILL',
    });
    const afterKill = smtp.received.length;
    expect(afterKill).toBeLessThan(subscribers.length);

    await smtp.waitForCount(subscribers.length, 30_000);
    await settle();
    expect([...cluster.received().values()]).toEqual(subscribers.map(() => 1));
    expect(smtp.received).toHaveLength(subscribers.length);
    expect(await cluster.store.countMailDeliveries(weeklyDeliveries())).toMatchObject({
      sent: subscribers.length,
      pending: 0,
      sending: 0,
    });
    expect(await cluster.store.getJobLease(`digest:${weeklyIssue()}`)).toMatchObject({
      owner: null,
      finishedAt: expect.any(String),
    });
    expect(logged(survivor, 'digest run finished', { issue: weeklyIssue() })).toBe(1);
    expect(survivor.child.exitCode).toBeNull();
  }, 60_000);
});
