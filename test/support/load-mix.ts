/**
 * A realistic request mix for load runs against a real `paperboy serve`: feed pages, paper pages, searches
 * (common words, phrases, filters), API calls, and — from signed-in readers with their CSRF tokens — upvotes
 * and comments. Shared by test/load.test.ts (CI scale) and the scale benchmark (200 clients, 60 s).
 */
import autocannon from 'autocannon';
import { createAccount } from '../../src/community/accounts.js';
import type { PaperInput } from '../../src/model/paper.js';
import { percentile } from '../../src/search/metrics.js';
import type { Store } from '../../src/store/store.js';
import { hashToken } from '../../src/web/session.js';
import { seeded } from './random.js';

export interface Reader {
  cookie: string;
  csrf: string;
}

/**
 * Signed-in readers: accounts and sessions made through the store, as /signup and /login make them. Readers
 * an earlier run left in the database are reused with their sessions.
 */
export async function createReaders(store: Store, count: number): Promise<Reader[]> {
  const readers: Reader[] = [];
  const now = new Date();
  for (let i = 0; i < count; i++) {
    const username = `reader${i}`;
    let user = await store.findUser(username);
    if (!user) {
      const result = await createAccount(store, {
        username,
        email: `${username}@example.org`,
        password: 'correct horse battery staple',
      });
      if (!result.ok) throw new Error(result.message);
      user = result.user;
    }
    const token = `load-reader-${i}-0123456789abcdef0123456789abcdef`;
    if (!(await store.getSession(hashToken(token), now))) {
      await store.createSession({
        idHash: hashToken(token),
        userId: user.id,
        createdAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + 7 * 86_400_000).toISOString(),
      });
    }
    readers.push({ cookie: `pb_session=${token}`, csrf: '' });
  }
  return readers;
}

/** Reads each reader's CSRF token from a page of the running server. */
export async function fetchCsrfTokens(url: string, readers: Reader[]): Promise<void> {
  for (const reader of readers) {
    const page = await fetch(`${url}/collections`, { headers: { cookie: reader.cookie } });
    const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1];
    if (!token) throw new Error(`no CSRF token for ${reader.cookie}`);
    reader.csrf = token;
  }
}

export type RequestKind = 'feed' | 'paper' | 'search' | 'api' | 'upvote' | 'comment';

/** Statuses each kind of request may answer with; anything else is a failure of the run. */
const EXPECTED: Record<RequestKind, number[]> = {
  feed: [200],
  paper: [200],
  search: [200],
  api: [200],
  upvote: [200],
  // Comments are limited to 10 a minute per reader: 429 is the limit working.
  comment: [303, 429],
};

export interface MixOptions {
  url: string;
  connections: number;
  seconds: number;
  papers: Pick<PaperInput, 'id' | 'feedDate'>[];
  /** Search queries: words, phrases, pasted text. */
  queries: string[];
  categories: string[];
  readers: Reader[];
  /** Share of requests that write (votes and, a tenth of those, comments); 0 for reads only. */
  writeShare: number;
}

export interface MixResult {
  connections: number;
  seconds: number;
  requests: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  byKind: Record<RequestKind, number>;
  /** Latency per kind of request, measured from when autocannon set the request up. */
  latencyByKindMs: Record<RequestKind, { p50: number; p99: number }>;
  statusCodes: Record<string, number>;
  errors: number;
  timeouts: number;
  /** `kind status` of answers no request of that kind should get, with a count. */
  unexpected: Record<string, number>;
}

interface Context {
  reader?: Reader;
  kind?: RequestKind;
  sentAt?: number;
}

