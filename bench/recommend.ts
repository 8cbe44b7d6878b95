/**
 * Recommendation and topic-trend benchmark over the 74,728-paper arXiv listings corpus.
 *
 *   npx tsx bench/recommend.ts [--db FILE] [--users N]   (--db: a database holding the corpus; skips the import)
 *
 * Each simulated user saves 50 papers: the 40 best search results of one topic and 10 of another. Latency
 * of Recommender.recommend (a page of 20) is measured along a user's life:
 * - `coldUser`: first request (train on 50 positives + background, fetch and score candidates);
 *   `firstUserOfProcess` is the first of them, timed apart: it also pays for the JIT's warm-up;
 * - `cachedList`: the same request again;
 * - `afterSave`: after saving one more paper (incremental training from the previous weights, re-rank);
 * - `afterNotInterested`: after marking the top recommendation "not interested";
 * - `lastMonth`: the list restricted to the last 30 feed days;
 * - `fromStore`: a new Recommender (a restart, another node) reading the user's stored model.
 * `prepare` is the once-per-process fit of the vectorizer and background sample.
 * `quality.precisionAt20`: share of each user's first 20 recommendations among the 300 best search results
 * of the user's two topics (papers the user has not seen); `notInterested` checks that the marked paper and
 * its near-duplicates are gone. `trend` times Store.searchMonthlyCounts over the search benchmark's mix.
 *
 * Prints one JSON object; times in milliseconds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { importFiles } from '../src/ingest/import.js';
import { Recommender } from '../src/recommend/recommender.js';
import { mean, percentile } from '../src/search/metrics.js';
import { parseQuery } from '../src/search/query.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { addDays } from '../src/web/feed-period.js';
import { sharedPath } from '../test/support/shared.js';
import { SEARCH_MIX } from './search.js';

const TOPICS = [
  'speculative decoding',
  'masked diffusion language models',
  'gaussian splatting',
  'mixture of experts',
  'retrieval augmented generation',
  'vision language action models',
  'reward models',
  'video generation',
  'knowledge distillation',
  'federated learning',
  'medical image segmentation',
  'text to speech',
  'autonomous driving',
  'time series forecasting',
  'graph neural networks',
  'point cloud',
  'code generation',
  'machine unlearning',
  'jailbreak attacks',
  'quantization',
];

const PAGE = 20;
const round = (value: number, digits = 1): number => Number(value.toFixed(digits));

function summarize(samples: number[]) {
  return {
    n: samples.length,
    p50: round(percentile(samples, 50)),
    p99: round(percentile(samples, 99)),
    mean: round(mean(samples)),
    max: round(Math.max(...samples)),
  };
}

/** CPU time of each timed call: on a shared, loaded machine it shows what the work costs without the wait. */
const cpuTimes = new Map<string, number[]>();

async function timed<T>(run: () => Promise<T>, name?: string): Promise<[T, number]> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const value = await run();
  const used = process.cpuUsage(cpu);
  if (name) cpuTimes.set(name, [...(cpuTimes.get(name) ?? []), (used.user + used.system) / 1000]);
  return [value, performance.now() - start];
}

