/** Importing real files into a real store (SQLite or PostgreSQL), and `paperboy import` as a real process. */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importFiles } from '../src/ingest/import.js';
import { readLines } from '../src/ingest/read-lines.js';
import type { Paper } from '../src/model/paper.js';
import type { Store } from '../src/store/store.js';
import { sharedPath } from './support/shared.js';
import { createTestDatabase, type TestDatabase } from './support/test-store.js';

const ROOT = resolve(import.meta.dirname, '..');
const SEED = sharedPath('corpus/seed-listing.txt');
const HF_DAY = sharedPath('fixtures/hf-daily-papers-api/2026-08-21.json');
const SNAPSHOT = join(ROOT, 'test/fixtures/arxiv-snapshot-sample.jsonl');

let dir: string;
let database: TestDatabase;
let store: Store;

beforeEach(async () => {
  database = await createTestDatabase();
  dir = database.dir;
  store = database.store;
});

afterEach(async () => {
  await database.close();
});

/** The first `count` lines of a gzipped JSON Lines file from ../shared. */
async function sharedLines(name: string, count: number): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of readLines(sharedPath('corpus', name))) {
    if (lines.push(line) >= count) break;
  }
  return lines;
}

function writeTemp(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function papersOn(day: string): Promise<Paper[]> {
  const page = await store.listFeed({ from: day, to: day, sort: 'newest', offset: 0, limit: 1000 });
  return page.items;
}

describe('the seed listing', () => {
  it('yields its 33 papers on 12 March, with code and project links cut clean', async () => {
    const report = await importFiles(store, [SEED], { listingYear: 2025 });
    expect(report).toEqual({ inserted: 33, updated: 0, unchanged: 0, skipped: [], failed: [] });
    const papers = await papersOn('2025-03-12');
    expect(papers).toHaveLength(33);
    const byTitle = new Map(papers.map((paper) => [paper.title, paper]));
    for (const title of [
      'Unified Auto-Encoding with Masked Diffusion',
      'Masked Diffusion with Task-awareness for Procedure Planning in Instructional Videos',
      'Scaling up Masked Diffusion Models on Text',
      'Masked Diffusion Models are Secretly Time-Agnostic Masked Models and Exploit Inaccurate Categorical Sampling',
    ]) {
      expect(byTitle.get(title)?.abstract.length).toBeGreaterThan(300);
    }
    expect(
      byTitle.get('Comprehensive Attribution: Inherently Explainable Vision Model with Feature Detector'),
    ).toMatchObject({
      codeUrl: 'https://github.com/Zood123/COMET',
      isArxiv: false,
      id: expect.stringMatching(/^pb-/),
    });
    expect(
      byTitle.get('DepthMaster: Taming Diffusion Models for Monocular Depth Estimation')?.projectUrl,
    ).toBe('https://indu1ge.github.io/DepthMaster_page');
    expect(
      byTitle.get('Masked Completion via Structured Diffusion with White-Box Transformers')?.codeUrl,
    ).toBe('https://github.com/Ma-Lab-Berkeley/CRATE');
    // Every link the listing's abstracts contain (19), each classified once, none ending in punctuation.
    const links = papers.flatMap((paper) => [paper.codeUrl, paper.projectUrl]).filter((url) => url !== null);
    expect(papers.filter((paper) => paper.codeUrl).length).toBe(15);
    expect(papers.filter((paper) => paper.projectUrl).length).toBe(4);
    for (const url of links) expect(url).toMatch(/^https:\/\/[^\s{}]+[\w/+-]$/);
  });

  it('imports again without duplicates: the local ids are stable', async () => {
    await importFiles(store, [SEED], { listingYear: 2025 });
    const again = await importFiles(store, [SEED], { listingYear: 2025 });
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: 33 });
    expect(await store.countPapers()).toBe(33);
  });
});

describe('Hugging Face daily papers', () => {
  it('imports a day’s JSON array with upvotes, submitter, code and project page', async () => {
    const entries = JSON.parse(readFileSync(HF_DAY, 'utf8')) as { paper: { id: string; upvotes: number } }[];
    const report = await importFiles(store, [HF_DAY]);
    expect(report).toMatchObject({ inserted: entries.length, skipped: [], failed: [] });
    const paper = await store.getPaper('2608.19880');
    expect(paper).toMatchObject({
      feedDate: '2026-08-21',
      upvotes: entries.find((entry) => entry.paper.id === '2608.19880')?.paper.upvotes,
      submittedBy: { user: 'taesiri' },
      codeUrl: 'https://github.com/google-research/envharness',
      projectUrl: 'https://envharness.com/',
    });
  });

  it('imports gzipped JSON Lines told by content, not by name', async () => {
    const lines = await sharedLines('hf-daily-papers-2024-2026.jsonl.gz', 200);
    const path = writeTemp('daily.dat', gzipSync(lines.join('\n')));
    const report = await importFiles(store, [path]);
    const ids = new Set(lines.map((line) => (JSON.parse(line) as { paper: { id: string } }).paper.id));
    expect(report.inserted).toBe(ids.size);
    expect(report.skipped).toEqual([]);
    const first = JSON.parse(lines[0]!) as {
      paper: { id: string; upvotes: number; submittedOnDailyBy?: { user: string } };
      _archive_date: string;
    };
    expect(await store.getPaper(first.paper.id)).toMatchObject({
      upvotes: first.paper.upvotes,
      feedDate: first._archive_date,
      codeUrl: 'https://github.com/alibaba/conv-llava',
    });
    // The archive's early entries name the submitter at the top level, under `name`.
    type Entry = {
      paper: { id: string; submittedOnDailyBy?: { user: string } };
      submittedBy?: { name: string };
    };
    const submitted = lines.map((line) => JSON.parse(line) as Entry).find((entry) => entry.submittedBy);
    expect(submitted).toBeDefined();
    expect((await store.getPaper(submitted!.paper.id))?.submittedBy?.user).toBe(
      submitted!.paper.submittedOnDailyBy?.user ?? submitted!.submittedBy!.name,
    );
  });
});

