/**
 * Harvest benchmark: how many OAI-PMH records per second Paperboy parses and stores.
 *
 *   npm run bench:harvest [-- --records 100000 --page-size 1000]
 *
 * The records are generated from the real ones in ../shared/fixtures/oai-pmh-arxiv (each real record is
 * repeated under fresh arXiv ids, so sizes, authors, abstracts and entities are arXiv's own). Three
 * figures: parsing alone (XML check, parse, mapping to papers); one ListRecords response holding every
 * record, fetched from a local replay server and stored into a fresh SQLite database; and the same
 * records in pages of --page-size behind resumption tokens, as arXiv serves them. No politeness delay.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { arxivRecordToPaper } from '../src/ingest/arxiv-oai.js';
import { runHarvest } from '../src/ingest/harvest.js';
import { parseOaiResponse } from '../src/ingest/oai-pmh.js';
import { createLogger } from '../src/log.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { idOfRecord, listRecordsPage, realArxivRecords } from '../test/support/oai-fixtures.js';
import { startReplayServer, type ReplayHandler } from '../test/support/replay-server.js';

const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '100000' },
    'page-size': { type: 'string', default: '1000' },
  },
});
const total = Number(args.records);
const pageSize = Number(args['page-size']);

function generateRecords(count: number): string[] {
  const { hepTh, hepEx, samples, single } = realArxivRecords();
  const templates = [...hepTh, ...hepEx, ...samples, ...single];
  return Array.from({ length: count }, (_, i) => {
    const template = templates[i % templates.length]!;
    const realId = idOfRecord(template);
    // 2501.00000, 2501.00001, …: five-digit new-style ids, one month per 100,000 records.
    const id = `${25 + Math.floor(i / 1_200_000)}${String(1 + (Math.floor(i / 100_000) % 12)).padStart(2, '0')}.${String(i % 100_000).padStart(5, '0')}`;
    return template
      .replace(`oai:arXiv.org:${realId}</identifier>`, `oai:arXiv.org:${id}</identifier>`)
      .replace(`<id>${realId}</id>`, `<id>${id}</id>`);
  });
}

function mb(bytes: number): number {
  return Math.round((bytes / 1024 / 1024) * 10) / 10;
}

function rate(records: number, ms: number): number {
  return Math.round(records / (ms / 1000));
}

/** CPU milliseconds used by this process so far: on a shared machine, the figure that load does not skew. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

async function harvestInto(
  handler: ReplayHandler,
): Promise<{ ms: number; cpuMs: number; stored: number; pages: number }> {
  const server = await startReplayServer(handler);
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-bench-harvest-'));
  const store = new SqliteStore(join(dir, 'bench.db'));
  try {
    const started = performance.now();
    const cpuStarted = cpuMs();
    const report = await runHarvest(
      {
        store,
        logger: createLogger('silent'),
        oaiUrl: `${server.url}/oai`,
        http: { delayMs: 0, timeoutMs: 600_000 },
      },
      { from: '2025-01-01' },
    );
    const ms = performance.now() - started;
    return { ms, cpuMs: cpuMs() - cpuStarted, stored: await store.countPapers(), pages: report.pages };
  } finally {
    await store.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const records = generateRecords(total);
const oneResponse = listRecordsPage(records, null);

// Parsing alone: well-formedness check, parse, and mapping every record to a paper. In a function, so
// that its tree and papers can be collected before the harvests run.
function parseAll(): { ms: number; cpuMs: number } {
  const started = performance.now();
  const cpuStarted = cpuMs();
  const papers = parseOaiResponse(oneResponse).records.map((record) => arxivRecordToPaper(record).paper);
  const result = { ms: performance.now() - started, cpuMs: cpuMs() - cpuStarted };
  const distinct = new Set(papers.map((p) => p.id)).size;
  if (papers.length !== total || distinct !== total) {
    throw new Error(`parsed ${papers.length} papers (${distinct} distinct), expected ${total}`);
  }
  return result;
}
const parse = parseAll();

const single = await harvestInto(() => ({ body: oneResponse }));

const pageCount = Math.ceil(total / pageSize);
const pages = Array.from({ length: pageCount }, (_, i) =>
  listRecordsPage(
    records.slice(i * pageSize, (i + 1) * pageSize),
    i + 1 < pageCount ? { token: `page-${i + 1}`, cursor: i * pageSize, completeListSize: total } : null,
  ),
);
const paged = await harvestInto(({ url }) => {
  const token = url.searchParams.get('resumptionToken');
  return { body: pages[token === null ? 0 : Number(token.slice('page-'.length))] ?? '' };
});

for (const [name, run] of Object.entries({ single, paged })) {
  if (run.stored !== total) throw new Error(`${name}: stored ${run.stored} papers, expected ${total}`);
}

console.log(
  JSON.stringify(
    {
      benchmark: 'harvest',
      records: total,
      templates: 'the 19 distinct real records of ../shared/fixtures/oai-pmh-arxiv, under fresh ids',
      // recordsPerSecond is wall-clock; recordsPerCpuSecond divides by the CPU time this process used.
      parseOnly: {
        seconds: parse.ms / 1000,
        recordsPerSecond: rate(total, parse.ms),
        recordsPerCpuSecond: rate(total, parse.cpuMs),
      },
      oneListRecordsResponse: {
        responseMB: mb(Buffer.byteLength(oneResponse)),
        seconds: single.ms / 1000,
        recordsPerSecond: rate(total, single.ms),
        recordsPerCpuSecond: rate(total, single.cpuMs),
      },
      pagedListRecords: {
        pageSize,
        pages: paged.pages,
        seconds: paged.ms / 1000,
        recordsPerSecond: rate(total, paged.ms),
        recordsPerCpuSecond: rate(total, paged.cpuMs),
      },
      peakRssMB: mb(process.resourceUsage().maxRSS * 1024),
      loadAverage1m: loadavg()[0],
      node: process.version,
    },
    null,
    2,
  ),
);
