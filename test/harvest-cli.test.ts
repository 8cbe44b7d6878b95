import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../src/store/store.js';
import { idOfRecord, listRecordsPage, oaiFixture, realArxivRecords } from './support/oai-fixtures.js';
import {
  arxivApiReplay,
  startReplayServer,
  type ReplayHandler,
  type ReplayServer,
} from './support/replay-server.js';
import { createTestDatabase, type TestDatabase } from './support/test-store.js';

/**
 * The `paperboy harvest` and `paperboy add` commands as a person runs them: the built CLI
 * (`npm run build` first; `npm test` does) in a child process, against a replay server.
 */

const ROOT = resolve(import.meta.dirname, '..');
const CLI = join(ROOT, 'bin', 'paperboy.js');
const { hepTh, hepEx, samples } = realArxivRecords();

let database: TestDatabase;
let server: ReplayServer | undefined;

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'harvest.js'))) {
    throw new Error('dist/ is missing: run `npm run build` before these tests (npm test does)');
  }
});

beforeEach(async () => {
  database = await createTestDatabase();
});

afterEach(async () => {
  await server?.close();
  server = undefined;
  await database.close();
});

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function paperboy(args: string[]): { child: ChildProcess; finished: Promise<Finished> } {
  return run(process.execPath, [CLI, ...args]);
}

