import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, type ArxivConfig } from '../src/config.js';
import { nextDailyRun, startHarvestSchedule } from '../src/ingest/harvest-schedule.js';
import { harvestJobName } from '../src/ingest/harvest.js';
import { createLogger } from '../src/log.js';
import type { Store } from '../src/store/store.js';
import { listRecordsPage, realArxivRecords } from './support/oai-fixtures.js';
import { startReplayServer, type ReplayServer } from './support/replay-server.js';
import { createTestDatabase, type TestDatabase } from './support/test-store.js';

describe('nextDailyRun', () => {
  it('is later today when the time has not come yet, else tomorrow', () => {
    expect(nextDailyRun(new Date('2026-03-10T05:59:00Z'), '06:00').toISOString()).toBe(
      '2026-03-10T06:00:00.000Z',
    );
    expect(nextDailyRun(new Date('2026-03-10T06:00:00Z'), '06:00').toISOString()).toBe(
      '2026-03-11T06:00:00.000Z',
    );
    expect(nextDailyRun(new Date('2026-12-31T23:30:00Z'), '00:15').toISOString()).toBe(
      '2027-01-01T00:15:00.000Z',
    );
  });
});

describe('harvest configuration', () => {
  const base = { PAPERBOY_SECRET: 'x'.repeat(32), PAPERBOY_DB: ':memory:' };

  it('defaults to arXiv’s endpoints, a 3 s delay and no schedule', () => {
    expect(loadConfig(base).arxiv).toEqual({
      apiUrl: 'https://export.arxiv.org/api/query',
      oaiUrl: 'https://oaipmh.arxiv.org/oai',
      requestDelayMs: 3000,
      harvestAt: null,
      harvestSet: null,
    });
  });

  it('reads every variable and rejects bad values with one message naming each', () => {
    const env = {
      ...base,
      ARXIV_API_URL: 'http://127.0.0.1:9/api/query',
      ARXIV_OAI_URL: 'http://127.0.0.1:9/oai',
      ARXIV_REQUEST_DELAY_MS: '50',
      PAPERBOY_HARVEST_AT: '06:30',
      PAPERBOY_HARVEST_SET: 'physics:hep-th',
    };
    expect(loadConfig(env).arxiv).toEqual({
      apiUrl: 'http://127.0.0.1:9/api/query',
      oaiUrl: 'http://127.0.0.1:9/oai',
      requestDelayMs: 50,
      harvestAt: '06:30',
      harvestSet: 'physics:hep-th',
    });
    expect(() =>
      loadConfig({ ...env, PAPERBOY_HARVEST_AT: '6:30', ARXIV_REQUEST_DELAY_MS: '-1', ARXIV_OAI_URL: 'oai' }),
    ).toThrow(
      /ARXIV_OAI_URL: .*ARXIV_REQUEST_DELAY_MS: .*PAPERBOY_HARVEST_AT: must be a UTC time of day HH:MM/,
    );
  });
});

