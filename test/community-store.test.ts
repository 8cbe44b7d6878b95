import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { User } from '../src/community/model.js';
import { emptyPaper, type PaperInput } from '../src/model/paper.js';
import { trendingScore } from '../src/rank/trending.js';
import { parseQuery } from '../src/search/query.js';
import type { Store } from '../src/store/store.js';
import { createTestDatabase, type TestDatabase } from './support/test-store.js';

const NOW = new Date('2026-03-12T10:00:00Z');
let database: TestDatabase;
let store: Store;

function paper(id: string, feedDate: string, extra: Partial<PaperInput> = {}): PaperInput {
  return { ...emptyPaper(id, `Paper ${id} about masked diffusion`, feedDate), version: 1, ...extra };
}

async function user(username: string): Promise<User> {
  const result = await store.createUser({
    username,
    email: `${username}@example.org`,
    passwordHash: 'scrypt$15$8$1$c2FsdA==$aGFzaA==',
    createdAt: NOW.toISOString(),
  });
  if (!result.ok) throw new Error('user exists');
  return result.user;
}

beforeEach(async () => {
  database = await createTestDatabase();
  store = database.store;
});
afterEach(async () => {
  await database.close();
});

describe('accounts', () => {
  it('keeps usernames and emails unique regardless of case', async () => {
    await user('alice');
    const dupName = await store.createUser({
      username: 'ALICE',
      email: 'other@example.org',
      passwordHash: 'x',
      createdAt: NOW.toISOString(),
    });
    expect(dupName).toEqual({ ok: false, conflict: 'username' });
    const dupEmail = await store.createUser({
      username: 'bob',
      email: 'Alice@Example.org',
      passwordHash: 'x',
      createdAt: NOW.toISOString(),
    });
    expect(dupEmail).toEqual({ ok: false, conflict: 'email' });
    expect((await store.findUserForLogin('alice@EXAMPLE.org'))?.user.username).toBe('alice');
    expect((await store.findUser('Alice'))?.username).toBe('alice');
  });

  it('ends sessions that expired, belong to suspended users or outlived a password change', async () => {
    const alice = await user('alice');
    await store.createSession({
      idHash: 'a',
      userId: alice.id,
      createdAt: NOW.toISOString(),
      expiresAt: '2026-03-13T00:00:00Z',
    });
    expect((await store.getSession('a', NOW))?.user.username).toBe('alice');
    expect(await store.getSession('a', new Date('2026-03-13T00:00:01Z'))).toBeNull();

    await store.moderate({
      action: 'suspend-user',
      target: 'alice',
      actorId: null,
      actor: 'cli',
      reason: 'spam',
      at: NOW.toISOString(),
    });
    expect(await store.getSession('a', NOW)).toBeNull();
    await store.moderate({
      action: 'unsuspend-user',
      target: 'alice',
      actorId: null,
      actor: 'cli',
      reason: 'appeal',
      at: NOW.toISOString(),
    });

    await store.createSession({
      idHash: 'b',
      userId: alice.id,
      createdAt: NOW.toISOString(),
      expiresAt: '2026-04-01T00:00:00Z',
    });
    await store.setPasswordHash(alice.id, 'new');
    expect(await store.getSession('b', NOW)).toBeNull();
  });
});

describe('rate limits', () => {
  it('counts hits in a window that starts at the first hit', async () => {
    const t0 = NOW.getTime();
    expect(await store.hitRateLimit('k', 60_000, new Date(t0))).toEqual({ count: 1, resetAt: t0 + 60_000 });
    expect((await store.hitRateLimit('k', 60_000, new Date(t0 + 59_000))).count).toBe(2);
    // The window ended: a new one starts with this hit.
    expect(await store.hitRateLimit('k', 60_000, new Date(t0 + 60_000))).toEqual({
      count: 1,
      resetAt: t0 + 120_000,
    });
    expect((await store.hitRateLimit('other', 60_000, new Date(t0))).count).toBe(1);
    await store.pruneExpired(new Date(t0 + 200_000));
    expect((await store.hitRateLimit('k', 60_000, new Date(t0 + 200_000))).count).toBe(1);
  });
});

