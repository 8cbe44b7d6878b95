/**
 * Paperboy at one million papers on this machine: import, search, pages, memory, cold start, load and crash
 * safety, each printed as one JSON line with a baseline measured in the same run, so that the ratio holds
 * on a noisy machine.
 *
 *   npm run bench:scale [-- --papers 1000000 --dir DIR --only import,search --skip crash]
 *
 * Steps (in order): generate (bench/scale/generate.ts), import (importFiles vs bare better-sqlite3 + FTS5),
 * search (Store.search vs the bare FTS5 query of the same terms), pages (autocannon, 50 connections, vs a bare
 * node:http server sending the same bytes; cold start and peak RSS of `paperboy serve`), load (the CI load
 * mix at 200 clients for 60 s), crash (the crash suite with 20 kills per scenario). The corpus and the
 * databases stay in DIR ($TMPDIR/paperboy-scale) for the next run; `--only search,pages` reuses them.
 * Everything is also written to DIR/results-N.json.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { importFiles } from '../../src/ingest/import.js';
import { readLines } from '../../src/ingest/read-lines.js';
import { mean, percentile } from '../../src/search/metrics.js';
import { parseQuery } from '../../src/search/query.js';
import type { SearchFilters, SearchSort } from '../../src/store/store.js';
import { toFtsMatch } from '../../src/store/sqlite/fts-query.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { arxivListingLines } from '../../test/support/hostile.js';
import { createReaders, fetchCsrfTokens, runMix } from '../../test/support/load-mix.js';
import { seeded } from '../../test/support/random.js';
import { startServeChild, type ServeChild } from '../../test/support/serve-child.js';
import { ensureBuilt } from '../../test/support/smtp-cli.js';
import { SEARCH_MIX } from '../search.js';
import { DEFAULT_SCALE_DIR, generateScaleCorpus } from './generate.js';

const STEPS = ['generate', 'import', 'search', 'pages', 'load', 'crash'] as const;
type Step = (typeof STEPS)[number];

const { values: args } = parseArgs({
  options: {
    papers: { type: 'string', default: '1000000' },
    dir: { type: 'string', default: DEFAULT_SCALE_DIR },
    only: { type: 'string' },
    skip: { type: 'string', default: '' },
    'page-seconds': { type: 'string', default: '15' },
    'load-connections': { type: 'string', default: '200' },
    'load-seconds': { type: 'string', default: '60' },
    'crash-kills': { type: 'string', default: '20' },
  },
});
const PAPERS = Number(args.papers);
const DIR = resolve(args.dir);
const only = args.only ? new Set(args.only.split(',')) : null;
const skipped = new Set(args.skip.split(',').filter(Boolean));
for (const step of [...(only ?? []), ...skipped]) {
  if (!(STEPS as readonly string[]).includes(step))
    throw new Error(`unknown step ${step}; the steps are ${STEPS.join(', ')}`);
}
const runs = (step: Step): boolean => (only ? only.has(step) : !skipped.has(step));

const PRODUCT_DB = join(DIR, `paperboy-${PAPERS}.db`);
const BARE_DB = join(DIR, `bare-${PAPERS}.db`);
const SECRET = 'scale-benchmark-secret-scale-benchmark-secret';
const round = (value: number, digits = 1): number => Number(value.toFixed(digits));
const results: Record<string, unknown> = {};

function report(benchmark: string, result: Record<string, unknown>): void {
  const line = { benchmark, papers: PAPERS, ...result, loadAverage: round(loadavg()[0] ?? 0, 2) };
  results[benchmark] = line;
  console.log(JSON.stringify(line));
}

function progress(message: string): void {
  process.stderr.write(`[bench:scale ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

// --- import

const BARE_SCHEMA = `
  CREATE TABLE papers (pk INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, title TEXT NOT NULL, abstract TEXT NOT NULL,
    authors TEXT NOT NULL, categories TEXT NOT NULL, feed_date TEXT NOT NULL);
  CREATE VIRTUAL TABLE papers_fts USING fts5 (title, abstract, authors, content = 'papers', content_rowid = 'pk',
    tokenize = 'porter unicode61 remove_diacritics 2');`;

interface ListingLine {
  id: string;
  title: string;
  summary: string;
  authors: string[];
  categories: string[];
  _listing_date: string;
}

/** The baseline: the same rows into a table and an FTS5 index like the product's, nothing else. */
async function bareImport(file: string): Promise<number> {
  for (const suffix of ['', '-wal', '-shm']) rmSync(BARE_DB + suffix, { force: true });
  const db = new Database(BARE_DB);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(BARE_SCHEMA);
  const paper = db.prepare(
    'INSERT INTO papers (id, title, abstract, authors, categories, feed_date) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const index = db.prepare('INSERT INTO papers_fts (rowid, title, abstract, authors) VALUES (?, ?, ?, ?)');
  const write = db.transaction((rows: ListingLine[]) => {
    for (const r of rows) {
      const authors = r.authors.join('\n');
      const pk = paper.run(
        r.id,
        r.title,
        r.summary,
        authors,
        r.categories.join(' '),
        r._listing_date,
      ).lastInsertRowid;
      index.run(pk, r.title, r.summary, authors);
    }
  });
  let batch: ListingLine[] = [];
  let count = 0;
  for await (const line of readLines(file)) {
    batch.push(JSON.parse(line) as ListingLine);
    if (batch.length === 1000) {
      write(batch);
      count += batch.length;
      batch = [];
    }
  }
  write(batch);
  count += batch.length;
  db.close();
  return count;
}

async function importStep(file: string): Promise<void> {
  for (const suffix of ['', '-wal', '-shm']) rmSync(PRODUCT_DB + suffix, { force: true });
  progress(`importing ${file} with importFiles`);
  const store = new SqliteStore(PRODUCT_DB);
  let shown = 0;
  let started = performance.now();
  const imported = await importFiles(store, [file], {
    onProgress: (p) => {
      if (performance.now() - shown < 15_000) return;
      shown = performance.now();
      progress(`import: ${p.records} records, ${Math.round(p.records / ((shown - started) / 1000))}/s`);
    },
  });
  const seconds = (performance.now() - started) / 1000;
  await store.close();
  if (imported.skipped.length > 0 || imported.failed.length > 0)
    throw new Error('the scale corpus did not import cleanly');

  progress('importing the same rows with bare better-sqlite3 + FTS5');
  started = performance.now();
  const bareRows = await bareImport(file);
  const bareSeconds = (performance.now() - started) / 1000;
  const papersPerSecond = Math.round(imported.inserted / seconds);
  const barePerSecond = Math.round(bareRows / bareSeconds);
  report('import', {
    inserted: imported.inserted,
    seconds: round(seconds),
    papersPerSecond,
    baseline: { rows: bareRows, seconds: round(bareSeconds), papersPerSecond: barePerSecond },
    ratio: round(papersPerSecond / barePerSecond, 2),
    target: { papersPerSecond: 20_000, met: papersPerSecond >= 20_000 },
    databaseBytes: { product: fileSize(PRODUCT_DB), baseline: fileSize(BARE_DB) },
  });
}

function fileSize(file: string): number {
  return existsSync(file) ? statSync(file).size : 0;
}

// --- search

interface BenchQuery {
  kind: string;
  q: string;
  filters?: SearchFilters;
  sort?: SearchSort;
}

/** Ten real abstracts of about 250 words, as someone pasting one would bring. */
function pastedAbstracts(): BenchQuery[] {
  const long = arxivListingLines()
    .map((line) => (JSON.parse(line) as ListingLine).summary.replace(/\s+/g, ' '))
    .filter((text) => text.length > 1700);
  const step = Math.floor(long.length / 10);
  return Array.from({ length: 10 }, (_, i) => ({
    kind: 'pasted abstract',
    q: (long[i * step] ?? '').split(' ').slice(0, 250).join(' '),
  }));
}

/** The bare engine's query for the same terms: the naive FTS5 expression, ranked by bm25, with the filters. */
function bareSearch(db: Database.Database, query: BenchQuery): void {
  const match = toFtsMatch(parseQuery(query.q));
  if (!match) return;
  const where = ['papers_fts MATCH @match'];
  const params: Record<string, string> = { match };
  if (query.filters?.category) {
    where.push("(' ' || p.categories || ' ') LIKE @category");
    params.category = `% ${query.filters.category} %`;
  }
  if (query.filters?.from) {
    where.push('p.feed_date >= @from');
    params.from = query.filters.from;
  }
  if (query.filters?.to) {
    where.push('p.feed_date <= @to');
    params.to = query.filters.to;
  }
  const order =
    query.sort === 'relevance' || !query.sort ? 'bm25(papers_fts, 3.0, 1.0, 0.5)' : 'p.feed_date DESC';
  db.prepare(
    `SELECT p.pk, p.id, p.title, p.abstract FROM papers_fts JOIN papers p ON p.pk = papers_fts.rowid
     WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT 20`,
  ).all(params);
}

function summarize(samples: number[]): {
  queries: number;
  p50: number;
  p99: number;
  mean: number;
  max: number;
} {
  return {
    queries: samples.length,
    p50: round(percentile(samples, 50), 2),
    p99: round(percentile(samples, 99), 2),
    mean: round(mean(samples), 2),
    max: round(Math.max(0, ...samples), 2),
  };
}

async function searchStep(): Promise<void> {
  const store = new SqliteStore(PRODUCT_DB);
  const bare = new Database(BARE_DB, { readonly: true });
  const pasted = pastedAbstracts();
  const time = async (run: () => unknown): Promise<number> => {
    const started = performance.now();
    await run();
    return performance.now() - started;
  };
  const product = (query: BenchQuery) => () =>
    store.search({
      query: parseQuery(query.q),
      filters: query.filters ?? {},
      sort: query.sort ?? 'relevance',
      offset: 0,
      limit: 20,
    });
  progress(`search: ${SEARCH_MIX.length} ordinary queries and ${pasted.length} pasted abstracts, twice`);
  const passes: { ordinary: { query: BenchQuery; ms: number }[]; pasted: number[] }[] = [];
  for (let pass = 0; pass < 2; pass++) {
    const ordinary: { query: BenchQuery; ms: number }[] = [];
    for (const query of SEARCH_MIX) ordinary.push({ query, ms: await time(product(query)) });
    const abstracts: number[] = [];
    for (const query of pasted) abstracts.push(await time(product(query)));
    passes.push({ ordinary, pasted: abstracts });
  }
  progress('search: the bare FTS5 queries (one pass after a warm-up of the cache by the product run)');
  const bareOrdinary: number[] = [];
  for (const query of SEARCH_MIX) bareOrdinary.push(await time(() => bareSearch(bare, query)));
  const barePasted: number[] = [];
  for (const query of pasted) barePasted.push(await time(() => bareSearch(bare, query)));
  const [cold, warm] = passes as [(typeof passes)[0], (typeof passes)[0]];
  const ordinary = summarize(warm.ordinary.map((r) => r.ms));
  const abstracts = summarize(warm.pasted);
  const byKind: Record<string, { p50: number; p99: number }> = {};
  for (const kind of new Set(SEARCH_MIX.map((q) => q.kind))) {
    const samples = warm.ordinary.filter((r) => r.query.kind === kind).map((r) => r.ms);
    byKind[kind] = { p50: round(percentile(samples, 50), 2), p99: round(percentile(samples, 99), 2) };
  }
  report('search', {
    ordinary,
    pastedAbstract: abstracts,
    cold: { ordinary: summarize(cold.ordinary.map((r) => r.ms)), pastedAbstract: summarize(cold.pasted) },
    byKind,
    slowest: [...warm.ordinary]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 5)
      .map((r) => ({ q: r.query.q, filters: r.query.filters, sort: r.query.sort, ms: round(r.ms, 2) })),
    baseline: { ordinary: summarize(bareOrdinary), pastedAbstract: summarize(barePasted) },
    ratioP99: {
      ordinary: round(ordinary.p99 / Math.max(0.01, percentile(bareOrdinary, 99)), 2),
      pastedAbstract: round(abstracts.p99 / Math.max(0.01, percentile(barePasted, 99)), 2),
    },
    target: {
      ordinaryP99Ms: 25,
      pastedP99Ms: 300,
      met: ordinary.p99 <= 25 && abstracts.p99 <= 300,
    },
  });
  bare.close();
  await store.close();
}