describe('startHarvestSchedule', () => {
  let database: TestDatabase;
  let store: Store;
  let server: ReplayServer;
  const { hepTh } = realArxivRecords();

  beforeEach(async () => {
    database = await createTestDatabase();
    store = database.store;
    server = await startReplayServer(() => ({ body: listRecordsPage(hepTh, null) }));
  });

  afterEach(async () => {
    await server.close();
    await database.close();
  });

  function arxiv(overrides: Partial<ArxivConfig>): { arxiv: ArxivConfig } {
    return {
      arxiv: {
        apiUrl: `${server.url}/api/query`,
        oaiUrl: `${server.url}/oai`,
        requestDelayMs: 50,
        harvestAt: null,
        harvestSet: null,
        ...overrides,
      },
    };
  }

  it('does nothing when PAPERBOY_HARVEST_AT is not set', async () => {
    const schedule = startHarvestSchedule({ store, logger: createLogger('silent'), config: arxiv({}) });
    expect(schedule.nextRunAt()).toBeNull();
    await schedule.stop();
    expect(server.log).toHaveLength(0);
  });

  it('harvests at the configured time, records the run, and schedules the next day', async () => {
    // A clock that reaches 06:00 UTC a quarter of a second after the test starts.
    const start = Date.now();
    const now = () => new Date(Date.parse('2026-03-10T05:59:59.750Z') + (Date.now() - start));
    const schedule = startHarvestSchedule(
      { store, logger: createLogger('silent'), config: arxiv({ harvestAt: '06:00', harvestSet: 'cs' }) },
      now,
    );
    expect(schedule.nextRunAt()?.toISOString()).toBe('2026-03-10T06:00:00.000Z');
    await server.waitForRequests(1);
    await expect
      .poll(() => schedule.nextRunAt()?.toISOString(), { timeout: 5000 })
      .toBe('2026-03-11T06:00:00.000Z');
    expect(server.log[0]?.query).toMatchObject({ verb: 'ListRecords', set: 'cs', metadataPrefix: 'arXiv' });
    const [run] = await store.lastHarvestRuns(1);
    expect(run).toMatchObject({ status: 'completed', set: 'cs', inserted: 3 });
    expect(await store.countPapers()).toBe(3);
    await schedule.stop();
    expect(schedule.nextRunAt()).toBeNull();
  });

  it('stops a running harvest on shutdown, leaving it to be resumed', async () => {
    await server.close();
    server = await startReplayServer(() => ({ hang: true }));
    const schedule = startHarvestSchedule({ store, logger: createLogger('silent'), config: arxiv({}) });
    const running = schedule.runNow();
    await server.waitForRequests(1);
    const stopping = schedule.stop();
    expect(await running).toBeNull();
    await stopping;
    expect((await store.lastHarvestRuns(1))[0]).toMatchObject({
      status: 'interrupted',
      error: 'stopped by shutdown',
    });
  });

  it('leaves the harvest to the node holding the set’s lease, and resumes what a dead node left', async () => {
    await server.close();
    let hang = true;
    server = await startReplayServer(() => (hang ? { hang: true } : { body: listRecordsPage(hepTh, null) }));
    const logger = createLogger('silent');
    const config = arxiv({ harvestSet: 'cs' });
    const nodeA = startHarvestSchedule({ store, logger, config });
    const nodeB = startHarvestSchedule({ store: database.open(), logger, config });
    const running = nodeA.runNow();
    await server.waitForRequests(1);
    // B skips without asking arXiv or recording a run while A's harvest waits on arXiv.
    expect(await nodeB.runNow()).toBeNull();
    expect(server.log).toHaveLength(1);
    expect(await store.lastHarvestRuns(5)).toMatchObject([{ status: 'running', set: 'cs' }]);
    await nodeA.stop();
    expect(await running).toBeNull();

    // A node on another host died a page into a run two minutes ago: its lease ran out, its run says running.
    const dead = 'other-host:4242:0000';
    const long = new Date(Date.now() - 120_000);
    await store.acquireJobLease(harvestJobName('cs'), dead, 60_000, long);
    const runId = await store.startHarvestRun({
      set: 'cs',
      from: null,
      until: null,
      resumed: false,
      owner: dead,
    });
    const pending = { from: '2026-03-01', until: null, resumptionToken: 'page-2', pages: 1 };
    await store.commitHarvestPage({
      runId,
      deletedIds: [],
      checkpoint: { set: 'cs', lastDatestamp: '2026-03-02', pending },
      counts: { pages: 1, records: 0, inserted: 0, updated: 0, unchanged: 0, deleted: 0, skipped: 0 },
    });
    hang = false;
    expect(await nodeB.runNow()).toMatchObject({ resumed: true, inserted: 3 });
    expect(server.log[1]?.query).toMatchObject({ verb: 'ListRecords', resumptionToken: 'page-2' });
    expect((await store.lastHarvestRuns(2)).map((r) => [r.status, r.owner === dead])).toEqual([
      ['completed', false],
      ['interrupted', true],
    ]);
    expect((await store.getJobLease(harvestJobName('cs')))?.owner).toBeNull();
    await nodeB.stop();
  });
});
