/**
 * Community benchmark: votes per second and /trending latency on the real corpus.
 *
 *   npm run bench:community [-- --votes 1000000 --users 20000]
 *
 * Imports the 74,728 papers of ../shared/corpus/arxiv-listings-2025-2026.jsonl.gz into a fresh SQLite
 * database, creates the users, and casts the votes one toggle (one transaction) at a time, exactly as
 * POST /papers/:id/upvote does, with a skewed, deterministic choice of papers (recent and popular papers
 * get most votes). Then it serves the app and times GET /trending for each window, and measures votes
 * over HTTP (session cookie, CSRF token, form POST) with autocannon. Prints one JSON object.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { startServer } from '../src/app.js';
import { hashPassword } from '../src/community/password.js';
import { loadConfig } from '../src/config.js';
import { importFiles } from '../src/ingest/import.js';
import { createLogger } from '../src/log.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { sharedPath } from '../test/support/shared.js';

const { values: args } = parseArgs({
  options: {
    votes: { type: 'string', default: '1000000' },
    users: { type: 'string', default: '20000' },
    requests: { type: 'string', default: '200' },
  },
});
const VOTES = Number(args.votes);
const USERS = Number(args.users);
const REQUESTS = Number(args.requests);
const VOTES_PER_USER = Math.ceil(VOTES / USERS);

/** Deterministic PRNG (mulberry32), so every run casts the same votes. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function percentile(sorted: Float64Array | number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

const round = (n: number, digits = 3) => Number(n.toFixed(digits));

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-bench-community-'));
  const databasePath = join(dir, 'paperboy.db');
  try {
    const store = new SqliteStore(databasePath);
    let started = performance.now();
    const report = await importFiles(store, [sharedPath('corpus', 'arxiv-listings-2025-2026.jsonl.gz')]);
    const importSeconds = (performance.now() - started) / 1000;
    const papers = store.db
      .prepare('SELECT id FROM papers ORDER BY feed_date DESC, pk DESC')
      .pluck()
      .all() as string[];

    // Users: one real scrypt hash shared by all, since hashing is not what this measures.
    const passwordHash = await hashPassword('benchmark passphrase');
    const userIds: number[] = [];
    started = performance.now();
    for (let i = 0; i < USERS; i++) {
      const result = await store.createUser({
        username: `user${i}`,
        email: `user${i}@example.org`,
        passwordHash,
        createdAt: new Date().toISOString(),
      });
      if (result.ok) userIds.push(result.user.id);
    }
    const userSeconds = (performance.now() - started) / 1000;

    // Each user votes for distinct papers; the newest papers are the likeliest (index ~ papers.length · u³).
    const rand = random(20260312);
    const latencies = new Float64Array(USERS * VOTES_PER_USER);
    let cast = 0;
    started = performance.now();
    const now = new Date();
    for (const userId of userIds) {
      const chosen = new Set<number>();
      while (chosen.size < VOTES_PER_USER && cast + chosen.size < VOTES) {
        chosen.add(Math.floor(papers.length * rand() ** 3));
      }
      for (const index of chosen) {
        const t0 = performance.now();
        await store.toggleVote(userId, papers[index]!, now);
        latencies[cast++] = performance.now() - t0;
      }
      if (cast >= VOTES) break;
    }
    const voteSeconds = (performance.now() - started) / 1000;
    const voteLatency = latencies.subarray(0, cast).sort();
    const consistency = store.db
      .prepare(
        `SELECT (SELECT count(*) FROM votes) AS votes, (SELECT sum(upvotes) FROM papers) AS upvotes,
           (SELECT count(*) FROM papers WHERE upvotes > 0) AS papersWithVotes, (SELECT max(upvotes) FROM papers) AS maxUpvotes`,
      )
      .get() as { votes: number; upvotes: number; papersWithVotes: number; maxUpvotes: number };
    await store.close();

    const config = loadConfig({
      PAPERBOY_DB: databasePath,
      PAPERBOY_DEMO: '0',
      PORT: '0',
      LOG_LEVEL: 'silent',
    });
    const server = await startServer(config, createLogger('silent'));
    const trending: Record<string, { p50: number; p99: number; mean: number; bytes: number }> = {};
    for (const window of ['day', 'week', 'month']) {
      const url = `${server.url}/trending?window=${window}`;
      for (let i = 0; i < 10; i++) await (await fetch(url)).text();
      const times: number[] = [];
      let bytes = 0;
      for (let i = 0; i < REQUESTS; i++) {
        const t0 = performance.now();
        const response = await fetch(url);
        bytes = (await response.text()).length;
        if (response.status !== 200) throw new Error(`${url}: HTTP ${response.status}`);
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      trending[window] = {
        p50: round(percentile(times, 50)),
        p99: round(percentile(times, 99)),
        mean: round(times.reduce((a, b) => a + b, 0) / times.length),
        bytes,
      };
    }

    // Votes over HTTP: one signed-in user toggling the top paper, 10 connections, 10 seconds.
    const signup = await fetch(`${server.url}/signup`);
    const anonCookie = signup.headers.getSetCookie()[0]?.split(';')[0] ?? '';
    const anonToken = /name="_csrf" value="([^"]+)"/.exec(await signup.text())?.[1] ?? '';
    const created = await fetch(`${server.url}/signup`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: anonCookie },
      body: new URLSearchParams({
        _csrf: anonToken,
        username: 'httpvoter',
        email: 'h@example.org',
        password: 'benchmark passphrase',
      }),
    });
    const session =
      created.headers
        .getSetCookie()
        .find((c) => c.startsWith('pb_session='))
        ?.split(';')[0] ?? '';
    const page = await (await fetch(`${server.url}/collections`, { headers: { cookie: session } })).text();
    const token = /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
    const http = await autocannon({
      url: `${server.url}/papers/${papers[0]}/upvote`,
      method: 'POST',
      connections: 10,
      duration: 10,
      headers: {
        cookie: session,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: new URLSearchParams({ _csrf: token }).toString(),
    });
    await server.close();

    console.log(
      JSON.stringify(
        {
          benchmark: 'community',
          machine: { cpus: cpus().length, loadavg: loadavg().map((n) => round(n, 2)) },
          corpus: {
            papers: papers.length,
            imported: report.inserted,
            importSeconds: round(importSeconds, 1),
          },
          users: { count: userIds.length, seconds: round(userSeconds, 1) },
          votes: {
            cast,
            seconds: round(voteSeconds, 1),
            perSecond: Math.round(cast / voteSeconds),
            latencyMs: {
              p50: round(percentile(voteLatency, 50), 4),
              p99: round(percentile(voteLatency, 99), 4),
            },
            consistency,
          },
          trendingLatencyMs: trending,
          httpVotes: {
            connections: 10,
            seconds: 10,
            perSecond: Math.round(http.requests.average),
            latencyMs: { p50: http.latency.p50, p99: http.latency.p99 },
            non2xx: http.non2xx,
            errors: http.errors,
          },
        },
        null,
        2,
      ),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
