/**
 * The community over real HTTP: a Paperboy server on a fresh database (SQLite or PostgreSQL), arXiv
 * look-ups answered by the replay server from recorded responses. Security first: CSRF, other people's
 * comments, login limits, cookie flags, no plain passwords at rest.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, startServer, type RunningServer } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { trendingBreakdown } from '../src/rank/trending.js';
import { arxivApiReplay, startReplayServer, type ReplayServer } from './support/replay-server.js';
import { testPaper } from './support/temp-app.js';
import { createTestDatabase, type TestDatabase } from './support/test-store.js';

/** A cookie-keeping HTTP client that follows no redirects, so tests see every 303. */
class Client {
  readonly cookies = new Map<string, string>();
  constructor(readonly base: string) {}

  async request(pathname: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) {
      headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    }
    const response = await fetch(this.base + pathname, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      if (value === '' || /max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  get(pathname: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.request(pathname, { headers });
  }

  post(
    pathname: string,
    form: Record<string, string>,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    return this.request(pathname, {
      method: 'POST',
      body: new URLSearchParams(form),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    });
  }

  /** The CSRF token of the forms on a page. */
  async token(pathname: string): Promise<string> {
    const html = await (await this.get(pathname)).text();
    const match = /name="_csrf" value="([^"]+)"/.exec(html);
    if (!match?.[1]) throw new Error(`no CSRF field on ${pathname}`);
    return match[1];
  }

  async signup(username: string, password = 'correct horse battery staple'): Promise<Response> {
    const _csrf = await this.token('/signup');
    return this.post('/signup', { _csrf, username, email: `${username}@example.org`, password });
  }
}

let database: TestDatabase;
let server: RunningServer;
let arxiv: ReplayServer;
const TODAY = new Date().toISOString().slice(0, 10);
/** The day `n` days before today, so trending windows (which end at the newest day) include the papers. */
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  database = await createTestDatabase();
  arxiv = await startReplayServer(arxivApiReplay());
  const config = loadConfig({
    ...database.env,
    PAPERBOY_DEMO: '0',
    PORT: '0',
    ARXIV_API_URL: `${arxiv.url}/api/query`,
    ARXIV_REQUEST_DELAY_MS: '0',
  });
  server = await startServer(config, createLogger('silent'));
  await server.store.upsertPapers([
    testPaper('2503.00001', 'Masked diffusion for text', daysAgo(2), { upvotes: 3 }),
    testPaper('2503.00002', 'Equal votes, older day', daysAgo(3), { upvotes: 7 }),
    testPaper('2503.00003', 'Equal votes, newer day', daysAgo(1), { upvotes: 7 }),
    testPaper('2503.00004', 'A listing paper nobody submitted yet', '2026-01-05'),
  ]);
});

afterAll(async () => {
  await server.close();
  await arxiv.close();
  await database.close();
});

/** Whether the text is stored anywhere: in the SQLite files, or in any row of any PostgreSQL table. */
async function databaseHolds(text: string): Promise<boolean> {
  if (database.backend === 'sqlite') {
    const files = readdirSync(database.dir).filter((f) => f.startsWith('paperboy.db'));
    expect(files.length).toBeGreaterThan(0);
    return files.some((file) => readFileSync(path.join(database.dir, file)).includes(Buffer.from(text)));
  }
  const tables = await database.sql<{ name: string }>(
    "SELECT format('%I', tablename) AS name FROM pg_tables WHERE schemaname = current_schema()",
  );
  expect(tables.length).toBeGreaterThan(0);
  for (const { name } of tables) {
    const [found] = await database.sql<{ n: number }>(
      `SELECT count(*) AS n FROM ${name} AS r WHERE strpos(row_to_json(r)::text, ?) > 0`,
      [text],
    );
    if (found?.n !== 0) return true;
  }
  return false;
}

