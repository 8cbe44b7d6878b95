import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  HarvestBusyError,
  HarvestError,
  harvestJobName,
  runHarvest,
  type HarvestDeps,
  type HarvestRequest,
} from '../src/ingest/harvest.js';
import { createLogger } from '../src/log.js';
import type { Store } from '../src/store/store.js';
import {
  deletedRecord,
  idOfRecord,
  listRecordsPage,
  oaiFixture,
  realArxivRecords,
  type PageToken,
} from './support/oai-fixtures.js';
import {
  gapsBetweenRequests,
  startReplayServer,
  type ReplayHandler,
  type ReplayReply,
  type ReplayServer,
} from './support/replay-server.js';
import { createTestDatabase, type TestDatabase } from './support/test-store.js';

const DELAY_MS = 50;
const { hepTh, hepEx, samples } = realArxivRecords();
let database: TestDatabase;
let store: Store;
let server: ReplayServer | undefined;

beforeEach(async () => {
  database = await createTestDatabase();
  store = database.store;
});

afterEach(async () => {
  await server?.close();
  server = undefined;
  await database.close();
});

function token(name: string, cursor: number, size: number): PageToken {
  return { token: name, cursor, completeListSize: size };
}

/** Serves ListRecords pages: the first request (any window) gets `first`, a token gets its page. */
function pagesHandler(first: string, byToken: Record<string, string> = {}): ReplayHandler {
  return ({ url }) => {
    const resumption = url.searchParams.get('resumptionToken');
    if (resumption === null) return { body: first };
    const page = byToken[resumption];
    return page ? { body: page } : { body: oaiFixture('oai-pmh-generic', 'badResumptionToken.xml') };
  };
}

async function serve(handler: ReplayHandler): Promise<ReplayServer> {
  server = await startReplayServer(handler);
  return server;
}

function harvest(request: HarvestRequest = {}, overrides: Partial<HarvestDeps> = {}) {
  if (!server) throw new Error('start the replay server first');
  return runHarvest(
    {
      store,
      logger: createLogger('silent'),
      oaiUrl: `${server.url}/oai`,
      http: { delayMs: DELAY_MS, maxAttempts: 5 },
      ...overrides,
    },
    request,
  );
}