export async function runMix(options: MixOptions): Promise<MixResult> {
  const random = seeded(7);
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)] as T;
  const byKind: Record<RequestKind, number> = { feed: 0, paper: 0, search: 0, api: 0, upvote: 0, comment: 0 };
  const unexpected: Record<string, number> = {};
  const days = [...new Set(options.papers.map((p) => p.feedDate))];
  let nextReader = 0;
  let comments = 0;

  const setupRequest = (request: autocannon.Request, raw: object): autocannon.Request => {
    const context = raw as Context;
    const roll = random();
    let kind: RequestKind;
    if (roll < options.writeShare && options.readers.length > 0) kind = random() < 0.1 ? 'comment' : 'upvote';
    else kind = pick<RequestKind>(['feed', 'paper', 'paper', 'search', 'search', 'api']);
    context.kind = kind;
    context.sentAt = performance.now();
    byKind[kind]++;
    const paper = pick(options.papers);
    const reader = (context.reader ??= options.readers[nextReader++ % Math.max(1, options.readers.length)]);
    const cookie = reader && random() < 0.5 ? reader.cookie : '';
    switch (kind) {
      case 'feed': {
        const variant = random();
        const path = variant < 0.5 ? '/' : variant < 0.75 ? `/?date=${pick(days)}` : '/?period=week';
        return { ...request, method: 'GET', path, headers: { cookie }, body: undefined };
      }
      case 'paper':
        return {
          ...request,
          method: 'GET',
          path: `/papers/${paper.id}`,
          headers: { cookie },
          body: undefined,
        };
      case 'search': {
        const params = new URLSearchParams({ q: pick(options.queries) });
        if (random() < 0.2) params.set('category', pick(options.categories));
        if (random() < 0.1) params.set('sort', 'newest');
        return { ...request, method: 'GET', path: `/search?${params}`, headers: { cookie }, body: undefined };
      }
      case 'api':
        return {
          ...request,
          method: 'GET',
          path: random() < 0.5 ? '/api/daily_papers?limit=20' : `/api/papers/${paper.id}`,
          headers: {},
          body: undefined,
        };
      case 'upvote':
      case 'comment': {
        const writer = reader as Reader;
        const body =
          kind === 'upvote'
            ? new URLSearchParams({ _csrf: writer.csrf })
            : new URLSearchParams({
                _csrf: writer.csrf,
                body: `Load comment ${++comments} on $x^2$ and <b>tags</b>.`,
              });
        return {
          ...request,
          method: 'POST',
          path: `/papers/${paper.id}/${kind === 'upvote' ? 'upvote' : 'comments'}`,
          headers: {
            cookie: writer.cookie,
            'content-type': 'application/x-www-form-urlencoded',
            accept: kind === 'upvote' ? 'application/json' : 'text/html',
          },
          body: body.toString(),
        };
      }
    }
  };

  const timings: Record<RequestKind, number[]> = {
    feed: [],
    paper: [],
    search: [],
    api: [],
    upvote: [],
    comment: [],
  };
  const onResponse = (status: number, _body: string, raw: object): void => {
    const { kind, sentAt } = raw as Context;
    if (kind && sentAt !== undefined) timings[kind].push(performance.now() - sentAt);
    if (kind && !EXPECTED[kind].includes(status)) {
      const key = `${kind} ${status}`;
      unexpected[key] = (unexpected[key] ?? 0) + 1;
    }
  };

  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    timeout: 20,
    requests: [{ setupRequest, onResponse }],
  });
  const statusCodes = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, stats]) => [code, stats.count ?? 0]),
  );
  return {
    connections: options.connections,
    seconds: options.seconds,
    requests: result.requests.total,
    requestsPerSecond: Math.round(result.requests.average),
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    byKind,
    latencyByKindMs: Object.fromEntries(
      Object.entries(timings).map(([kind, values]) => [
        kind,
        { p50: Math.round(percentile(values, 50)), p99: Math.round(percentile(values, 99)) },
      ]),
    ) as Record<RequestKind, { p50: number; p99: number }>,
    statusCodes,
    errors: result.errors,
    timeouts: result.timeouts,
    unexpected,
  };
}
