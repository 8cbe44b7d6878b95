/**
 * Digest benchmark over the 74,728-paper arXiv listings corpus and 100,000 subscribers with mixed topics (daily,
 * weekly, categories, saved searches). Two figures, sending excluded from both:
 * - rendered: every subscriber's next digest of every kind chosen (papers not sent before, per topic) and both
 *   parts rendered with its signed links — the figure the target is about;
 * - runWithSendLog: the production path of `paperboy digest send` with a transport that discards each finished
 *   message: send-log rows and promised papers written, each message claimed and recorded sent (one commit
 *   per message, the price of never sending twice).
 * Wall and CPU seconds are both reported: the machine is shared.
 *
 *   npm run bench:digest [-- --subscribers 100000] [--corpus-cache /tmp/corpus.db]
 *
 * Target (issue 5): all 100,000 subscribers' digests rendered in at most 60 s. Prints one JSON object.
 */
import { copyFileSync, createReadStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { createGunzip } from 'node:zlib';
import { loadConfig } from '../src/config.js';
import { fromArxivListing } from '../src/ingest/formats/arxiv-listing.js';
import { createLogger } from '../src/log.js';
import { issueFor } from '../src/mail/calendar.js';
import type { PaperInput } from '../src/model/paper.js';
import { deliverQueued, type MailContext } from '../src/mail/deliver.js';
import { planDigest } from '../src/mail/digest.js';
import { Lease } from '../src/ops/lease.js';
import { subscriberUrls } from '../src/mail/links.js';
import { DigestRenderer } from '../src/mail/render.js';
import { DIGEST_KINDS, type Topic } from '../src/mail/topics.js';
import type { MailTransport } from '../src/mail/transport.js';
import { tokenize } from '../src/search/query.js';
import { STOPWORDS } from '../src/search/stopwords.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { sharedPath } from '../test/support/shared.js';

const { values: args } = parseArgs({
  options: {
    subscribers: { type: 'string', default: '100000' },
    // A database file holding the imported corpus: made on the first run, copied on later ones.
    'corpus-cache': { type: 'string' },
  },
});
const SUBSCRIBERS = Number(args.subscribers);
const TARGET_SECONDS = 60;

/** Deterministic pseudo-random numbers (mulberry32), so every run builds the same subscribers. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The corpus through the importer's own record mapping, in the benchmark's process (no import workers). */
async function importCorpus(store: SqliteStore, file: string): Promise<{ inserted: number }> {
  const lines = createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity });
  let batch: PaperInput[] = [];
  let inserted = 0;
  for await (const line of lines) {
    if (!line.trim()) continue;
    batch.push(fromArxivListing(JSON.parse(line)));
    if (batch.length === 2000) {
      inserted += (await store.upsertPapers(batch)).inserted;
      batch = [];
    }
  }
  inserted += (await store.upsertPapers(batch)).inserted;
  return { inserted };
}

const seconds = (start: number): number => Math.round((performance.now() - start) / 10) / 100;

