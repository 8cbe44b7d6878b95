/**
 * Every route of the app under hostile requests, over real HTTP (the app served by @hono/node-server on
 * 127.0.0.1, requests written with node:http so that paths and percent-encodings go out exactly as
 * written): GET pages with random query strings, POST forms with random fields (with a valid CSRF token,
 * so the handlers run), the JSON API with odd numbers, path traversal, megabyte inputs.
 *
 * Every answer must be an ordinary result or a 4xx with a message — never a 5xx, never slower than the
 * per-request timeout — and no payload may come back as live markup in HTML or XML.
 */
import { request as httpRequest, Agent, type IncomingHttpHeaders } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../src/community/accounts.js';
import { importFiles } from '../src/ingest/import.js';
import { hashToken } from '../src/web/session.js';
import {
  createHostileApp,
  type HostileApp,
  hostileString,
  ODD_NUMBERS,
  PATH_PAYLOADS,
  realPapers,
  reflectedPayload,
  XSS_PAYLOADS,
} from './support/hostile.js';
import { arxivApiReplay, startReplayServer, type ReplayServer } from './support/replay-server.js';
import { sharedPath } from './support/shared.js';
import { testPaper } from './support/temp-app.js';

/** Longer than any page takes on a loaded 2-core machine; a request still open then is a hang. */
const REQUEST_TIMEOUT_MS = 15_000;

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

let arxiv: ReplayServer;
let env: HostileApp;
let server: ServerType;
let port: number;
const agent = new Agent({ keepAlive: true, maxSockets: 4 });

/** One request exactly as written: the path is not normalised or re-encoded. */
function send(
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string | Buffer; chunked?: boolean } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined && !options.chunked) {
      headers['content-length'] = String(Buffer.byteLength(options.body));
    }
    const req = httpRequest(
      { host: '127.0.0.1', port, method, path, headers, agent, timeout: REQUEST_TIMEOUT_MS },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error(`no answer to ${method} ${path.slice(0, 200)} within ${REQUEST_TIMEOUT_MS} ms`)),
    );
    req.on('error', (err) =>
      reject(new Error(`${method} ${path.slice(0, 200)} failed: ${err.message}`, { cause: err })),
    );
    if (options.body !== undefined) req.end(options.body);
    else req.end();
  });
}

/** Percent-encodes every byte but the unreserved ones; lone surrogates become U+FFFD, as in any client. */
function encode(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Raw bits of query strings no encoder produces: invalid UTF-8, broken escapes, separators. */
const RAW_FRAGMENTS = [
  '%FF',
  '%',
  '%%',
  '%2',
  '%zz',
  '%C0%AF',
  '%ED%A0%80',
  '%00',
  '%0A',
  '+',
  '%2B',
  '&',
  '=',
  ';',
  '%E2%80%AE',
  '%EF%BF%BF',
];

/** A query-string value: encoded hostile text, sometimes with raw broken escapes around it. */
const rawValue: fc.Arbitrary<string> = fc
  .tuple(
    hostileString,
    fc.option(fc.constantFrom(...RAW_FRAGMENTS), { nil: '' }),
    fc.option(hostileString, { nil: '' }),
  )
  .map(([a, raw, b]) => encode(a) + raw + encode(b));

function queryString(names: readonly string[]): fc.Arbitrary<string> {
  const name = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...names, 'page', 'q') },
    { weight: 1, arbitrary: hostileString.map(encode) },
  );
  return fc
    .array(fc.tuple(name, rawValue), { maxLength: 6 })
    .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&'));
}

type Identity = 'anonymous' | 'user' | 'admin';

interface Session {
  cookie: string;
  csrf: string;
}

const sessions = new Map<Identity, Session>();
let paperIds: string[] = [];
let collectionId = 0;
let commentId = 0;

function csrfFrom(html: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error('no CSRF field on the page');
  return token;
}