async function harvestError(request: HarvestRequest = {}): Promise<HarvestError> {
  const error = await harvest(request).then(
    () => null,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(HarvestError);
  return error as HarvestError;
}

const twoPages = {
  first: listRecordsPage(hepTh, token('page-2', 0, 6)),
  byToken: { 'page-2': listRecordsPage(hepEx, null, { emptyToken: true }) },
};

describe('harvest over a two-page resumption sequence', () => {
  it('imports every record once, and a second run adds nothing', async () => {
    await serve(pagesHandler(twoPages.first, twoPages.byToken));
    const first = await harvest({ set: 'physics', from: '2017-12-14' });
    expect(first).toMatchObject({ pages: 2, records: 6, inserted: 6, updated: 0, deleted: 0, skipped: 0 });
    expect(await store.countPapers()).toBe(6);
    for (const record of [...hepTh, ...hepEx])
      expect(await store.getPaper(idOfRecord(record))).not.toBeNull();

    expect(server!.log.map((r) => r.query)).toEqual([
      { verb: 'ListRecords', metadataPrefix: 'arXiv', set: 'physics', from: '2017-12-14' },
      { verb: 'ListRecords', resumptionToken: 'page-2' },
    ]);

    // The daily run: no window given, so it asks from the last datestamp on.
    const second = await harvest({ set: 'physics' });
    expect(second).toMatchObject({ pages: 2, records: 6, inserted: 0, updated: 0, unchanged: 6 });
    expect(await store.countPapers()).toBe(6);
    expect(server!.log[2]?.query).toEqual({
      verb: 'ListRecords',
      metadataPrefix: 'arXiv',
      set: 'physics',
      from: '2017-12-14',
    });

    const runs = await store.lastHarvestRuns(5);
    expect(runs.map((r) => [r.status, r.inserted, r.pages, r.error])).toEqual([
      ['completed', 0, 2, null],
      ['completed', 6, 2, null],
    ]);
    expect(runs[0]?.finishedAt).not.toBeNull();
    expect(await store.harvestCheckpoint('physics')).toEqual({
      set: 'physics',
      lastDatestamp: '2017-12-14',
      pending: null,
    });
  });

  it('stores papers as arXiv describes them: replacements on their first day, new papers on their announcement day', async () => {
    await serve(pagesHandler(listRecordsPage([...hepTh.slice(0, 1), ...samples.slice(0, 1)], null)));
    await harvest({ from: '2016-01-01' });
    expect(await store.getPaper('1412.8323')).toMatchObject({
      version: 2,
      feedDate: '2014-12-29',
      isArxiv: true,
      categories: ['quant-ph', 'gr-qc', 'hep-th', 'math-ph', 'math.MP', 'physics.hist-ph'],
    });
    // sample_arxiv_record0: created 2016-01-13, announced 2016-01-14.
    expect(await store.getPaper('1601.03238')).toMatchObject({ version: 1, feedDate: '2016-01-14' });
  });

  it('updates a stored paper when a new version arrives, keeping its feed day', async () => {
    const original = samples[0]!; // 1601.03238, first version
    expect(idOfRecord(original)).toBe('1601.03238');
    const revised = original
      .replace('<created>2016-01-13</created>', '<created>2016-01-13</created><updated>2016-03-02</updated>')
      .replace(
        'Irreversible degradation of quantum coherence under relativistic motion',
        'Irreversible degradation of quantum coherence under relativistic motion (revised)',
      )
      .replace('<datestamp>2016-01-14</datestamp>', '<datestamp>2016-03-03</datestamp>');
    expect(revised).not.toBe(original);
    let page = listRecordsPage([original], null);
    await serve(() => ({ body: page }));
    await harvest({ from: '2016-01-14' });
    page = listRecordsPage([revised], null);
    const report = await harvest();
    expect(report).toMatchObject({ updated: 1, inserted: 0 });
    expect(await store.getPaper('1601.03238')).toMatchObject({
      title: 'Irreversible degradation of quantum coherence under relativistic motion (revised)',
      version: 2,
      updatedAt: '2016-03-02T00:00:00.000Z',
      publishedAt: '2016-01-13T00:00:00.000Z',
      feedDate: '2016-01-14',
    });
    expect(server!.log[1]?.query.from).toBe('2016-01-14');
  });

  it('removes the papers of deleted records and counts them', async () => {
    const withDeletion = listRecordsPage([deletedRecord('1507.07790', '2017-12-15')], null);
    let page = twoPages.first;
    await serve((request) =>
      request.url.searchParams.has('resumptionToken') ? { body: twoPages.byToken['page-2'] } : { body: page },
    );
    await harvest({ from: '2017-12-14' });
    expect(await store.getPaper('1507.07790')).not.toBeNull();
    page = withDeletion;
    const report = await harvest();
    expect(report).toMatchObject({ deleted: 1, records: 1 });
    expect(await store.getPaper('1507.07790')).toBeNull();
    expect(await store.countPapers()).toBe(5);
    expect((await store.harvestCheckpoint(''))?.lastDatestamp).toBe('2017-12-15');
  });

  it('follows the generic four-page token chain, skipping records that are not arXiv records', async () => {
    const generic = (name: string) => oaiFixture('oai-pmh-generic', name);
    await serve(
      pagesHandler(generic('ListRecords.xml'), {
        'ListRecords2.xml': generic('ListRecords2.xml'),
        'ListRecords3.xml': generic('ListRecords3.xml'),
        'ListRecords4.xml': generic('ListRecords4.xml'),
      }),
    );
    const report = await harvest({ from: '2011-01-01' });
    expect(report).toMatchObject({ pages: 4, records: 8, inserted: 0, deleted: 0, skipped: 8 });
    expect(server!.log.map((r) => r.query.resumptionToken ?? null)).toEqual([
      null,
      'ListRecords2.xml',
      'ListRecords3.xml',
      'ListRecords4.xml',
    ]);
  });
});

describe('harvest errors', () => {
  it('treats noRecordsMatch as a successful run with nothing new', async () => {
    await serve(() => ({ body: oaiFixture('oai-pmh-generic', 'noRecordsMatch.xml') }));
    const report = await harvest({ set: 'cs', from: '2030-01-01' });
    expect(report).toMatchObject({ pages: 1, records: 0, inserted: 0 });
    expect((await store.lastHarvestRuns(1))[0]).toMatchObject({ status: 'completed', error: null });
  });

  it.each([
    ['badArgument.xml', /OAI-PMH badArgument: the repository rejected the request arguments/],
    [
      'cannotDisseminateFormat.xml',
      /cannotDisseminateFormat: the repository cannot provide records in the arXiv/,
    ],
    ['noSetHierarchy.xml', /noSetHierarchy: the repository does not support sets/],
    ['idDoesNotExist.xml', /idDoesNotExist/],
    ['undefinedError.xml', /undefinedError/],
    ['badResumptionToken.xml', /badResumptionToken: the repository no longer accepts the resumption token/],
  ])('stops on %s with a clear error and records it', async (file, message) => {
    await serve(() => ({ body: oaiFixture('oai-pmh-generic', file) }));
    const error = await harvestError({ set: 'cs', from: '2025-01-01' });
    expect(error.message).toMatch(message);
    const [run] = await store.lastHarvestRuns(1);
    expect(run).toMatchObject({ status: 'failed', pages: 0 });
    expect(run?.error).toMatch(message);
    expect(await store.harvestCheckpoint('cs')).toBeNull();
  });

  it('stops at the broken page keeping the pages before it, and resumes from there', async () => {
    const third = listRecordsPage(samples.slice(0, 2), null);
    let second = oaiFixture('oai-pmh-generic', 'ListRecordsBroken.xml');
    await serve((request) => {
      const name = request.url.searchParams.get('resumptionToken');
      if (name === null) return { body: twoPages.first };
      return { body: name === 'page-2' ? second : third };
    });
    const error = await harvestError({ from: '2017-12-14' });
    expect(error.message).toMatch(/arXiv sent a malformed page: the OAI-PMH response is not well-formed XML/);
    expect(error.report).toMatchObject({ pages: 1, inserted: 3 });
    expect(await store.countPapers()).toBe(3);
    expect(await store.harvestCheckpoint('')).toMatchObject({
      pending: { from: '2017-12-14', until: null, resumptionToken: 'page-2', pages: 1 },
    });

    second = listRecordsPage(hepEx, token('page-3', 3, 8));
    const resumed = await harvest();
    expect(resumed).toMatchObject({ resumed: true, pages: 2, inserted: 5, from: '2017-12-14' });
    expect(await store.countPapers()).toBe(8);
    expect(server!.log.map((r) => r.query.resumptionToken ?? 'window')).toEqual([
      'window',
      'page-2',
      'page-2',
      'page-3',
    ]);
    expect((await store.lastHarvestRuns(2)).map((r) => r.status)).toEqual(['completed', 'failed']);
  });

  it('harvests the window again when the stopped run’s token has expired', async () => {
    let expired = false;
    await serve((request) => {
      const name = request.url.searchParams.get('resumptionToken');
      if (name === null)
        return { body: expired ? listRecordsPage(hepTh, token('fresh-2', 0, 6)) : twoPages.first };
      if (name === 'fresh-2') return { body: listRecordsPage(hepEx, null) };
      if (expired) return { body: oaiFixture('oai-pmh-generic', 'badResumptionToken.xml') };
      return { status: 500 };
    });
    await harvestError({ from: '2017-12-14' });
    expect(server!.log).toHaveLength(6);
    expired = true;
    const report = await harvest();
    expect(report).toMatchObject({ resumed: true, pages: 2, inserted: 3, unchanged: 3 });
    expect(server!.log.slice(6).map((r) => r.query.resumptionToken ?? `from=${r.query.from}`)).toEqual([
      'page-2',
      'from=2017-12-14',
      'fresh-2',
    ]);
    expect(await store.countPapers()).toBe(6);
    expect(await store.harvestCheckpoint('')).toMatchObject({ pending: null, lastDatestamp: '2017-12-14' });
  });

  it('refuses a repository that sends the same resumption token forever', async () => {
    await serve(() => ({ body: listRecordsPage([], token('again', 0, 10)) }));
    const error = await harvestError({ from: '2025-01-01' });
    expect(error.message).toMatch(/sent the same resumption token twice/);
    expect(server!.log).toHaveLength(2);
  });
});

describe('one harvest at a time', () => {
  it('refuses to start while a live process holds the lease on the same set', async () => {
    await serve(() => ({ body: listRecordsPage(hepTh, null) }));
    const owner = `${hostname()}:${process.pid}:0000`;
    await store.acquireJobLease(harvestJobName('cs'), owner, 60_000, new Date());
    const error = await harvestError({ set: 'cs' });
    expect(error).toBeInstanceOf(HarvestBusyError);
    expect(error.message).toMatch(
      new RegExp(`^another harvest of set cs is running \\(process ${owner}, lease until `),
    );
    expect(error.report).toBeNull();
    expect(server!.log).toHaveLength(0);
    // Another set is another harvest.
    expect(await harvest({ set: 'math' })).toMatchObject({ inserted: 3 });
  });

  it('takes over from a run whose process is gone, marking it interrupted', async () => {
    await serve(() => ({ body: listRecordsPage(hepTh, null) }));
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    const owner = `${hostname()}:${gone}:0000`;
    // Killed mid-run: its lease has not run out, and its run is still marked running.
    await store.acquireJobLease(harvestJobName(''), owner, 60_000, new Date());
    await store.startHarvestRun({ set: '', from: null, until: null, resumed: false, owner });
    expect(await harvest()).toMatchObject({ inserted: 3 });
    expect((await store.lastHarvestRuns(2)).map((r) => r.status)).toEqual(['completed', 'interrupted']);
  });
});

describe('politeness', () => {
  it('waits out a 503 with Retry-After: 2', async () => {
    const replies: ReplayReply[] = [{ status: 503, headers: { 'retry-after': '2' }, body: 'busy' }];
    await serve(() => replies.shift() ?? { body: listRecordsPage(hepTh, null) });
    const report = await harvest({ from: '2017-12-14' });
    expect(report).toMatchObject({ inserted: 3 });
    expect(server!.log.map((r) => r.status)).toEqual([503, 200]);
    expect(gapsBetweenRequests(server!.log)[0]).toBeGreaterThanOrEqual(2000);
  });

  it('gives up after five 500s in a row with a clear error', async () => {
    await serve(() => ({ status: 500, body: 'Internal Server Error' }));
    const error = await harvestError({ from: '2017-12-14' });
    expect(error.message).toBe(
      'arXiv is unavailable: 127.0.0.1:' +
        new URL(server!.url).port +
        ' failed 5 times in a row (last: HTTP 500)',
    );
    expect(server!.log).toHaveLength(5);
    // Exponential backoff: each pause is longer than the one before.
    const gaps = gapsBetweenRequests(server!.log);
    gaps.slice(1).forEach((gap, i) => expect(gap).toBeGreaterThan(gaps[i]!));
    expect((await store.lastHarvestRuns(1))[0]).toMatchObject({ status: 'failed' });
  });

  it('gives up on a repository that refuses connections, naming the network error', async () => {
    await serve(() => ({ body: '' }));
    await server!.close();
    const error = await harvestError({ from: '2017-12-14' });
    expect(error.message).toMatch(
      /^arXiv is unavailable: 127\.0\.0\.1:\d+ failed 5 times in a row \(last: .*ECONNREFUSED/,
    );
    server = undefined;
  });

  it('retries a response cut off mid-body', async () => {
    const replies: ReplayReply[] = [{ cutMidBody: true, body: listRecordsPage(hepTh, null) }];
    await serve(() => replies.shift() ?? { body: listRecordsPage(hepTh, null) });
    expect(await harvest({ from: '2017-12-14' })).toMatchObject({ inserted: 3 });
    expect(server!.log).toHaveLength(2);
  });

  it('never sends two requests closer together than the configured delay', async () => {
    const delayMs = 250;
    const pages = [hepTh, hepEx, samples.slice(0, 5), samples.slice(5, 10), samples.slice(10)];
    const byToken = Object.fromEntries(
      pages
        .slice(1)
        .map((records, i) => [
          `p${i + 2}`,
          listRecordsPage(records, i + 2 < pages.length ? token(`p${i + 3}`, 0, 18) : null),
        ]),
    );
    await serve(pagesHandler(listRecordsPage(pages[0]!, token('p2', 0, 18)), byToken));
    const report = await harvest({ from: '2015-01-01' }, { http: { delayMs, maxAttempts: 5 } });
    expect(report).toMatchObject({ pages: 5, inserted: 18 });
    const gaps = gapsBetweenRequests(server!.log);
    expect(gaps).toHaveLength(4);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(delayMs);
  });
});