describe('votes', () => {
  it('toggles one vote per user and keeps upvotes and the trending score in step', async () => {
    await store.upsertPapers([paper('2503.00001', '2026-03-10', { upvotes: 5 })]);
    const [alice, bob] = [await user('alice'), await user('bob')];
    expect(await store.toggleVote(alice.id, '2503.00001', NOW)).toEqual({ voted: true, upvotes: 6 });
    expect(await store.toggleVote(bob.id, '2503.00001', NOW)).toEqual({ voted: true, upvotes: 7 });
    expect(await store.toggleVote(alice.id, '2503.00001', NOW)).toEqual({ voted: false, upvotes: 6 });
    expect((await store.getPaper('2503.00001'))?.upvotes).toBe(6);
    expect(await store.votedPaperIds(bob.id, ['2503.00001', '2503.99999'])).toEqual(new Set(['2503.00001']));
    expect(await store.votedPaperIds(alice.id, ['2503.00001'])).toEqual(new Set());
    const stored = (await store.trendingInputs(['2503.00001'])).get('2503.00001');
    expect(stored?.score).toBeCloseTo(
      trendingScore({ upvotes: 6, commenters: 0, feedDate: '2026-03-10' }),
      9,
    );
    expect(await store.toggleVote(alice.id, 'missing', NOW)).toBeNull();
  });
});

describe('trending order', () => {
  it('stores the same score as rank/trending.ts for every paper', async () => {
    const inputs = [
      paper('2501.00001', '2020-01-01', { upvotes: 0 }),
      paper('2501.00002', '2024-02-29', { upvotes: 1 }),
      paper('2501.00003', '2025-03-12', { upvotes: 40 }),
      paper('2501.00004', '2026-11-26', { upvotes: 250 }),
      paper('2501.00005', '2019-06-30', { upvotes: 3 }),
    ];
    await store.upsertPapers(inputs);
    const stored = await store.trendingInputs(inputs.map((p) => p.id));
    for (const p of inputs) {
      expect(stored.get(p.id)?.score).toBeCloseTo(
        trendingScore({ upvotes: p.upvotes, commenters: 0, feedDate: p.feedDate }),
        9,
      );
    }
  });

  it('ranks by score, and the newer paper first when votes are equal', async () => {
    await store.upsertPapers([
      paper('2503.00001', '2026-03-10', { upvotes: 10 }),
      paper('2503.00002', '2026-03-11', { upvotes: 10 }),
      paper('2503.00003', '2026-03-05', { upvotes: 100 }),
      paper('2503.00004', '2026-03-12', { upvotes: 1 }),
    ]);
    const page = await store.listFeed({
      from: '2026-03-01',
      to: '2026-03-12',
      sort: 'trending',
      offset: 0,
      limit: 10,
    });
    // 100 votes 7 days earlier ≈ 10 votes now: 03-05 with 100 (log 2 + 6 days) beats 03-11 with 10 (log 1 + 7 days).
    expect(page.items.map((p) => p.id)).toEqual(['2503.00003', '2503.00002', '2503.00001', '2503.00004']);
  });
});

describe('comments', () => {
  it('keeps comment and commenter counts in step, one reply level', async () => {
    await store.upsertPapers([paper('2503.00001', '2026-03-10')]);
    const [alice, bob] = [await user('alice'), await user('bob')];
    const top = await store.addComment({
      paperId: '2503.00001',
      userId: alice.id,
      parentId: null,
      body: 'First',
      createdAt: NOW.toISOString(),
    });
    const reply = await store.addComment({
      paperId: '2503.00001',
      userId: bob.id,
      parentId: top!.id,
      body: 'Reply',
      createdAt: NOW.toISOString(),
    });
    const nested = await store.addComment({
      paperId: '2503.00001',
      userId: alice.id,
      parentId: reply!.id,
      body: 'Nested',
      createdAt: NOW.toISOString(),
    });
    expect(reply?.parentId).toBe(top?.id);
    expect(nested?.parentId).toBe(top?.id);
    expect((await store.getPaper('2503.00001'))?.numComments).toBe(3);
    expect((await store.trendingInputs(['2503.00001'])).get('2503.00001')?.commenters).toBe(2);

    await store.deleteComment(reply!.id, NOW);
    expect((await store.getComment(reply!.id))?.body).toBe('');
    expect((await store.getPaper('2503.00001'))?.numComments).toBe(2);
    expect((await store.trendingInputs(['2503.00001'])).get('2503.00001')?.commenters).toBe(1);

    await store.moderate({
      action: 'hide-comment',
      target: String(top!.id),
      actorId: null,
      actor: 'cli',
      reason: 'off-topic',
      at: NOW.toISOString(),
    });
    expect((await store.getPaper('2503.00001'))?.numComments).toBe(1);
    expect((await store.listComments('2503.00001')).map((c) => [c.body, c.deleted, c.hidden])).toEqual([
      ['First', false, true],
      ['', true, false],
      ['Nested', false, false],
    ]);
  });
});