describe('accounts', () => {
  it('signs up with a session cookie that is HttpOnly, SameSite=Lax and not readable by scripts', async () => {
    const alice = new Client(server.url);
    const response = await alice.signup('alice');
    expect(response.status).toBe(303);
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('pb_session='));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Secure/i);
    const home = await (await alice.get('/trending')).text();
    expect(home).toContain('href="/u/alice"');
  });

  it('marks cookies Secure with the __Host- prefix behind HTTPS', async () => {
    const other = await createTestDatabase();
    const config = loadConfig({
      ...other.env,
      PAPERBOY_DEMO: '0',
      PAPERBOY_BASE_URL: 'https://papers.example.org',
    });
    const { store } = other;
    const app = createApp({ store, config, logger: createLogger('silent') });
    try {
      const form = await app.request('/signup');
      const csrfCookie = form.headers.getSetCookie()[0] ?? '';
      expect(csrfCookie).toMatch(/^__Host-pb_csrf=[^;]+;.*Secure/i);
      expect(csrfCookie).toMatch(/HttpOnly/i);
      const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
      const response = await app.request('/signup', {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          cookie: csrfCookie.split(';')[0] ?? '',
        },
        body: new URLSearchParams({
          _csrf: token,
          username: 'secure',
          email: 's@example.org',
          password: 'a long passphrase',
        }),
      });
      expect(response.status).toBe(303);
      const session = response.headers.getSetCookie().find((c) => c.startsWith('__Host-pb_session='));
      expect(session).toMatch(/; Secure/i);
      expect(session).toMatch(/HttpOnly/i);
      expect(session).toMatch(/SameSite=Lax/i);
    } finally {
      await other.close();
    }
  });

  it('keeps no plain password anywhere in the database', async () => {
    const password = 'plain text would be a disaster 42';
    expect((await new Client(server.url).signup('pwcheck', password)).status).toBe(303);
    expect(await databaseHolds('pwcheck')).toBe(true);
    expect(await databaseHolds(password)).toBe(false);
    const [stored] = await database.sql<{ hash: string }>(
      'SELECT password_hash AS hash FROM users WHERE username = ?',
      ['pwcheck'],
    );
    expect(stored?.hash).toMatch(/^scrypt\$15\$8\$1\$[A-Za-z0-9+/=]{20,}\$[A-Za-z0-9+/=]{40,}$/);
  });

  it('explains sign-up problems', async () => {
    const client = new Client(server.url);
    const _csrf = await client.token('/signup');
    const taken = await client.post('/signup', {
      _csrf,
      username: 'ALICE',
      email: 'x@example.org',
      password: 'long enough pw',
    });
    expect(taken.status).toBe(400);
    expect(await taken.text()).toContain('That username is taken');
    const short = await client.post('/signup', {
      _csrf,
      username: 'shorty',
      email: 'y@example.org',
      password: 'short',
    });
    expect(await short.text()).toContain('at least 8 characters');
  });

  it('logs in and out', async () => {
    const client = new Client(server.url);
    const _csrf = await client.token('/login');
    const login = await client.post('/login', {
      _csrf,
      username: 'alice@example.org',
      password: 'correct horse battery staple',
      next: '/collections',
    });
    expect(login.status).toBe(303);
    expect(login.headers.get('location')).toBe('/collections');
    expect((await client.get('/collections')).status).toBe(200);
    const logout = await client.post('/logout', { _csrf: await client.token('/collections') });
    expect(logout.status).toBe(303);
    expect((await client.get('/collections')).status).toBe(303);
  });

  it('refuses an off-site next address (no open redirect)', async () => {
    const client = new Client(server.url);
    const _csrf = await client.token('/login');
    const login = await client.post('/login', {
      _csrf,
      username: 'alice',
      password: 'correct horse battery staple',
      next: '//evil.example/x',
    });
    expect(login.headers.get('location')).toBe('/');
  });
});

describe('CSRF', () => {
  it('rejects state-changing POSTs without a valid token with 403', async () => {
    const bob = new Client(server.url);
    await bob.signup('bob');
    const noToken = await bob.post('/papers/2503.00001/upvote', {});
    expect(noToken.status).toBe(403);
    const wrong = await bob.post('/papers/2503.00001/upvote', { _csrf: 'x'.repeat(43) });
    expect(wrong.status).toBe(403);
    // A token from someone else's session is no good either.
    const carol = new Client(server.url);
    await carol.signup('carol');
    const stolen = await carol.token('/submit');
    expect((await bob.post('/papers/2503.00001/upvote', { _csrf: stolen })).status).toBe(403);
    expect((await server.store.getPaper('2503.00001'))?.upvotes).toBe(3);
    // Anonymous forms too: a log-in without the token.
    expect((await new Client(server.url).post('/login', { username: 'bob', password: 'x' })).status).toBe(
      403,
    );
    expect((await bob.post('/logout', {})).status).toBe(403);
    expect((await bob.post('/collections', { name: 'x' })).status).toBe(403);
  });
});