describe('the arXiv metadata snapshot', () => {
  it('is told from its keys and imports versions, dates, DOI and journal ref', async () => {
    const report = await importFiles(store, [SNAPSHOT]);
    expect(report).toMatchObject({ inserted: 4, skipped: [], failed: [] });
    expect(await store.getPaper('funct-an/9301001')).toMatchObject({ isArxiv: true, version: 2 });
    expect(await store.getPaper('0704.0001')).toMatchObject({
      doi: '10.1103/PhysRevD.76.013009',
      version: 2,
    });
  });
});

describe('merging sources', () => {
  const listingLine = (title: string): string =>
    JSON.stringify({
      id: '0704.0001',
      authors: ['C. Balázs'],
      title,
      categories: ['hep-ph'],
      comment: null,
      summary: 'An older abstract.',
      _listing_date: '2007-04-03',
    });

  it('lets a newer version update a paper, and adds nothing on a repeat', async () => {
    const older = writeTemp('older.jsonl', listingLine('An older title') + '\n');
    expect(await importFiles(store, [older])).toMatchObject({ inserted: 1 });
    expect(await importFiles(store, [SNAPSHOT])).toMatchObject({ inserted: 3, updated: 1 });
    expect(await store.getPaper('0704.0001')).toMatchObject({
      version: 2,
      title: 'Calculation of prompt diphoton production cross sections at Tevatron and LHC energies',
      feedDate: '2007-04-02',
      updatedAt: '2007-07-24T20:10:27.000Z',
    });
    expect(await importFiles(store, [SNAPSHOT, older])).toMatchObject({
      inserted: 0,
      updated: 0,
      unchanged: 5,
    });
    expect(await store.countPapers()).toBe(4);
  });

  it('merges a paper that appears twice in one batch, as if imported one after the other', async () => {
    const entry = (upvotes: number): string =>
      JSON.stringify({
        paper: { id: '2406.09414', title: 'Depth Anything V2', upvotes },
        publishedAt: '2024-06-14T00:20:32Z',
      });
    const path = writeTemp('twice.jsonl', [entry(3), entry(45), entry(10)].join('\n'));
    expect(await importFiles(store, [path])).toMatchObject({ inserted: 1, updated: 1, unchanged: 1 });
    expect(await store.getPaper('2406.09414')).toMatchObject({ upvotes: 45, feedDate: '2024-06-14' });
  });

  it('adds Hugging Face upvotes and submitter to a paper known from an arXiv listing', async () => {
    const [line = ''] = await sharedLines('arxiv-listings-2025-2026.jsonl.gz', 1);
    const id = (JSON.parse(line) as { id: string }).id;
    await importFiles(store, [writeTemp('listing.jsonl', line)]);
    const hf = {
      paper: { id, title: 'x', upvotes: 12, submittedOnDailyBy: { user: 'someone', fullname: 'Some One' } },
      publishedAt: '2025-03-20T10:00:00.000Z',
    };
    expect(await importFiles(store, [writeTemp('hf.jsonl', JSON.stringify(hf))])).toMatchObject({
      updated: 1,
    });
    const paper = await store.getPaper(id);
    expect(paper).toMatchObject({
      upvotes: 12,
      submittedBy: { user: 'someone' },
      categories: ['cs.CV', 'cs.RO'],
    });
    expect(paper?.title).not.toBe('x');
  });
});

describe('a long import', () => {
  it('lets other work run between its batches (a server, timers, the store’s own threads)', async () => {
    const lines = await sharedLines('arxiv-listings-2025-2026.jsonl.gz', 3_000);
    const path = writeTemp('listing.jsonl', lines.join('\n'));
    expect(statSync(path).size).toBeGreaterThan(4 << 20); // parsed in a worker thread, as big files are
    let calls = 0;
    let turnedBefore = 0;
    let turned = true;
    await importFiles(store, [path], {
      onProgress: () => {
        calls++;
        if (turned) turnedBefore++;
        turned = false;
        setImmediate(() => (turned = true));
      },
    });
    expect(calls).toBeGreaterThan(4);
    // The event loop came round before every batch, not only once the import was over.
    expect(turnedBefore).toBe(calls);
  });
});