describe('submissions', () => {
  it('puts an existing paper on the feed once, with its submitter', async () => {
    await store.upsertPapers([paper('2503.00001', '2026-01-02')]);
    const alice = await user('alice');
    const bob = await user('bob');
    expect(await store.submitPaper('2503.00001', alice, '2026-03-12')).toEqual({
      status: 'submitted',
      feedDate: '2026-03-12',
    });
    const p = await store.getPaper('2503.00001');
    expect(p?.feedDate).toBe('2026-03-12');
    expect(p?.submittedBy).toEqual({ user: 'alice', fullname: 'alice', avatarUrl: null });
    expect(await store.submitPaper('2503.00001', bob, '2026-03-13')).toEqual({
      status: 'already-submitted',
      feedDate: '2026-03-12',
      submitter: 'alice',
    });
    expect(await store.countPapers()).toBe(1);
    const mine = await store.listFeed({
      from: '0000-01-01',
      to: '9999-12-31',
      sort: 'newest',
      offset: 0,
      limit: 5,
      submitter: 'alice',
    });
    expect(mine.items.map((x) => x.id)).toEqual(['2503.00001']);
  });
});

describe('collections', () => {
  it('holds papers once, keeps names unique per owner and hides private ones from others', async () => {
    await store.upsertPapers([paper('2503.00001', '2026-03-10'), paper('2503.00002', '2026-03-11')]);
    const alice = await user('alice');
    const reading = await store.createCollection({
      ownerId: alice.id,
      name: 'Reading',
      isPublic: false,
      now: NOW,
    });
    expect(
      await store.createCollection({ ownerId: alice.id, name: 'reading', isPublic: true, now: NOW }),
    ).toBeNull();
    const pub = await store.createCollection({
      ownerId: alice.id,
      name: 'Diffusion',
      isPublic: true,
      now: NOW,
    });
    expect(await store.addToCollection(reading!.id, '2503.00001', NOW)).toBe(true);
    expect(await store.addToCollection(reading!.id, '2503.00001', NOW)).toBe(true);
    expect(await store.addToCollection(reading!.id, '2503.00002', new Date(NOW.getTime() + 1000))).toBe(true);
    expect(await store.addToCollection(reading!.id, 'nope', NOW)).toBe(false);
    expect((await store.getCollection(reading!.id))?.paperCount).toBe(2);
    expect((await store.collectionPapers(reading!.id)).map((p) => p.id)).toEqual([
      '2503.00002',
      '2503.00001',
    ]);
    expect((await store.listCollections(alice.id, false)).map((c) => c.name)).toEqual(['Diffusion']);
    expect((await store.listCollections(alice.id, true)).map((c) => c.name)).toEqual([
      'Diffusion',
      'Reading',
    ]);
    expect(await store.collectionsWithPaper(alice.id, '2503.00001')).toEqual([reading!.id]);
    expect(await store.updateCollection(pub!.id, { name: 'READING' })).toBe(false);
    await store.removeFromCollection(reading!.id, '2503.00001');
    expect((await store.collectionPapers(reading!.id)).map((p) => p.id)).toEqual(['2503.00002']);
    await store.deleteCollection(reading!.id);
    expect(await store.getCollection(reading!.id)).toBeNull();
  });
});

describe('moderation', () => {
  it('hides a paper from every reader and logs each action', async () => {
    await store.upsertPapers([paper('2503.00001', '2026-03-10'), paper('2503.00002', '2026-03-10')]);
    const admin = await user('admin');
    const hide = {
      action: 'hide-paper',
      target: '2503.00001',
      actorId: admin.id,
      actor: 'admin',
      reason: 'spam',
      at: NOW.toISOString(),
    } as const;
    expect(await store.moderate(hide)).toBe(true);
    expect(await store.getPaper('2503.00001')).toBeNull();
    const feed = await store.listFeed({
      from: '2026-03-10',
      to: '2026-03-10',
      sort: 'upvotes',
      offset: 0,
      limit: 10,
    });
    expect(feed.items.map((p) => p.id)).toEqual(['2503.00002']);
    expect(feed.total).toBe(1);
    const hits = await store.search({
      query: parseQuery('masked diffusion'),
      filters: {},
      sort: 'relevance',
      offset: 0,
      limit: 10,
    });
    expect(hits.items.map((h) => h.paper.id)).toEqual(['2503.00002']);
    expect((await store.hiddenPapers()).map((p) => p.id)).toEqual(['2503.00001']);
    expect(await store.toggleVote(admin.id, '2503.00001', NOW)).toBeNull();
    expect(await store.moderate({ ...hide, target: 'missing' })).toBe(false);
    await store.moderate({ ...hide, action: 'unhide-paper', reason: 'mistake' });
    expect(await store.getPaper('2503.00001')).not.toBeNull();
    expect((await store.auditLog(0, 10)).map((e) => [e.action, e.target, e.actor, e.reason])).toEqual([
      ['unhide-paper', '2503.00001', 'admin', 'mistake'],
      ['hide-paper', '2503.00001', 'admin', 'spam'],
    ]);
  });
});