export async function runRecommendBench(dbPath: string | undefined, userCount: number) {
  const dir = dbPath ? null : mkdtempSync(join(tmpdir(), 'paperboy-bench-recommend-'));
  const store = new SqliteStore(dbPath ?? join(dir ?? '', 'paperboy.db'));
  try {
    if (!dbPath) {
      const report = await importFiles(store, [sharedPath('corpus/arxiv-listings-2025-2026.jsonl.gz')]);
      if (report.failed.length > 0) throw new Error('the benchmark corpus did not import cleanly');
    }
    const topicResults = async (topic: string, limit: number) =>
      (
        await store.search({ query: parseQuery(topic), filters: {}, sort: 'relevance', offset: 0, limit })
      ).items.map((hit) => hit.paper.id);
    const now = new Date();
    const run = Date.now().toString(36);
    const users: { id: number; collection: number; relevant: Set<string>; spare: string }[] = [];
    for (let i = 0; i < userCount; i++) {
      const main = TOPICS[i % TOPICS.length] ?? '';
      const second = TOPICS[(i * 7 + 3) % TOPICS.length] ?? '';
      const created = await store.createUser({
        username: `bench-${run}-${i}`,
        email: `bench-${run}-${i}@example.org`,
        passwordHash: 'not-a-login',
        createdAt: now.toISOString(),
      });
      if (!created.ok) throw new Error('could not create a benchmark user');
      const collection = await store.createCollection({
        ownerId: created.user.id,
        name: 'Reading',
        isPublic: false,
        now,
      });
      if (!collection) throw new Error('could not create a collection');
      const [mainPapers, secondPapers] = await Promise.all([
        topicResults(main, 300),
        topicResults(second, 300),
      ]);
      const saved = [...mainPapers.slice(0, 40), ...secondPapers.slice(0, 10)];
      for (const id of saved) await store.addToCollection(collection.id, id, now);
      const relevant = new Set([...mainPapers, ...secondPapers].filter((id) => !saved.includes(id)));
      users.push({ id: created.user.id, collection: collection.id, relevant, spare: mainPapers[45] ?? '' });
    }

    const recommender = new Recommender(store);
    const [, prepare] = await timed(() => recommender.prepare());
    const latest = (await store.latestFeedDay()) ?? '';
    const times: Record<string, number[]> = {
      firstUserOfProcess: [],
      coldUser: [],
      cachedList: [],
      afterSave: [],
      afterNotInterested: [],
      lastMonth: [],
      fromStore: [],
    };
    const precision: number[] = [];
    let notInterestedGone = 0;
    for (const user of users) {
      // The process's first model is also the first run of its code: timed apart, as the JIT's warm-up.
      const first = user === users[0];
      const [cold, coldMs] = await timed(
        () => recommender.recommend(user.id, {}, PAGE),
        first ? 'firstUserOfProcess' : 'coldUser',
      );
      times[first ? 'firstUserOfProcess' : 'coldUser']?.push(coldMs);
      precision.push(cold.items.filter((item) => user.relevant.has(item.paper.id)).length / PAGE);
      times.cachedList?.push((await timed(() => recommender.recommend(user.id, {}, PAGE), 'cachedList'))[1]);
      await store.addToCollection(user.collection, user.spare, now);
      const [afterSave, afterSaveMs] = await timed(
        () => recommender.recommend(user.id, {}, PAGE),
        'afterSave',
      );
      times.afterSave?.push(afterSaveMs);
      const top = afterSave.items[0]?.paper.id;
      if (top) await store.setNotInterested(user.id, top, true, new Date());
      const [afterMark, afterMarkMs] = await timed(
        () => recommender.recommend(user.id, {}, PAGE),
        'afterNotInterested',
      );
      times.afterNotInterested?.push(afterMarkMs);
      if (top && !afterMark.items.some((item) => item.paper.id === top)) notInterestedGone++;
      times.lastMonth?.push(
        (
          await timed(() => recommender.recommend(user.id, { from: addDays(latest, -29) }, PAGE), 'lastMonth')
        )[1],
      );
    }
    const restarted = new Recommender(store);
    await restarted.prepare();
    for (const user of users) {
      times.fromStore?.push((await timed(() => restarted.recommend(user.id, {}, PAGE), 'fromStore'))[1]);
    }

    const trend: number[] = [];
    let estimated = 0;
    const slowestTrend: { q: string; ms: number }[] = [];
    for (const entry of SEARCH_MIX) {
      const [counts, ms] = await timed(
        () => store.searchMonthlyCounts({ query: parseQuery(entry.q), filters: entry.filters ?? {} }),
        'trend',
      );
      trend.push(ms);
      if (counts.estimated) estimated++;
      slowestTrend.push({ q: entry.q, ms: round(ms) });
    }
    slowestTrend.sort((a, b) => b.ms - a.ms);

    return {
      papers: await store.countPapers(),
      users: users.length,
      savedPerUser: 50,
      prepare: round(prepare),
      latency: Object.fromEntries(Object.entries(times).map(([name, samples]) => [name, summarize(samples)])),
      cpu: Object.fromEntries([...cpuTimes].map(([name, samples]) => [name, summarize(samples)])),
      quality: {
        precisionAt20: round(mean(precision), 3),
        notInterestedRemoved: `${notInterestedGone}/${users.length}`,
      },
      trend: { ...summarize(trend), estimated, slowest: slowestTrend.slice(0, 5) },
      loadAverage: round(loadavg()[0] ?? 0, 2),
    };
  } finally {
    await store.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: { db: { type: 'string' }, users: { type: 'string', default: '20' } },
  });
  console.log(JSON.stringify(await runRecommendBench(values.db, Number(values.users)), null, 2));
}