// --- pages, cold start, memory, load

/** Peak resident memory of a process (VmHWM), in MiB. */
function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
  return round(kb / 1024);
}

async function coldStart(): Promise<{ listeningMs: number; firstPageMs: number }> {
  const spawned = performance.now();
  const server = await startServeChild({ PAPERBOY_DB: PRODUCT_DB, PAPERBOY_SECRET: SECRET });
  const listeningMs = performance.now() - spawned;
  const page = await fetch(`${server.url}/`);
  await page.arrayBuffer();
  const firstPageMs = performance.now() - spawned;
  if (page.status !== 200) throw new Error(`GET / answered ${page.status}`);
  await server.kill('SIGTERM');
  return { listeningMs: round(listeningMs), firstPageMs: round(firstPageMs) };
}

interface Target {
  name: 'feed' | 'paper' | 'search';
  path: () => string;
}

async function cannon(url: string, target: Target, seconds: number) {
  const result = await autocannon({
    url,
    connections: 50,
    duration: seconds,
    requests: [{ setupRequest: (request) => ({ ...request, path: target.path() }) }],
  });
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

/** A bare node:http server answering each kind of path with the bytes the product sent for it. */
async function startBareServer(
  pages: Record<Target['name'], string>,
): Promise<ServeChild & { close(): Promise<void> }> {
  const file = join(DIR, 'bare-pages.json');
  writeFileSync(file, JSON.stringify(pages));
  const script = `
    const http = require('node:http');
    const pages = JSON.parse(require('node:fs').readFileSync(${JSON.stringify(file)}, 'utf8'));
    const bodies = Object.fromEntries(Object.entries(pages).map(([k, v]) => [k, Buffer.from(v)]));
    http.createServer((req, res) => {
      const body = req.url.startsWith('/papers/') ? bodies.paper : req.url.startsWith('/search') ? bodies.search : bodies.feed;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': body.length });
      res.end(body);
    }).listen(0, '127.0.0.1', function () { console.log('running at http://127.0.0.1:' + this.address().port); });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((ready) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /running at (\S+)/.exec(out);
      if (match?.[1]) ready(match[1]);
    });
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.on('exit', (code, signal) => done({ code, signal })),
  );
  return {
    url,
    child,
    startupMs: 0,
    exited,
    stderr: () => '',
    kill: (signal = 'SIGTERM') => {
      child.kill(signal);
      return exited;
    },
    close: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function pagesAndLoadStep(): Promise<void> {
  const seconds = Number(args['page-seconds']);
  // Build first (when src/ is newer than dist/), so that no start below waits for the compiler.
  ensureBuilt();
  progress('cold start: three fresh `paperboy serve` processes on the big database');
  const starts = [await coldStart(), await coldStart(), await coldStart()];
  const firstPage = starts.map((s) => s.firstPageMs).sort((a, b) => a - b)[1] ?? 0;
  report('coldStart', {
    trials: starts,
    medianFirstPageMs: firstPage,
    target: { ms: 3000, met: firstPage <= 3000 },
    note: 'spawn of `node bin/paperboy.js serve` until GET / has answered; the file cache is warm',
  });

  let readers: Awaited<ReturnType<typeof createReaders>> = [];
  if (runs('load')) {
    const store = new SqliteStore(PRODUCT_DB);
    readers = await createReaders(store, 50);
    await store.close();
  }
  const db = new Database(PRODUCT_DB, { readonly: true });
  const random = seeded(11);
  const ids = db.prepare('SELECT id FROM papers ORDER BY random() LIMIT 20000').pluck().all() as string[];
  const sample = db
    .prepare('SELECT id, feed_date AS feedDate, categories FROM papers ORDER BY random() LIMIT 5000')
    .all() as {
    id: string;
    feedDate: string;
    categories: string;
  }[];
  db.close();
  const queries = SEARCH_MIX.filter((q) => !q.filters && !q.sort).map((q) => q.q);
  const targets: Target[] = [
    { name: 'feed', path: () => '/' },
    { name: 'paper', path: () => `/papers/${ids[Math.floor(random() * ids.length)]}` },
    {
      name: 'search',
      path: () =>
        `/search?q=${encodeURIComponent(queries[Math.floor(random() * queries.length)] ?? 'model')}`,
    },
  ];

  const server = await startServeChild({ PAPERBOY_DB: PRODUCT_DB, PAPERBOY_SECRET: SECRET });
  const pages = {} as Record<Target['name'], string>;
  for (const target of targets) pages[target.name] = await (await fetch(server.url + target.path())).text();
  const product: Record<string, unknown> = {};
  for (const target of targets) {
    progress(`pages: ${target.name} on paperboy serve, 50 connections, ${seconds} s`);
    product[target.name] = await cannon(server.url, target, seconds);
  }
  const rssAfterPages = peakRssMiB(server.child.pid ?? 0);

  const bareServer = await startBareServer(pages);
  const baseline: Record<string, unknown> = {};
  for (const target of targets) {
    progress(`pages: ${target.name} on bare node:http, 50 connections, ${seconds} s`);
    baseline[target.name] = await cannon(bareServer.url, target, seconds);
  }
  await bareServer.close();
  const ratio = Object.fromEntries(
    targets.map((t) => [
      t.name,
      round(
        (product[t.name] as { requestsPerSecond: number }).requestsPerSecond /
          Math.max(1, (baseline[t.name] as { requestsPerSecond: number }).requestsPerSecond),
        3,
      ),
    ]),
  );
  report('pages', {
    connections: 50,
    seconds,
    pageBytes: Object.fromEntries(targets.map((t) => [t.name, Buffer.byteLength(pages[t.name])])),
    product,
    baseline,
    ratio,
    target: { feedRatio: 0.3, met: (ratio.feed ?? 0) >= 0.3 },
    logLevel: 'warn',
  });

  if (runs('load')) {
    await fetchCsrfTokens(server.url, readers);
    const connections = Number(args['load-connections']);
    const loadSeconds = Number(args['load-seconds']);
    progress(`load: ${connections} clients for ${loadSeconds} s, reads, searches, votes and comments`);
    const mix = await runMix({
      url: server.url,
      connections,
      seconds: loadSeconds,
      papers: sample.map((p) => ({ id: p.id, feedDate: p.feedDate })),
      queries: [
        ...queries,
        ...pastedAbstracts()
          .slice(0, 3)
          .map((q) => q.q),
      ],
      categories: [...new Set(sample.map((p) => p.categories.split(' ')[0] ?? 'cs.LG'))],
      readers,
      writeShare: 0.2,
    });
    report('load', {
      ...mix,
      ok: mix.errors === 0 && mix.timeouts === 0 && Object.keys(mix.unexpected).length === 0,
    });
  }
  const peak = peakRssMiB(server.child.pid ?? 0);
  report('memory', {
    peakRssMiBAfterPages: rssAfterPages,
    peakRssMiB: peak,
    target: { MiB: 1024, met: peak <= 1024 },
    note: 'VmHWM of the `paperboy serve` process after the page runs (and the load run, when it ran)',
  });
  const stopped = await server.kill('SIGTERM');
  if (stopped.code !== 0) throw new Error(`serve did not stop cleanly: ${server.stderr()}`);
}

// --- crash

async function crashStep(): Promise<void> {
  const kills = args['crash-kills'];
  progress(`crash: the crash suite with ${kills} kills per scenario`);
  const started = performance.now();
  const child = spawn('npx', ['vitest', 'run', 'test/crash.test.ts'], {
    cwd: resolve(import.meta.dirname, '../..'),
    env: { ...process.env, PAPERBOY_CRASH_KILLS: kills },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const code = await new Promise<number | null>((done) => child.on('exit', done));
  const summary = /\{"suite":"crash".*\}/.exec(output)?.[0];
  report('crash', {
    passed: code === 0,
    seconds: round((performance.now() - started) / 1000),
    ...(summary ? (JSON.parse(summary) as object) : {}),
    ...(code === 0 ? {} : { output: output.slice(-4000) }),
  });
}

async function main(): Promise<void> {
  const cpu = cpus();
  report('machine', {
    cpu: cpu[0]?.model,
    cores: cpu.length,
    memoryGiB: round(totalmem() / 2 ** 30),
    node: process.version,
    date: new Date().toISOString(),
    loadAverages: loadavg().map((l) => round(l, 2)),
  });
  const started = performance.now();
  let file = '';
  if (runs('generate') || runs('import')) {
    progress(`generating ${PAPERS} papers in ${DIR} (kept for later runs)`);
    const t = performance.now();
    file = await generateScaleCorpus(PAPERS, DIR);
    report('generate', { file, seconds: round((performance.now() - t) / 1000) });
  }
  if (runs('import')) await importStep(file);
  if (runs('search')) await searchStep();
  if (runs('pages') || runs('load')) await pagesAndLoadStep();
  if (runs('crash')) await crashStep();
  report('total', { minutes: round((performance.now() - started) / 60_000, 2) });
  writeFileSync(join(DIR, `results-${PAPERS}.json`), JSON.stringify(results, null, 2));
}

await main();