describe('bad input', () => {
  /** Ten real listing lines with three broken ones put in at lines 3, 6 and 9. */
  async function fileWithBrokenLines(): Promise<{ path: string; good: number }> {
    const lines = await sharedLines('arxiv-listings-2025-2026.jsonl.gz', 10);
    const withoutTitle = JSON.parse(lines[1]!) as Record<string, unknown>;
    delete withoutTitle.title;
    const malformedId = { ...(JSON.parse(lines[2]!) as object), id: '2503.1174x' };
    const all = [...lines];
    all.splice(2, 0, lines[0]!.slice(0, 120));
    all.splice(5, 0, JSON.stringify(withoutTitle));
    all.splice(8, 0, JSON.stringify(malformedId));
    return { path: writeTemp('broken.jsonl', all.join('\n') + '\n'), good: 10 };
  }

  it('skips the broken records, naming their lines, and imports the rest', async () => {
    const { path, good } = await fileWithBrokenLines();
    const report = await importFiles(store, [path]);
    expect(report.inserted).toBe(good);
    expect(report.skipped).toEqual([
      { file: path, line: 3, message: expect.stringMatching(/^invalid JSON/) },
      { file: path, line: 6, message: 'no title' },
      { file: path, line: 9, message: 'malformed arXiv id "2503.1174x"' },
    ]);
    expect(await store.countPapers()).toBe(good);
  });

  it('reports unreadable files, keeps what came before a corrupt part, and imports the other files', async () => {
    const lines = await sharedLines('arxiv-listings-2025-2026.jsonl.gz', 300);
    const gzip = gzipSync(lines.join('\n'));
    const truncated = writeTemp('truncated.jsonl.gz', gzip.subarray(0, Math.floor(gzip.length / 2)));
    const report = await importFiles(store, [join(dir, 'missing.jsonl'), truncated, dir, SNAPSHOT]);
    expect(report.failed).toEqual([
      { file: join(dir, 'missing.jsonl'), message: 'no such file' },
      { file: truncated, message: 'the gzip file is truncated' },
      { file: dir, message: 'is a directory, not a file' },
    ]);
    expect(report.inserted).toBeGreaterThan(4);
    expect(await store.getPaper('0704.0001')).not.toBeNull();
  });

  it('refuses JSON it cannot place, and text that is not a listing', async () => {
    const json = writeTemp('other.jsonl', '{"name": "not a paper"}\n');
    const text = writeTemp('notes.txt', 'Shopping list\n\neggs\n\n'.repeat(10));
    const report = await importFiles(store, [json, text]);
    expect(report.failed).toEqual([
      { file: json, message: expect.stringMatching(/cannot tell the format .* pass --format/) },
      { file: text, message: expect.stringMatching(/no date line/) },
    ]);
  });

  it('obeys an explicit format, reporting records that do not fit it', async () => {
    const path = writeTemp(
      'listing.jsonl',
      (await sharedLines('arxiv-listings-2025-2026.jsonl.gz', 2)).join('\n'),
    );
    const report = await importFiles(store, [path], { format: 'hf-daily' });
    expect(report.skipped).toEqual([
      { file: path, line: 1, message: 'missing paper' },
      { file: path, line: 2, message: 'missing paper' },
    ]);
  });
});

describe('paperboy import', () => {
  function paperboy(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    if (!existsSync(join(ROOT, 'dist/cli/import.js'))) {
      throw new Error('dist/ is missing: run `npm run build` before these tests (npm test does)');
    }
    return new Promise((done) => {
      const child = spawn(process.execPath, [join(ROOT, 'bin/paperboy.js'), 'import', ...args], {
        env: { ...process.env, ...database.env, LOG_LEVEL: 'silent' },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('close', (code) => done({ code, stdout, stderr }));
    });
  }

  it('summarises, names each skipped line and exits non-zero', async () => {
    const lines = await sharedLines('arxiv-listings-2025-2026.jsonl.gz', 4);
    const path = writeTemp(
      'broken.jsonl',
      [lines[0], '{"id": ', lines[1], '{"id": "x", "title": "T"}'].join('\n'),
    );
    const { code, stdout, stderr } = await paperboy([path]);
    expect(stdout.trim()).toBe('imported 2, updated 0, unchanged 0, skipped 2');
    expect(stderr).toMatch(new RegExp(`^${path}:2: invalid JSON`, 'm'));
    expect(stderr).toContain(`${path}:4: malformed arXiv id "x"`);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(code).toBe(1);
  });

  it('exits zero on a clean import and non-zero on a missing file, without a stack trace', async () => {
    expect(await paperboy([SEED, '--year', '2025'])).toMatchObject({
      code: 0,
      stdout: 'imported 33, updated 0, unchanged 0, skipped 0\n',
    });
    const missing = await paperboy([join(dir, 'nope.txt')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`${join(dir, 'nope.txt')}: no such file\n`);
    const badYear = await paperboy([SEED, '--year', 'soon']);
    expect(badYear.code).not.toBe(0);
    expect(badYear.stderr).toMatch(/--year.*four-digit year/);
  });
});