function run(command: string, args: string[]): { child: ChildProcess; finished: Promise<Finished> } {
  if (!server) throw new Error('start the replay server first');
  const child = spawn(command, args, {
    cwd: database.dir,
    env: {
      PATH: process.env.PATH,
      ...database.env,
      ARXIV_OAI_URL: `${server.url}/oai`,
      ARXIV_API_URL: `${server.url}/api/query`,
      ARXIV_REQUEST_DELAY_MS: '50',
      LOG_LEVEL: 'silent',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const finished = new Promise<Finished>((done) =>
    child.on('close', (code, signal) => done({ code, signal, stdout, stderr })),
  );
  return { child, finished };
}

/** The database as another process sees it, between CLI runs. */
function withStore<T>(use: (store: Store) => Promise<T>): Promise<T> {
  return use(database.store);
}

describe('paperboy harvest', () => {
  it('killed (SIGKILL) between pages, then run again: completes with no duplicate and no gap', async () => {
    const pages: Record<string, string> = {
      'page-2': listRecordsPage(hepEx, { token: 'page-3', cursor: 3, completeListSize: 18 }),
      'page-3': listRecordsPage(samples, null),
    };
    let hangOnPage2 = true;
    const handler: ReplayHandler = ({ url }) => {
      const token = url.searchParams.get('resumptionToken');
      if (token === null)
        return { body: listRecordsPage(hepTh, { token: 'page-2', cursor: 0, completeListSize: 18 }) };
      if (token === 'page-2' && hangOnPage2) return { hang: true };
      return { body: pages[token] ?? oaiFixture('oai-pmh-generic', 'badResumptionToken.xml') };
    };
    server = await startReplayServer(handler);
    const args = ['harvest', '--set', 'physics', '--from', '2017-12-14'];

    const first = paperboy(args);
    // The request for page 2 is only sent once page 1 is committed.
    await server.waitForRequests(2);
    first.child.kill('SIGKILL');
    expect((await first.finished).signal).toBe('SIGKILL');
    await withStore(async (store) => {
      expect(await store.countPapers()).toBe(3);
      expect((await store.harvestCheckpoint('physics'))?.pending).toEqual({
        from: '2017-12-14',
        until: null,
        resumptionToken: 'page-2',
        pages: 1,
      });
    });

    hangOnPage2 = false;
    const second = await paperboy(args).finished;
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(
      /Harvested set physics from 2017-12-14 \(resumed\): 2 pages, 15 records — 15 new, 0 updated, 0 unchanged, 0 deleted, 0 skipped\./,
    );
    expect(server.log.map((r) => r.query.resumptionToken ?? 'first page')).toEqual([
      'first page',
      'page-2',
      'page-2',
      'page-3',
    ]);
    await withStore(async (store) => {
      const ids = [...hepTh, ...hepEx, ...samples].map(idOfRecord);
      expect(new Set(ids).size).toBe(18);
      expect(await store.countPapers()).toBe(18);
      for (const id of ids) expect(await store.getPaper(id)).not.toBeNull();
      expect((await store.harvestCheckpoint('physics'))?.pending).toBeNull();
      const runs = await store.lastHarvestRuns(2);
      expect(runs.map((r) => [r.status, r.resumed, r.inserted])).toEqual([
        ['completed', true, 15],
        ['interrupted', false, 3],
      ]);
    });
  });

  it('five 500s in a row: a clear error, a non-zero exit, and the committed pages kept', async () => {
    server = await startReplayServer(({ url }) =>
      url.searchParams.has('resumptionToken')
        ? { status: 500, body: 'Internal Server Error' }
        : { body: listRecordsPage(hepTh, { token: 'page-2', cursor: 0, completeListSize: 6 }) },
    );
    const result = await paperboy(['harvest', '--from', '2017-12-14']).finished;
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^paperboy: harvest stopped: arXiv is unavailable: 127\.0\.0\.1:\d+ failed 5 times in a row \(last: HTTP 500\)\n/,
    );
    expect(result.stderr).toMatch(/1 page \(3 records\) of this run are saved/);
    expect(server.log).toHaveLength(6);
    await withStore(async (store) => expect(await store.countPapers()).toBe(3));
  });

  it('a malformed page: a clear error and a non-zero exit', async () => {
    server = await startReplayServer(() => ({
      body: oaiFixture('oai-pmh-generic', 'ListRecordsBroken.xml'),
    }));
    const result = await paperboy(['harvest', '--from', '2017-12-14']).finished;
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^paperboy: harvest stopped: arXiv sent a malformed page: the OAI-PMH response is not well-formed XML \(line 1/,
    );
  });

  it('shows progress (pages, records, rate) on a terminal', async () => {
    server = await startReplayServer(({ url }) =>
      url.searchParams.has('resumptionToken')
        ? { body: listRecordsPage(hepEx, null) }
        : { body: listRecordsPage(hepTh, { token: 'page-2', cursor: 0, completeListSize: 6 }) },
    );
    // util-linux `script` runs the command on a pseudo-terminal, as a person's shell would.
    const command = `${process.execPath} ${CLI} harvest --from 2017-12-14`;
    const { finished } = run('script', ['-qec', command, '/dev/null']);
    const result = await finished;
    expect(result.code).toBe(0);
    // Each update returns to the start of the line and clears it.
    const [before, page1, page2] = result.stdout.split('\r\u001b[K');
    expect(before).toBe('');
    expect(page1).toMatch(
      /^harvest: page 1 · 3 of 6 records · \d+ records\/s · 3 new, 0 updated, 0 deleted$/,
    );
    expect(page2).toMatch(
      /^harvest: page 2 · 6 of 6 records · \d+ records\/s · 6 new, 0 updated, 0 deleted\r?\n/,
    );
    expect(page2).toContain('Harvested all sets from 2017-12-14: 2 pages, 6 records — 6 new');
  });

  it('rejects a bad date before asking arXiv anything', async () => {
    server = await startReplayServer(() => ({ status: 500 }));
    const result = await paperboy(['harvest', '--from', '2025-13-40']).finished;
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'paperboy: --from must be a date written YYYY-MM-DD, e.g. 2025-03-14 (got "2025-13-40")\n',
    );
    expect(server.log).toHaveLength(0);
  });
});

describe('paperboy add', () => {
  it('adds papers by id, reports the unknown and the malformed, and exits non-zero', async () => {
    server = await startReplayServer(arxivApiReplay());
    // arXiv was recorded answering these two in one request; abc never reaches it.
    const result = await paperboy(['add', '0808.05394', 'https://arxiv.org/abs/1707.08567', 'abc']).finished;
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('added  1707.08567v1  Proceedings of Workshop AEW10');
    expect(result.stdout).toContain('1 added, 0 updated, 0 unchanged, 2 failed.');
    expect(result.stderr).toBe(
      'paperboy: abc is not a valid arXiv id\npaperboy: arXiv has no paper 0808.05394\n',
    );
    expect(server.log).toHaveLength(1);
    const today = new Date().toISOString().slice(0, 10);
    await withStore(async (store) => {
      expect(await store.countPapers()).toBe(1);
      expect(await store.getPaper('1707.08567')).toMatchObject({ feedDate: today, version: 1 });
    });

    const known = await paperboy(['add', '1707.08567']).finished;
    expect(known.code).toBe(0);
    expect(known.stdout).toContain('known  1707.08567v1');
    expect(known.stdout).toContain('0 added, 0 updated, 1 unchanged.');
  });

  it('says "arXiv has no paper 0000.0000" for an unknown id', async () => {
    server = await startReplayServer(arxivApiReplay());
    const result = await paperboy(['add', '0000.0000']).finished;
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('paperboy: arXiv has no paper 0000.0000\n');
    expect(result.stdout).toBe('0 added, 0 updated, 0 unchanged, 1 failed.\n');
  });
});