function setCookies(reply: Reply): string {
  return (reply.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');
}

/** A signed-in session made the way /login makes them, and the CSRF token its pages carry. */
async function signedIn(username: string, isAdmin: boolean): Promise<Session> {
  const result = await createAccount(env.store, {
    username,
    email: `${username}@example.org`,
    password: 'correct horse battery staple',
    isAdmin,
  });
  if (!result.ok) throw new Error(result.message);
  const token = `${username}-session-token-0123456789abcdef`;
  const now = Date.now();
  await env.store.createSession({
    idHash: hashToken(token),
    userId: result.user.id,
    createdAt: new Date(now).toISOString(),
    expiresAt: new Date(now + 7 * 86_400_000).toISOString(),
  });
  const cookie = `pb_session=${token}`;
  const page = await send('GET', '/collections', { headers: { cookie } });
  expect(page.status).toBe(200);
  return { cookie, csrf: csrfFrom(page.body) };
}

beforeAll(async () => {
  // arXiv look-ups (/submit) go to recorded answers; an id nobody recorded gets arXiv's empty feed.
  const recorded = arxivApiReplay();
  const empty = readFileSync(
    sharedPath('fixtures', 'arxiv-api', 'id_0000.0000_s0_m100_8b51d9633a68.xml'),
    'utf8',
  );
  arxiv = await startReplayServer(async (req) => {
    const reply = await recorded(req);
    return reply.status === 404
      ? { status: 200, body: empty, headers: { 'content-type': 'application/atom+xml' } }
      : reply;
  });
  env = await createHostileApp({ ARXIV_API_URL: `${arxiv.url}/api/query` });
  const papers = [
    ...realPapers(150),
    testPaper('2501.00001', `Payload title ${XSS_PAYLOADS.join(' ')}`, '2026-03-02', {
      abstract: `Abstract with $x^2 < y$ & ${XSS_PAYLOADS.join(' ')} and \\(\\frac{a}{b}\\)`,
      authors: ['<script>pbxss(9)</script>', 'Ada "quoted" Lovelace'],
      categories: ['cs.LG', '<svg onload=pbxss(10)>'],
      comment: XSS_PAYLOADS[1] ?? null,
    }),
    testPaper('astro-ph/0601001', 'An old-style id', '2026-03-02'),
  ];
  await env.store.upsertPapers(papers);
  // Links come from imported files: a Hugging Face record whose links are script URLs and attribute breakouts.
  const hfFile = join(env.dir, 'hf.jsonl');
  writeFileSync(
    hfFile,
    JSON.stringify({
      paper: { id: '2501.00002', title: 'Links from an import', summary: 'See the code.', upvotes: 3 },
      publishedAt: '2026-03-02T08:00:00.000Z',
      githubRepo: 'javascript:pbxss(11)',
      projectPage: 'https://example.org/"><script>pbxss(12)</script>',
      submittedBy: {
        name: 'mallory',
        fullname: '<script>pbxss(14)</script>',
        avatarUrl: 'javascript:pbxss(15)',
      },
    }),
  );
  const imported = await importFiles(env.store, [hfFile]);
  expect(imported.inserted).toBe(1);
  paperIds = [...papers.map((p) => p.id), '2501.00002'];
  server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: env.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  port = (server.address() as AddressInfo).port;

  const login = await send('GET', '/login');
  sessions.set('anonymous', { cookie: setCookies(login), csrf: csrfFrom(login.body) });
  sessions.set('user', await signedIn('alice', false));
  sessions.set('admin', await signedIn('root', true));
  const alice = await env.store.findUser('alice');
  if (!alice) throw new Error('no alice');
  const collection = await env.store.createCollection({
    ownerId: alice.id,
    name: 'Mine',
    isPublic: true,
    now: new Date(),
  });
  collectionId = collection?.id ?? 0;
  const comment = await env.store.addComment({
    paperId: '2501.00001',
    userId: alice.id,
    parentId: null,
    body: `A comment with ${XSS_PAYLOADS.join(' ')} and [a link](javascript:pbxss(13))`,
    createdAt: new Date().toISOString(),
  });
  commentId = comment?.id ?? 0;
}, 120_000);

afterAll(async () => {
  agent.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await arxiv.close();
  await env.close();
});

/** Path parameters: real values, hostile ones, traversal, huge numbers. */
const idParam = fc.oneof(
  fc.constantFrom(...['2501.00001', 'astro-ph/0601001', '2501.00001v3', 'arXiv:2501.00001']),
  fc.nat().map((i) => paperIds[i % paperIds.length] ?? '2501.00001'),
  hostileString.map(encode),
  fc.constantFrom(...PATH_PAYLOADS.map(encode), ...PATH_PAYLOADS.filter((p) => /^[\x21-\x7e]+$/.test(p))),
);
const numberParam = fc.oneof(
  fc.constant(null).map(() => String(collectionId)),
  fc.constant(null).map(() => String(commentId)),
  fc.constantFrom('0', '1', '99999999999999999999999', '9007199254740993', '000001'),
);
const nameParam = fc.oneof(fc.constantFrom('alice', 'root', 'nobody'), hostileString.map(encode));

interface RouteTemplate {
  path: fc.Arbitrary<string>;
  params: readonly string[];
}

const route = (path: string | fc.Arbitrary<string>, params: readonly string[] = []): RouteTemplate => ({
  path: typeof path === 'string' ? fc.constant(path) : path,
  params,
});

const GET_ROUTES: RouteTemplate[] = [
  route('/', ['date', 'week', 'month', 'period', 'sort', 'page']),
  route('/search', ['q', 'category', 'from', 'to', 'code', 'sort', 'page']),
  route(idParam.map((id) => `/papers/${id}`)),
  route(idParam.map((id) => `/papers/${id}.bib`)),
  route(idParam.map((id) => `/papers/${id}.md`)),
  route('/trending', ['window', 'page']),
  route('/about/ranking'),
  route('/signup', ['next']),
  route('/login', ['next']),
  route('/collections'),
  route(numberParam.map((n) => `/collections/${n}`)),
  route(numberParam.map((n) => `/collections/${n}.bib`)),
  route(
    nameParam.map((n) => `/u/${n}`),
    ['page'],
  ),
  route('/submit'),
  route(numberParam.map((n) => `/comments/${n}/edit`)),
  route('/admin', ['page']),
  route('/subscribe', ['q', 'category']),
  route('/subscribe/confirm', ['token']),
  route('/preferences', ['token']),
  route('/unsubscribe', ['token']),
  route('/digest/preview', ['kind', 'q', 'category', 'token']),
  route('/digest/preview/message', ['kind', 'q', 'category', 'token']),
  route('/feeds'),
  route(
    fc.constantFrom('/feeds/daily.atom', '/feeds/trending.rss', '/feeds/search.atom', '/feeds/search.rss'),
    ['q', 'category'],
  ),
  route(hostileString.map((c) => `/feeds/category/${encode(c)}.atom`)),
  route('/api/daily_papers', ['p', 'limit', 'sort', 'date', 'week', 'month', 'submitter']),
  route('/api/papers/search', ['q', 'limit']),
  route(idParam.map((id) => `/api/papers/${id}`)),
  route('/api/openapi.json'),
  route(fc.constantFrom('/healthz', '/metrics', '/static/app.css', '/static/community/community.js')),
  route(hostileString.map((s) => `/${encode(s)}`)),
];

const POST_ROUTES: { path: fc.Arbitrary<string>; fields: readonly string[]; identities?: Identity[] }[] = [
  { path: idParam.map((id) => `/papers/${id}/upvote`), fields: ['next'] },
  { path: idParam.map((id) => `/papers/${id}/comments`), fields: ['body', 'parent'] },
  { path: numberParam.map((n) => `/comments/${n}/edit`), fields: ['body'] },
  { path: numberParam.map((n) => `/comments/${n}/delete`), fields: [] },
  { path: idParam.map((id) => `/papers/${id}/save`), fields: ['collection', 'name'] },
  { path: fc.constant('/submit'), fields: ['arxiv'] },
  { path: fc.constant('/signup'), fields: ['username', 'email', 'password', 'next'] },
  { path: fc.constant('/login'), fields: ['username', 'password', 'next'] },
  // Signing out the test's own sessions would leave the rest of the run anonymous.
  { path: fc.constant('/logout'), fields: [], identities: ['anonymous'] },
  { path: fc.constant('/collections'), fields: ['name', 'public'] },
  { path: numberParam.map((n) => `/collections/${n}`), fields: ['name', 'public'] },
  { path: numberParam.map((n) => `/collections/${n}/remove`), fields: ['paper'] },
  { path: numberParam.map((n) => `/collections/${n}/delete`), fields: [] },
  { path: idParam.map((id) => `/admin/papers/${id}/hide`), fields: ['reason', 'hidden', 'next'] },
  { path: numberParam.map((n) => `/admin/comments/${n}/hide`), fields: ['reason', 'hidden'] },
  { path: fc.constant('/admin/users/suspend'), fields: ['username', 'suspended', 'reason'] },
  { path: fc.constant('/subscribe'), fields: ['email', 'daily', 'weekly', 'categories', 'alerts'] },
  { path: fc.constant('/subscribe/confirm'), fields: ['token'] },
  { path: fc.constant('/preferences'), fields: ['token', 'daily', 'weekly', 'categories', 'alerts'] },
  { path: fc.constant('/preferences/link'), fields: ['email'] },
  { path: fc.constant('/unsubscribe'), fields: ['token', 'List-Unsubscribe'] },
];

const identity: fc.Arbitrary<Identity> = fc.constantFrom('anonymous', 'user', 'admin');

function isMarkup(reply: Reply): boolean {
  return /html|xml/.test(String(reply.headers['content-type'] ?? ''));
}

/** What every answer must be: no 5xx, no live payload, a message with every error. */
function expectOrdinary(reply: Reply, what: string): void {
  expect(reply.status, `${what} → ${reply.status}: ${reply.body.slice(0, 300)}`).toBeLessThan(500);
  if (isMarkup(reply)) expect(reflectedPayload(reply.body), what).toBeNull();
  // @hono/node-server refuses a request line it cannot make a URL of (a backslash in the path) with a bare
  // 400 before the app sees it.
  const refusedByAdapter =
    reply.status === 400 && reply.headers['content-type'] === undefined && what.includes('\\');
  if (reply.status >= 400 && !refusedByAdapter) {
    expect(reply.body.trim(), `${what}: an error needs a message`).not.toBe('');
    if (String(reply.headers['content-type']).includes('json')) {
      expect(JSON.parse(reply.body), what).toMatchObject({ error: expect.any(String) });
    }
  }
}

// First, before the random posts below hide papers or delete collections.
describe('stored payloads', () => {
  it('keeps stored payloads inert on every page that shows them', async () => {
    const cookie = sessions.get('user')?.cookie ?? '';
    const alice = await env.store.findUser('alice');
    const collection = await env.store.createCollection({
      ownerId: alice?.id ?? 0,
      name: '<script>pbxss(16)</script>',
      isPublic: true,
      now: new Date(),
    });
    for (const id of ['2501.00001', '2501.00002'])
      await env.store.addToCollection(collection?.id ?? 0, id, new Date());
    for (const target of [
      '/papers/2501.00001',
      '/papers/2501.00002',
      '/papers/2501.00002.md',
      '/search?q=payload+links',
      '/?date=2026-03-02',
      `/collections/${collection?.id}`,
      `/collections/${collection?.id}.bib`,
      '/u/alice',
      '/feeds/daily.atom',
      '/feeds/daily.rss',
      '/digest/preview/message?kind=alerts&q=links',
    ]) {
      const reply = await send('GET', target, { headers: { cookie } });
      expect(reply.status, target).toBe(200);
      if (isMarkup(reply)) expect(reflectedPayload(reply.body), target).toBeNull();
    }
    // The payloads are there, escaped: the page did show them.
    const page = await send('GET', '/papers/2501.00001');
    expect(page.body).toContain('&lt;script&gt;pbxss(1)&lt;/script&gt;');
    // A script URL from an import is no link anywhere, the API included.
    const api = await send('GET', '/api/papers/2501.00002');
    expect(api.status).toBe(200);
    expect(api.body).not.toMatch(/javascript:/);
  });
});

describe('hostile GET requests', () => {
  it('answers every page with an ordinary page or a 4xx message', async () => {
    const request = fc.constantFrom(...GET_ROUTES).chain((template) =>
      fc.record({
        path: template.path,
        query: queryString(template.params),
        who: identity,
        accept: fc.constantFrom('text/html', 'application/json', 'text/markdown', '*/*', '%FF'),
      }),
    );
    await fc.assert(
      fc.asyncProperty(request, async ({ path, query, who, accept }) => {
        const target = query ? `${path}?${query}` : path;
        const reply = await send('GET', target, {
          headers: { cookie: sessions.get(who)?.cookie ?? '', accept },
        });
        expectOrdinary(reply, `GET ${target} as ${who}`);
      }),
      { numRuns: 400 },
    );
  }, 120_000);

  it('answers the JSON API with JSON: a result or {"error"} for odd numbers and ids', async () => {
    const number = fc.oneof(fc.constantFrom(...ODD_NUMBERS.map(encode)), fc.integer().map(String), rawValue);
    const request = fc.oneof(
      fc
        .record({ p: number, limit: number })
        .map(({ p, limit }) => `/api/daily_papers?p=${p}&limit=${limit}`),
      fc
        .record({ q: rawValue, limit: number })
        .map(({ q, limit }) => `/api/papers/search?q=${q}&limit=${limit}`),
      fc
        .record({ key: fc.constantFrom('date', 'week', 'month'), value: rawValue })
        .map(({ key, value }) => `/api/daily_papers?${key}=${value}`),
      idParam.map((id) => `/api/papers/${id}`),
    );
    await fc.assert(
      fc.asyncProperty(request, async (target) => {
        const reply = await send('GET', target);
        expectOrdinary(reply, `GET ${target}`);
        // `%2e%2e/` is `../` to a URL parser: such a path may have left /api before any route saw it.
        if (!new URL(target, 'http://x').pathname.startsWith('/api/')) return;
        expect(reply.headers['content-type']).toMatch(/^application\/json/);
        const body = JSON.parse(reply.body) as unknown;
        if (reply.status === 200) expect(typeof body).toBe('object');
        else expect(reply.status).toBeGreaterThanOrEqual(400);
      }),
      { numRuns: 200 },
    );
  }, 60_000);

  it('answers huge page numbers with an empty page or a 400, not a slow scan', async () => {
    for (const target of [
      '/?page=100000',
      '/?page=999999999999',
      '/search?q=model&page=500',
      '/search?q=model&page=501',
      '/api/daily_papers?p=1000000&limit=100',
      '/api/daily_papers?p=-1',
      '/api/daily_papers?limit=0',
      '/api/papers/search?q=model&limit=-5',
      '/trending?page=100000',
      '/u/alice?page=99999',
      '/admin?page=NaN',
    ]) {
      const started = performance.now();
      const reply = await send('GET', target, { headers: { cookie: sessions.get('admin')?.cookie ?? '' } });
      expectOrdinary(reply, `GET ${target}`);
      expect(performance.now() - started, target).toBeLessThan(5000);
    }
  });
});

describe('hostile form posts', () => {
  it('answers every form, signed in or not, with a page, a redirect or a 4xx message', async () => {
    const request = fc.constantFrom(...POST_ROUTES).chain((template) =>
      fc.record({
        path: template.path,
        who: fc.constantFrom(...(template.identities ?? (['anonymous', 'user', 'admin'] as Identity[]))),
        fields: fc.array(
          fc.tuple(
            fc.oneof(
              { weight: 4, arbitrary: fc.constantFrom(...template.fields, 'next') },
              { weight: 1, arbitrary: hostileString },
            ),
            hostileString,
          ),
          { maxLength: 6 },
        ),
        csrf: fc.constantFrom('valid', 'valid', 'valid', 'missing', 'wrong'),
        multipart: fc.boolean(),
        accept: fc.constantFrom('text/html', 'application/json'),
      }),
    );
    await fc.assert(
      fc.asyncProperty(request, async ({ path, who, fields, csrf, multipart, accept }) => {
        const session = sessions.get(who);
        const all = [...fields];
        if (csrf === 'valid') all.push(['_csrf', session?.csrf ?? '']);
        if (csrf === 'wrong') all.push(['_csrf', 'forged']);
        let body: string | Buffer;
        let type: string;
        if (multipart) {
          const boundary = 'pbBoundary7MA4YWxkTrZu0gW';
          body = Buffer.concat([
            ...all.map(([k, v]) =>
              Buffer.from(
                `--${boundary}\r\nContent-Disposition: form-data; name="${encode(k)}"\r\n\r\n${v}\r\n`,
              ),
            ),
            Buffer.from(`--${boundary}--\r\n`),
          ]);
          type = `multipart/form-data; boundary=${boundary}`;
        } else {
          body = all.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&');
          type = 'application/x-www-form-urlencoded';
        }
        const reply = await send('POST', path, {
          headers: { cookie: session?.cookie ?? '', 'content-type': type, accept },
          body,
        });
        expectOrdinary(
          reply,
          `POST ${path} as ${who} (${csrf} token, ${multipart ? 'multipart' : 'urlencoded'})`,
        );
        if (csrf !== 'valid' && path !== '/unsubscribe' && !path.includes('\\'))
          expect(reply.status, `POST ${path} without a token`).toBe(403);
        if (reply.status >= 300 && reply.status < 400) {
          const location = String(reply.headers.location ?? '');
          // Redirects stay on this site: no open redirect through `next`.
          expect(location, `POST ${path} redirected to ${location}`).toMatch(/^\/(?![/\\])/);
        }
      }),
      { numRuns: 400 },
    );
  }, 120_000);

  it('refuses bodies that cannot be parsed or are too large with a 4xx and a message', async () => {
    const cookie = sessions.get('user')?.cookie ?? '';
    const cases: [
      string,
      { headers: Record<string, string>; body: string | Buffer; chunked?: boolean },
      number,
    ][] = [
      [
        '/login',
        { headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: '--x\r\ngarbage' },
        400,
      ],
      ['/login', { headers: { 'content-type': 'multipart/form-data' }, body: 'no boundary at all' }, 400],
      [
        '/unsubscribe',
        { headers: { 'content-type': 'multipart/form-data; boundary=zz' }, body: '--zz' },
        400,
      ],
      [
        '/papers/2501.00001/comments',
        {
          headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
          body: `body=${'a'.repeat(1 << 20)}`,
        },
        413,
      ],
      [
        '/papers/2501.00001/comments',
        {
          headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
          body: `body=${'a'.repeat(1 << 20)}`,
          chunked: true,
        },
        413,
      ],
      [
        '/api/papers/search',
        {
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: 'x'.repeat(1 << 20),
        },
        413,
      ],
    ];
    for (const [path, options, status] of cases) {
      const reply = await send('POST', path, options);
      expect(reply.status, `${path}: ${reply.body.slice(0, 200)}`).toBe(status);
      expect(reply.body).toMatch(status === 413 ? /too large: at most 256 KB/ : /could not be read/);
    }
  });
});

describe('path traversal and megabyte inputs', () => {
  it('serves nothing outside the static folders, whatever the encoding', async () => {
    const secrets = [/root:.*:0:0:/, /"name":\s*"paperboy"/, /"devDependencies"/, /import .* from '/];
    const paths = [
      '/static/../../../../etc/passwd',
      '/static/..%2f..%2f..%2f..%2fetc%2fpasswd',
      '/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
      '/static/%2e%2e%2f%2e%2e%2fpackage.json',
      '/static/..%5c..%5cpackage.json',
      '/static/....//....//package.json',
      '/static/%252e%252e/%252e%252e/package.json',
      '/static/app.css/../../../package.json',
      '/static/katex/0.19.1/../../../../package.json',
      '/static/katex/0.19.1/%2e%2e/%2e%2e/%2e%2e/package.json',
      '/static/community/..%2f..%2f..%2fpackage.json',
      '/static/community/%2e%2e%2fcommunity.js',
      '/static/%00../package.json',
      '/static/web/app.ts',
      '/static/../web/static.ts',
      '/papers/..%2f..%2fetc%2fpasswd',
      '/papers/../../etc/passwd.bib',
      '/api/papers/..%2F..%2Fetc%2Fpasswd',
      '/feeds/category/..%2f..%2fetc%2fpasswd.atom',
      '/u/..%2f..%2fetc%2fpasswd',
      '//etc/passwd',
      '/%2e%2e/%2e%2e/etc/passwd',
    ];
    for (const path of paths) {
      const reply = await send('GET', path);
      expectOrdinary(reply, `GET ${path}`);
      for (const secret of secrets) expect(reply.body, `GET ${path} leaked`).not.toMatch(secret);
    }
  });

  it('answers megabyte query strings and path segments with a 4xx or a page, in time', async () => {
    const megabyte = encode('diffusion '.repeat(100_000));
    for (const target of [
      `/search?q=${megabyte}`,
      `/api/papers/search?q=${megabyte}`,
      `/papers/${'9'.repeat(1 << 20)}`,
    ]) {
      const reply = await send('GET', target);
      // Node refuses headers over 16 KB (431) before the app sees them.
      expect(reply.status, target.slice(0, 40)).toBe(431);
    }
    // Behind a proxy with a bigger header limit the app itself must cope: ask it directly.
    for (const target of [
      `/search?q=${megabyte}`,
      `/api/papers/search?q=${megabyte}`,
      `/feeds/search.atom?q=${megabyte}`,
      `/?date=${megabyte}`,
      `/papers/${'9'.repeat(1 << 20)}`,
    ]) {
      const started = performance.now();
      const response = await env.app.request(target);
      const reply = {
        status: response.status,
        headers: Object.fromEntries(response.headers),
        body: await response.text(),
      };
      expectOrdinary(reply, `${target.slice(0, 40)}…`);
      expect(performance.now() - started).toBeLessThan(10_000);
    }
  }, 60_000);
});