/** Wall and CPU seconds since the call: the machine is shared, so CPU time shows what the work itself cost. */
function startClock(): () => { wall: number; cpu: number } {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(cpu);
    return {
      wall: Math.round(performance.now() - wall) / 1000,
      cpu: Math.round((used.user + used.system) / 1000) / 1000,
    };
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-bench-digest-'));
  const databasePath = join(dir, 'paperboy.db');
  const cache = args['corpus-cache'];
  if (cache && existsSync(cache)) copyFileSync(cache, databasePath);
  let store = new SqliteStore(databasePath);
  try {
    let start = performance.now();
    const imported =
      cache && existsSync(cache)
        ? { inserted: 0 }
        : await importCorpus(store, sharedPath('corpus/arxiv-listings-2025-2026.jsonl.gz'));
    const papers = await store.countPapers();
    const importSeconds = seconds(start);
    if (cache && !existsSync(cache)) {
      await store.close();
      copyFileSync(databasePath, cache);
      store = new SqliteStore(databasePath);
    }

    // Topics people would pick: the busiest categories, and two-word searches taken from real titles.
    const rand = random(20261126);
    const categories = (await store.categories()).slice(0, 40).map((c) => c.category);
    const titles = (
      await store.listFeed({ from: '0000-01-01', to: '9999-12-31', sort: 'newest', offset: 0, limit: 3000 })
    ).items.map((p) => tokenize(p.title).filter((w) => w.length > 3 && !STOPWORDS.has(w)));
    const queries = Array.from({ length: 400 }, (_, i) => {
      const words = titles[i % titles.length] ?? [];
      const at = Math.floor(rand() * Math.max(1, words.length - 1));
      return words.slice(at, at + 2).join(' ') || 'diffusion';
    });
    const pick = <T>(items: T[]): T => items[Math.floor(rand() * items.length)] as T;

    start = performance.now();
    const mix = { daily: 0, weekly: 0, category: 0, search: 0, personal: 0 };
    const now = new Date();
    for (let i = 0; i < SUBSCRIBERS; i++) {
      const topics: Topic[] = [];
      if (rand() < 0.6) topics.push({ type: 'daily' });
      if (rand() < 0.3) topics.push({ type: 'weekly' });
      if (rand() < 0.35) {
        for (let n = 1 + Math.floor(rand() * 3); n > 0; n--)
          topics.push({ type: 'category', category: pick(categories) });
      }
      if (rand() < 0.25 || topics.length === 0) {
        for (let n = 1 + Math.floor(rand() * 2); n > 0; n--)
          topics.push({ type: 'search', query: pick(queries) });
      }
      for (const t of new Set(topics.map((t) => t.type))) mix[t]++;
      const { confirmationId } = await store.requestMailSubscription(
        `reader${i}@bench.example.org`,
        topics,
        now,
      );
      await store.confirmMailSubscription(confirmationId, now);
    }
    const subscribeSeconds = seconds(start);

    const discard: MailTransport = {
      description: 'discarded (sending excluded)',
      async send() {
        return '250 discarded';
      },
      close() {},
    };
    const config = {
      ...loadConfig({ PAPERBOY_DB: databasePath, PAPERBOY_BASE_URL: 'https://papers.example.org' }),
    };
    const ctx: MailContext = { store, config, logger: createLogger('silent'), transport: discard };
    // 1. Rendered: every subscriber's papers chosen and both parts rendered (with its signed links), nothing
    //    written — the figure the target is about.
    const rendered = [];
    let renderDigests = 0;
    let renderWall = 0;
    let renderCpu = 0;
    let renderedBytes = 0;
    for (const kind of DIGEST_KINDS) {
      const issue = issueFor(kind, now);
      const renderer = new DigestRenderer(config.baseUrl);
      const clock = startClock();
      let digests = 0;
      const plan = await planDigest(ctx, kind, issue, {
        reserve: false,
        onDigest: (d) => {
          const mail = renderer.render({
            kind,
            issue,
            sections: d.sections,
            email: d.email,
            ...subscriberUrls(config, d.subscriberId, now),
          });
          renderedBytes += mail.html.length + mail.text.length;
          digests++;
        },
      });
      const { wall, cpu } = clock();
      renderDigests += digests;
      renderWall += wall;
      renderCpu += cpu;
      rendered.push({
        kind,
        recipients: plan.recipients,
        digests,
        withNothingNew: plan.empty,
        seconds: wall,
        cpuSeconds: cpu,
      });
    }

    // 2. Production run with sending excluded: the same, plus the send log — rows and promised papers written,
    //    each message claimed and recorded as sent with one commit, as `paperboy digest send` does.
    const runs = [];
    let runDigests = 0;
    let runWall = 0;
    let runCpu = 0;
    for (const kind of DIGEST_KINDS) {
      const issue = issueFor(kind, now);
      const clock = startClock();
      const plan = await planDigest(ctx, kind, issue, { reserve: true });
      const lease = await Lease.acquire(store, `digest:${issue}`);
      const delivery = await deliverQueued(ctx, { kinds: [kind], issue }, lease, {
        ratePerSecond: 0,
        retry: { baseMs: 1, maxMs: 1, maxAttempts: 1 },
        maxWaitMs: 0,
      });
      await lease.release(true);
      const { wall, cpu } = clock();
      runDigests += delivery.sent;
      runWall += wall;
      runCpu += cpu;
      runs.push({ kind, digests: delivery.sent, planned: plan.planned, seconds: wall, cpuSeconds: cpu });
    }
    const round = (n: number): number => Math.round(n * 100) / 100;
    console.log(
      JSON.stringify(
        {
          benchmark: 'digest',
          corpus: { papers, imported: imported.inserted, importSeconds },
          subscribers: { count: SUBSCRIBERS, topicMix: mix, subscribeAndConfirmSeconds: subscribeSeconds },
          rendered: {
            perKind: rendered,
            digests: renderDigests,
            seconds: round(renderWall),
            cpuSeconds: round(renderCpu),
            digestsPerSecond: Math.round(renderDigests / Math.max(renderWall, 0.001)),
            averageMessageKiB: Math.round(renderedBytes / Math.max(renderDigests, 1) / 102.4) / 10,
          },
          runWithSendLog: {
            perKind: runs,
            digests: runDigests,
            seconds: round(runWall),
            cpuSeconds: round(runCpu),
            digestsPerSecond: Math.round(runDigests / Math.max(runWall, 0.001)),
          },
          target: {
            description: `every digest of ${SUBSCRIBERS} subscribers (all kinds) rendered in <= ${TARGET_SECONDS} s`,
            seconds: round(renderWall),
            met: renderWall <= TARGET_SECONDS,
          },
          machine: { cpus: cpus().length, loadAverage: loadavg().map(round) },
        },
        null,
        2,
      ),
    );
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