describe('login rate limit', () => {
  it('answers the 20th wrong password in a minute with 429 and Retry-After', async () => {
    await new Client(server.url).signup('target');
    const attacker = new Client(server.url);
    const _csrf = await attacker.token('/login');
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 1; i <= 20; i++) {
      last = await attacker.post('/login', { _csrf, username: 'target', password: `guess number ${i}` });
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 19)).toEqual(Array(19).fill(401));
    expect(statuses[19]).toBe(429);
    const retryAfter = Number(last?.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Even the right password waits out the minute now (by email too: one budget per account).
    const right = await attacker.post('/login', {
      _csrf,
      username: 'target@example.org',
      password: 'correct horse battery staple',
    });
    expect(right.status).toBe(429);
  });
});

describe('votes', () => {
  it('toggles with a plain form and with fetch-style JSON', async () => {
    const dave = new Client(server.url);
    await dave.signup('dave');
    const _csrf = await dave.token('/submit');
    const first = await dave.post('/papers/2503.00001/upvote', { _csrf, next: '/trending?window=month' });
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/trending?window=month');
    expect((await server.store.getPaper('2503.00001'))?.upvotes).toBe(4);
    const second = await dave.post('/papers/2503.00001/upvote', { _csrf }, { accept: 'application/json' });
    expect(await second.json()).toEqual({ voted: false, upvotes: 3 });
    const third = await dave.post('/papers/2503.00001/upvote', { _csrf }, { accept: 'application/json' });
    expect(await third.json()).toEqual({ voted: true, upvotes: 4 });
    const missing = await dave.post('/papers/2599.99999/upvote', { _csrf }, { accept: 'application/json' });
    expect(missing.status).toBe(404);
  });

  it('sends visitors to log in', async () => {
    const visitor = new Client(server.url);
    const _csrf = await visitor.token('/login');
    const response = await visitor.post('/papers/2503.00001/upvote', { _csrf, next: '/papers/2503.00001' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/login?next=%2Fpapers%2F2503.00001');
  });
});

describe('comments', () => {
  it('lets only the author edit or delete a comment (403 for anyone else)', async () => {
    const erin = new Client(server.url);
    await erin.signup('erin');
    const frank = new Client(server.url);
    await frank.signup('frank');
    const posted = await erin.post('/papers/2503.00001/comments', {
      _csrf: await erin.token('/submit'),
      body: 'Nice *paper*, $x^2$.',
    });
    expect(posted.status).toBe(303);
    const id = Number(/#comment-(\d+)$/.exec(posted.headers.get('location') ?? '')?.[1]);
    expect(id).toBeGreaterThan(0);

    const _csrf = await frank.token('/submit');
    expect((await frank.get(`/comments/${id}/edit`)).status).toBe(403);
    expect((await frank.post(`/comments/${id}/edit`, { _csrf, body: 'defaced' })).status).toBe(403);
    expect((await frank.post(`/comments/${id}/delete`, { _csrf })).status).toBe(403);
    expect((await server.store.getComment(id))?.body).toBe('Nice *paper*, $x^2$.');

    const erinToken = await erin.token('/submit');
    expect((await erin.post(`/comments/${id}/edit`, { _csrf: erinToken, body: 'Edited.' })).status).toBe(303);
    expect((await server.store.getComment(id))?.body).toBe('Edited.');
    expect((await server.store.getPaper('2503.00001'))?.numComments).toBe(1);
    expect((await erin.post(`/comments/${id}/delete`, { _csrf: erinToken })).status).toBe(303);
    expect((await server.store.getComment(id))?.deleted).toBe(true);
    expect((await server.store.getPaper('2503.00001'))?.numComments).toBe(0);
  });

  it('refuses empty comments and keeps replies one level deep', async () => {
    const gina = new Client(server.url);
    await gina.signup('gina');
    const _csrf = await gina.token('/submit');
    const empty = await gina.post('/papers/2503.00002/comments', { _csrf, body: '   ' });
    expect(empty.status).toBe(400);
    const top = await gina.post('/papers/2503.00002/comments', { _csrf, body: 'Top' });
    const topId = /#comment-(\d+)$/.exec(top.headers.get('location') ?? '')?.[1] ?? '';
    const reply = await gina.post('/papers/2503.00002/comments', { _csrf, body: 'Reply', parent: topId });
    const replyId = /#comment-(\d+)$/.exec(reply.headers.get('location') ?? '')?.[1] ?? '';
    const deeper = await gina.post('/papers/2503.00002/comments', { _csrf, body: 'Deeper', parent: replyId });
    const deeperId = Number(/#comment-(\d+)$/.exec(deeper.headers.get('location') ?? '')?.[1]);
    expect((await server.store.getComment(deeperId))?.parentId).toBe(Number(topId));
    const elsewhere = await gina.post('/papers/2503.00001/comments', { _csrf, body: 'x', parent: topId });
    expect(elsewhere.status).toBe(400);
  });
});

describe('submissions', () => {
  it('fetches an unknown paper from arXiv and puts it on today’s feed with its submitter', async () => {
    const hank = new Client(server.url);
    await hank.signup('hank');
    const response = await hank.post('/submit', {
      _csrf: await hank.token('/submit'),
      arxiv: 'https://arxiv.org/abs/1605.08386',
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/papers/1605.08386');
    const paper = await server.store.getPaper('1605.08386');
    expect(paper?.title).toBe('Heat-bath random walks with Markov bases');
    expect(paper?.feedDate).toBe(TODAY);
    expect(paper?.submittedBy?.user).toBe('hank');
    const profile = await (await hank.get('/u/hank')).text();
    expect(profile).toContain('Heat-bath random walks with Markov bases');
  });

  it('puts a paper already present on today’s feed instead of duplicating it', async () => {
    const ivy = new Client(server.url);
    await ivy.signup('ivy');
    const before = await server.store.countPapers();
    const requests = arxiv.log.length;
    const response = await ivy.post('/submit', { _csrf: await ivy.token('/submit'), arxiv: '2503.00004v3' });
    expect(response.status).toBe(303);
    expect(await server.store.countPapers()).toBe(before);
    expect(arxiv.log.length).toBe(requests);
    const paper = await server.store.getPaper('2503.00004');
    expect(paper?.feedDate).toBe(TODAY);
    expect(paper?.submittedBy?.user).toBe('ivy');
    const again = await ivy.post('/submit', { _csrf: await ivy.token('/submit'), arxiv: '2503.00004' });
    expect(await again.text()).toContain('submitted by ivy');
  });

  it('says clearly when arXiv has no such paper or the id is malformed', async () => {
    const jack = new Client(server.url);
    await jack.signup('jack');
    const _csrf = await jack.token('/submit');
    const unknown = await jack.post('/submit', { _csrf, arxiv: '0000.0000' });
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('arXiv has no paper 0000.0000');
    const requests = arxiv.log.length;
    const malformed = await jack.post('/submit', { _csrf, arxiv: 'abc' });
    expect(malformed.status).toBe(400);
    expect(await malformed.text()).toContain('is not an arXiv id');
    expect(arxiv.log.length).toBe(requests);
  });
});

describe('collections', () => {
  it('saves papers, keeps private collections private and exports BibTeX', async () => {
    const kim = new Client(server.url);
    await kim.signup('kim');
    const _csrf = await kim.token('/submit');
    const saved = await kim.post('/papers/2503.00001/save', {
      _csrf,
      collection: 'new',
      name: 'Diffusion & friends',
    });
    expect(saved.status).toBe(303);
    const where = saved.headers.get('location') ?? '';
    expect(where).toMatch(/^\/collections\/\d+$/);
    await kim.post('/papers/1605.08386/save', { _csrf, collection: where.split('/').pop() ?? '' });
    const bib = await kim.get(`${where}.bib`);
    expect(bib.headers.get('content-type')).toContain('application/x-bibtex');
    expect(bib.headers.get('content-disposition')).toContain('Diffusion-friends.bib');
    const text = await bib.text();
    expect(text).toContain('@misc{stanley2016heat,');
    expect(text).toContain('eprint = {1605.08386}');
    expect(text).toContain('title = {Masked diffusion for text}');

    const stranger = new Client(server.url);
    expect((await stranger.get(where)).status).toBe(404);
    expect((await stranger.get(`${where}.bib`)).status).toBe(404);
    await kim.post(where, { _csrf, name: 'Diffusion & friends', public: '1' });
    expect((await stranger.get(where)).status).toBe(200);
    expect(await (await stranger.get('/u/kim')).text()).toContain('Diffusion &amp; friends');
    const lee = new Client(server.url);
    await lee.signup('lee');
    expect((await lee.post(`${where}/delete`, { _csrf: await lee.token('/submit') })).status).toBe(403);
  });
});

describe('trending', () => {
  it('ranks the newer of two papers with equal votes higher and shows the arithmetic', async () => {
    const html = await (await new Client(server.url).get('/trending?window=month')).text();
    const newer = html.indexOf('Equal votes, newer day');
    const older = html.indexOf('Equal votes, older day');
    expect(newer).toBeGreaterThan(0);
    expect(newer).toBeLessThan(older);
    const b = trendingBreakdown({ upvotes: 7, commenters: 0, feedDate: daysAgo(1) });
    expect(html).toContain(
      `log10(7) + ${b.days} / 7 = ${b.votesTerm.toFixed(3)} + ${b.timeTerm.toFixed(3)} = ${b.score.toFixed(3)}`,
    );
    expect((await new Client(server.url).get('/trending?window=year')).status).toBe(400);
  });

  it('explains the formula with a worked example from the same code', async () => {
    const html = await (await new Client(server.url).get('/about/ranking')).text();
    const a = trendingBreakdown({ upvotes: 40, commenters: 3, feedDate: '2025-03-12' });
    expect(html).toContain(
      `log10(41.5) + 1897 / 7 = ${a.votesTerm.toFixed(3)} + 271.000 = ${a.score.toFixed(3)}`,
    );
    expect(html).toContain('Ranked: B, then A, then C');
  });
});

describe('moderation', () => {
  it('lets admins hide papers and suspend users, and logs every action', async () => {
    const admin = new Client(server.url);
    await admin.signup('modadmin');
    const adminUser = await server.store.findUser('modadmin');
    await server.store.setAdmin(adminUser!.id, true);
    const mallory = new Client(server.url);
    await mallory.signup('mallory');
    expect((await mallory.get('/admin')).status).toBe(403);
    const malloryToken = await mallory.token('/submit');
    expect(
      (await mallory.post('/admin/papers/2503.00003/hide', { _csrf: malloryToken, reason: 'x' })).status,
    ).toBe(403);

    const _csrf = await admin.token('/admin');
    expect(
      (await admin.post('/admin/papers/2503.00003/hide', { _csrf, hidden: '1', reason: 'spam' })).status,
    ).toBe(303);
    expect((await admin.get('/papers/2503.00003')).status).toBe(404);
    expect(await (await admin.get('/trending?window=month')).text()).not.toContain('Equal votes, newer day');
    expect(
      (
        await admin.post('/admin/users/suspend', {
          _csrf,
          username: 'mallory',
          suspended: '1',
          reason: 'abuse',
        })
      ).status,
    ).toBe(303);
    // Suspension ends the session at once.
    expect((await mallory.get('/collections')).status).toBe(303);
    const log = await (await admin.get('/admin')).text();
    expect(log).toContain('suspended');
    expect(log).toContain('abuse');
    expect(log).toContain('hid paper');
    expect((await server.store.auditLog(0, 10)).map((e) => [e.actor, e.action, e.target])).toEqual([
      ['modadmin', 'suspend-user', 'mallory'],
      ['modadmin', 'hide-paper', '2503.00003'],
    ]);
  });
});
