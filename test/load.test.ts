/**
 * Load: autocannon against a real `paperboy serve` child process, mixing feed and paper pages, searches,
 * API calls, upvotes and comments from signed-in readers. No request may fail or time out, none may get a
 * status its kind should not get (5xx never; 429 only for comments over the rate limit), and afterwards the
 * database is intact with vote counts matching the votes. The p99 and the rest are printed as JSON.
 *
 * CI scale by default (50 clients, 10 s); PAPERBOY_LOAD_CONNECTIONS and PAPERBOY_LOAD_SECONDS change it
 * (the scale benchmark runs 200 clients for 60 s).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenize } from '../src/search/query.js';
import type { PaperInput } from '../src/model/paper.js';
import { realPapers } from './support/hostile.js';
import { createReaders, fetchCsrfTokens, runMix, type Reader } from './support/load-mix.js';
import { startServeChild, type ServeChild } from './support/serve-child.js';
import { createTestDatabase, type TestDatabase } from './support/test-store.js';

const CONNECTIONS = Number(process.env.PAPERBOY_LOAD_CONNECTIONS ?? 50);
const SECONDS = Number(process.env.PAPERBOY_LOAD_SECONDS ?? 10);

let database: TestDatabase | undefined;
let papers: PaperInput[];
let readers: Reader[];
let server: ServeChild;

/** Queries people type: common words, rarer ones, phrases, exclusions, a pasted abstract. */
function queriesFrom(sample: PaperInput[]): string[] {
  const words = sample.flatMap((p) => tokenize(p.title)).filter((w) => w.length > 3);
  const queries = [
    'model',
    'language models',
    'diffusion',
    '"large language models"',
    'vision -survey',
    'graph neural network',
    'reinforcement learning agents',
  ];
  for (let i = 0; i < 40; i++) queries.push(words.slice(i * 3, i * 3 + 1 + (i % 3)).join(' '));
  for (const paper of sample.slice(0, 5)) queries.push(paper.abstract.slice(0, 1200));
  return queries.filter((q) => q.trim() !== '');
}

beforeAll(async () => {
  const db = await createTestDatabase();
  database = db;
  papers = realPapers(3000, 23);
  const { store } = db;
  await store.upsertPapers(papers);
  readers = await createReaders(store, 20);
  await store.close();
  server = await startServeChild({
    ...db.env,
    PAPERBOY_SECRET: 'load-test-secret-load-test-secret-012345',
  });
  await fetchCsrfTokens(server.url, readers);
}, 300_000);

afterAll(async () => {
  await server?.kill('SIGKILL');
  await database?.close();
});

describe(`load: ${CONNECTIONS} clients for ${SECONDS} s`, () => {
  it(
    'answers a mix of reads, searches, votes and comments without an error',
    async () => {
      const categories = [...new Set(papers.flatMap((p) => p.categories.slice(0, 1)))];
      const result = await runMix({
        url: server.url,
        connections: CONNECTIONS,
        seconds: SECONDS,
        papers,
        queries: queriesFrom(papers),
        categories,
        readers,
        writeShare: 0.2,
      });
      console.log(JSON.stringify({ suite: 'load', ...result }));

      expect(result.errors).toBe(0);
      expect(result.timeouts).toBe(0);
      expect(result.unexpected).toEqual({});
      expect(Object.keys(result.statusCodes).filter((code) => code.startsWith('5'))).toEqual([]);
      expect(result.requests).toBeGreaterThan(CONNECTIONS);
      // Every kind was in the mix, and some comments got through the rate limit.
      for (const count of Object.values(result.byKind)) expect(count).toBeGreaterThan(0);
      expect(result.statusCodes['303'] ?? 0).toBeGreaterThan(0);

      // Stopped the way an operator stops it: it drains and exits 0.
      const stopped = await server.kill('SIGTERM');
      expect(stopped.code, server.stderr()).toBe(0);
      const db = database!;
      expect(await db.integrityProblems()).toEqual([]);
      const mismatched = await db.sql(
        'SELECT p.id FROM papers p WHERE p.upvotes != (SELECT count(*) FROM votes v WHERE v.paper_pk = p.pk)',
      );
      expect(mismatched).toEqual([]);
      // Every acknowledged comment is stored; a few more may have been in flight when the run ended.
      const [stored] = await db.sql<{ n: number }>('SELECT count(*) AS n FROM comments');
      expect(stored?.n).toBeGreaterThanOrEqual(result.statusCodes['303'] ?? 0);
      expect(stored?.n).toBeLessThanOrEqual((result.statusCodes['303'] ?? 0) + CONNECTIONS);
    },
    120_000 + SECONDS * 2000,
  );
});
