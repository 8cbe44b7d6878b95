/**
 * The Store contract: the same tests against every adapter (SQLite in a temp dir, PostgreSQL in a scratch
 * database), so the product behaves the same whichever database it runs on.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { User } from '../src/community/model.js';
import { emptyPaper, type PaperInput } from '../src/model/paper.js';
import { parseListing } from '../src/ingest/formats/listing-text.js';
import { HIGHLIGHT_END, HIGHLIGHT_START, highlightRuns } from '../src/search/highlight.js';
import { parseQuery } from '../src/search/query.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { SearchRequest, Store } from '../src/store/store.js';
import { hostileString } from './support/hostile.js';
import { createScratchDatabase, type ScratchDatabase } from './support/pg.js';
import { sharedPath } from './support/shared.js';

interface Adapter {
  name: string;
  setup(): Promise<void>;
  /** A store on an empty, migrated database. */
  open(): Promise<Store>;
  teardown(): Promise<void>;
}

function sqliteAdapter(): Adapter {
  let dir = '';
  let count = 0;
  return {
    name: 'SQLite',
    setup: async () => {
      dir = mkdtempSync(join(tmpdir(), 'paperboy-contract-'));
    },
    open: async () => new SqliteStore(join(dir, `store-${++count}.db`)),
    teardown: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

function postgresAdapter(): Adapter {
  let database: ScratchDatabase | null = null;
  return {
    name: 'PostgreSQL',
    setup: async () => {
      database = await createScratchDatabase();
    },
    open: async () => {
      if (!database) throw new Error('no scratch database');
      // The first store migrates the empty database; later ones find it migrated and emptied.
      await database.reset();
      return new PostgresStore(database.url);
    },
    teardown: async () => database?.drop(),
  };
}

const NOW = new Date('2026-03-12T10:00:00Z');

function paper(id: string, feedDate: string, extra: Partial<PaperInput> = {}): PaperInput {
  return { ...emptyPaper(id, `Paper ${id}`, feedDate), version: 1, ...extra };
}

function request(query: string, extra: Partial<SearchRequest> = {}): SearchRequest {
  return { query: parseQuery(query), filters: {}, sort: 'relevance', offset: 0, limit: 10, ...extra };
}

const seedPapers = (): PaperInput[] =>
  parseListing(readFileSync(sharedPath('corpus/seed-listing.txt'), 'utf8'), { year: 2025 }).flatMap(
    (record) => ('paper' in record ? [record.paper] : []),
  );

/** Marked words of a highlighted text, lower-cased. */
const marked = (text: string): string[] =>
  highlightRuns(text)
    .filter((run) => run.highlighted)
    .map((run) => run.text.toLowerCase());

describe.each([sqliteAdapter(), postgresAdapter()])('Store contract on $name', (adapter) => {
  let store: Store;
  beforeAll(() => adapter.setup());
  afterAll(() => adapter.teardown());
  beforeEach(async () => {
    store = await adapter.open();
  });
  afterEach(() => store.close());

  describe('papers', () => {
    it('stores every field as given and reads it back', async () => {
      const full: PaperInput = {
        id: '2503.11731',
        version: 2,
        title: 'Über <b>masked</b> diffusion & “quotes”: 100% \\LaTeX $x^2$',
        authors: ['Zoë Müller', "O'Brien, J.", '李雷'],
        abstract: 'Line one.\nLine two with \u{1F600} and a tab\t.',
        categories: ['cs.LG', 'cs.CV', 'stat.ML'],
        publishedAt: '2025-03-14T17:59:59Z',
        updatedAt: '2025-03-20T01:02:03Z',
        feedDate: '2025-03-17',
        comment: '12 pages',
        journalRef: 'NeurIPS 2025',
        doi: '10.1000/xyz',
        codeUrl: 'https://github.com/example/repo',
        projectUrl: 'https://example.org',
        upvotes: 42,
        submittedBy: { user: 'akhaliq', fullname: 'AK', avatarUrl: 'https://example.org/a.png' },
        githubStars: 7,
        aiSummary: 'A summary.',
        aiKeywords: ['diffusion', 'masking'],
        organization: 'Example Lab',
      };
      const local = paper('pb-0123456789abcdef', '2025-03-17', { version: null });
      expect(await store.upsertPapers([full, local])).toEqual({ inserted: 2, updated: 0, unchanged: 0 });
      expect(await store.getPaper(full.id)).toEqual({ ...full, isArxiv: true, numComments: 0 });
      expect(await store.getPaper(local.id)).toEqual({ ...local, isArxiv: false, numComments: 0 });
      expect(await store.getPaper('2503.99999')).toBeNull();
      expect(await store.countPapers()).toBe(2);
    });

    it('is idempotent: the same papers again change nothing', async () => {
      const papers = seedPapers();
      expect(papers.length).toBe(33);
      expect(await store.upsertPapers(papers)).toEqual({ inserted: 33, updated: 0, unchanged: 0 });
      expect(await store.upsertPapers(papers)).toEqual({ inserted: 0, updated: 0, unchanged: 33 });
      expect(await store.countPapers()).toBe(33);
      expect(await store.upsertPapers([])).toEqual({ inserted: 0, updated: 0, unchanged: 0 });
    });

    it('merges a known paper as mergePaper does, also within one call', async () => {
      const v1 = paper('2503.00001', '2025-03-12', {
        title: 'Old title',
        categories: ['cs.CV'],
        upvotes: 3,
        abstract: 'Old abstract.',
      });
      await store.upsertPapers([v1]);
      const v2 = paper('2503.00001', '2025-03-14', {
        version: 2,
        title: 'New title',
        categories: ['cs.LG', 'cs.AI'],
        upvotes: 1,
        codeUrl: 'https://github.com/a/b',
      });
      expect(await store.upsertPapers([v2, v2])).toEqual({ inserted: 0, updated: 1, unchanged: 1 });
      expect(await store.getPaper('2503.00001')).toMatchObject({
        version: 2,
        title: 'New title',
        // A newer version without an abstract keeps the known one; the first feed day and the most votes stay.
        abstract: 'Old abstract.',
        feedDate: '2025-03-12',
        upvotes: 3,
        categories: ['cs.LG', 'cs.AI'],
        codeUrl: 'https://github.com/a/b',
      });
      expect(await store.categories()).toEqual([
        { category: 'cs.AI', count: 1 },
        { category: 'cs.LG', count: 1 },
      ]);
      // New to the store and repeated in the call: inserted once, then merged.
      expect(
        await store.upsertPapers([
          paper('2503.00002', '2025-03-13'),
          paper('2503.00002', '2025-03-12', { upvotes: 9 }),
          paper('2503.00002', '2025-03-12', { upvotes: 9 }),
        ]),
      ).toEqual({ inserted: 1, updated: 1, unchanged: 1 });
      expect(await store.getPaper('2503.00002')).toMatchObject({ feedDate: '2025-03-12', upvotes: 9 });
    });

    it('takes thousands of papers in one call', async () => {
      const many = Array.from({ length: 2_500 }, (_, i) =>
        paper(`2501.${String(i).padStart(5, '0')}`, `2025-01-${String((i % 28) + 1).padStart(2, '0')}`, {
          categories: [i % 2 ? 'cs.CV' : 'cs.CL'],
        }),
      );
      expect(await store.upsertPapers(many)).toEqual({ inserted: 2_500, updated: 0, unchanged: 0 });
      expect(await store.countPapers()).toBe(2_500);
      expect(await store.categories()).toEqual([
        { category: 'cs.CL', count: 1_250 },
        { category: 'cs.CV', count: 1_250 },
      ]);
      const revisions = await store.paperRevisions(['2501.00007', 'missing']);
      expect([...revisions]).toEqual([
        ['2501.00007', { version: 1, updatedAt: null, feedDate: '2025-01-08' }],
      ]);
    });

    it('lists categories by paper count, then by name', async () => {
      await store.upsertPapers([
        paper('2503.00001', '2025-03-12', { categories: ['cs.LG', 'cs.CV'] }),
        paper('2503.00002', '2025-03-12', { categories: ['cs.CV', 'cs.LG', 'cs.CV'] }),
        paper('2503.00003', '2025-03-12', { categories: ['cs.CV', 'math.OC'] }),
        paper('2503.00004', '2025-03-12', { categories: ['cs.AI'] }),
      ]);
      expect(await store.categories()).toEqual([
        { category: 'cs.CV', count: 3 },
        { category: 'cs.LG', count: 2 },
        { category: 'cs.AI', count: 1 },
        { category: 'math.OC', count: 1 },
      ]);
    });
  });

  describe('feeds', () => {
    beforeEach(async () => {
      await store.upsertPapers([
        paper('2503.00001', '2025-03-10', { upvotes: 5 }),
        paper('2503.00002', '2025-03-12', {
          upvotes: 1,
          submittedBy: { user: 'ak', fullname: 'AK', avatarUrl: null },
        }),
        paper('2503.00003', '2025-03-12', { upvotes: 9 }),
        paper('2503.00004', '2025-03-12', { upvotes: 9 }),
        paper('2503.00005', '2025-03-17', { upvotes: 0 }),
      ]);
    });

    it('pages a range of days in each order with the total', async () => {
      const list = async (sort: 'newest' | 'upvotes' | 'trending', offset = 0, limit = 10) => {
        const page = await store.listFeed({ from: '2025-03-10', to: '2025-03-12', sort, offset, limit });
        return { ids: page.items.map((p) => p.id), total: page.total };
      };
      expect(await list('newest')).toEqual({
        ids: ['2503.00004', '2503.00003', '2503.00002', '2503.00001'],
        total: 4,
      });
      expect(await list('upvotes')).toEqual({
        ids: ['2503.00004', '2503.00003', '2503.00001', '2503.00002'],
        total: 4,
      });
      // log10(9) + 2 days / 7 beats log10(5); among equal scores the later insert first.
      expect((await list('trending')).ids).toEqual(['2503.00004', '2503.00003', '2503.00001', '2503.00002']);
      expect(await list('upvotes', 1, 2)).toEqual({ ids: ['2503.00003', '2503.00001'], total: 4 });
      expect(await list('upvotes', 10, 2)).toEqual({ ids: [], total: 4 });
      const submitted = await store.listFeed({
        from: '0000-01-01',
        to: '9999-12-31',
        sort: 'newest',
        offset: 0,
        limit: 5,
        submitter: 'ak',
      });
      expect(submitted.items.map((p) => p.id)).toEqual(['2503.00002']);
      expect(await store.isKnownSubmitter('ak')).toBe(true);
      expect(await store.isKnownSubmitter('nobody')).toBe(false);
    });

    it('finds the latest day and the neighbouring days that have papers', async () => {
      expect(await store.latestFeedDay()).toBe('2025-03-17');
      expect(await store.feedNeighbours('2025-03-12', '2025-03-12')).toEqual({
        previous: '2025-03-10',
        next: '2025-03-17',
      });
      expect(await store.feedNeighbours('2025-03-10', '2025-03-17')).toEqual({ previous: null, next: null });
      expect(await store.feedNeighbours('2025-03-11', '2025-03-11')).toEqual({
        previous: '2025-03-10',
        next: '2025-03-12',
      });
    });

    it('compares days that are not calendar days as text instead of failing', async () => {
      const page = await store.listFeed({
        from: '2025-03-11',
        to: '2025-03-99',
        sort: 'newest',
        offset: 0,
        limit: 9,
      });
      expect(page.items.map((p) => p.id)).toEqual(['2503.00005', '2503.00004', '2503.00003', '2503.00002']);
      expect(await store.feedNeighbours('2025-13-40', 'x')).toEqual({ previous: '2025-03-17', next: null });
    });

    it('knows nothing when empty', async () => {
      const empty = await adapter.open();
      try {
        expect(await empty.latestFeedDay()).toBeNull();
        expect(await empty.countPapers()).toBe(0);
        expect(await empty.categories()).toEqual([]);
        expect(
          await empty.listFeed({ from: '2025-01-01', to: '2025-12-31', sort: 'newest', offset: 0, limit: 5 }),
        ).toEqual({
          items: [],
          total: 0,
        });
      } finally {
        await empty.close();
      }
    });
  });

  describe('search', () => {
    beforeEach(async () => {
      await store.upsertPapers(seedPapers());
    });

    it('ranks the seed listing’s four masked-diffusion papers on top for `masked diffusion`', async () => {
      const page = await store.search(request('masked diffusion'));
      expect(new Set(page.items.slice(0, 4).map((hit) => hit.paper.title))).toEqual(
        new Set([
          'Unified Auto-Encoding with Masked Diffusion',
          'Masked Diffusion with Task-awareness for Procedure Planning in Instructional Videos',
          'Scaling up Masked Diffusion Models on Text',
          'Masked Diffusion Models are Secretly Time-Agnostic Masked Models and Exploit Inaccurate Categorical Sampling',
        ]),
      );
      expect(page.total).toBeGreaterThan(4);
      const scores = page.items.map((hit) => hit.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
    });

    it('marks the matched words in the title and an abstract excerpt', async () => {
      const [hit] = (await store.search(request('"masked diffusion" scaling'))).items;
      expect(hit?.paper.title).toBe('Scaling up Masked Diffusion Models on Text');
      expect(marked(hit?.titleHighlighted ?? '')).toEqual(
        expect.arrayContaining(['scaling', 'masked', 'diffusion']),
      );
      expect(hit?.titleHighlighted.replaceAll(HIGHLIGHT_START, '').replaceAll(HIGHLIGHT_END, '')).toBe(
        hit?.paper.title,
      );
      expect(marked(hit?.snippet ?? '').length).toBeGreaterThan(0);
      const words = (hit?.snippet ?? '')
        .replace(/[\uE000\uE001…]/gu, '')
        .trim()
        .split(/\s+/);
      expect(words.length).toBeLessThanOrEqual(45);
      expect(hit?.paper.abstract).toContain(words.slice(1, -1).join(' '));
    });

    it('requires phrases, excludes words and matches prefixes', async () => {
      const titles = async (query: string, extra: Partial<SearchRequest> = {}) =>
        (await store.search(request(query, { limit: 50, ...extra }))).items.map((hit) => hit.paper.title);
      const phrase = (await store.search(request('"masked image modeling"', { limit: 50 }))).items;
      expect(phrase.length).toBeGreaterThan(1);
      for (const { paper: p } of phrase) expect(`${p.title} ${p.abstract}`).toMatch(/masked image model/i);
      // Into a hyphenated word: its parts are words side by side like any other.
      expect((await titles('"pretext task of cross view completion"')).length).toBe(1);
      const masked = await titles('masked');
      const withoutDiffusion = await titles('masked -diffusion');
      expect(withoutDiffusion.length).toBeGreaterThan(0);
      expect(withoutDiffusion.length).toBeLessThan(masked.length);
      expect(withoutDiffusion.some((t) => /diffusion/i.test(t))).toBe(false);
      expect(await titles('colormae')).toEqual([
        'ColorMAE: Exploring data-independent masking strategies in Masked AutoEncoders',
      ]);
      expect(await titles('colorma*')).toEqual(await titles('colormae'));
      expect(await titles('-masked')).toEqual([]);
    });

    it('filters by category, days and code, sorts and pages with the total', async () => {
      await store.upsertPapers([
        paper('2503.20001', '2025-03-01', { title: 'Quantum annealing schedules', categories: ['quant-ph'] }),
        paper('2503.20002', '2025-03-05', {
          title: 'Quantum error correction codes',
          categories: ['quant-ph', 'cs.IT'],
          codeUrl: 'https://github.com/q/ecc',
          upvotes: 3,
        }),
        paper('2503.20003', '2025-03-09', {
          title: 'Quantum annealing in practice',
          categories: ['cs.ET'],
          upvotes: 8,
        }),
      ]);
      const ids = async (extra: Partial<SearchRequest>) =>
        (await store.search(request('quantum', extra))).items.map((hit) => hit.paper.id);
      expect(await ids({ filters: { category: 'quant-ph' }, sort: 'newest' })).toEqual([
        '2503.20002',
        '2503.20001',
      ]);
      expect(await ids({ filters: { hasCode: true } })).toEqual(['2503.20002']);
      expect(await ids({ filters: { from: '2025-03-02', to: '2025-03-08' } })).toEqual(['2503.20002']);
      expect(await ids({ filters: { from: '2025-03-09' } })).toEqual(['2503.20003']);
      expect(await ids({ sort: 'upvotes' })).toEqual(['2503.20003', '2503.20002', '2503.20001']);
      expect(await ids({ sort: 'newest' })).toEqual(['2503.20003', '2503.20002', '2503.20001']);
      const second = await store.search(request('quantum', { sort: 'newest', offset: 1, limit: 1 }));
      expect({ ids: second.items.map((hit) => hit.paper.id), total: second.total }).toEqual({
        ids: ['2503.20002'],
        total: 3,
      });
      const past = await store.search(request('quantum', { offset: 50 }));
      expect(past).toEqual({ items: [], total: 3, totalCapped: false });
      expect(await ids({ filters: { from: '2025-13-40' } })).toEqual([]);
    });

    it('finds stopword-only queries and words with or without accents', async () => {
      expect((await store.search(request('the'))).total).toBe(33);
      await store.upsertPapers([paper('2503.30001', '2025-03-01', { title: 'Café naïve résumé' })]);
      for (const query of ['cafe', 'café', 'CAFÉ naive', 'resume']) {
        expect((await store.search(request(query))).items.map((hit) => hit.paper.id)).toEqual(['2503.30001']);
      }
    });

    it('leaves hidden papers out', async () => {
      const [first] = (await store.search(request('colormae'))).items;
      await store.moderate({
        action: 'hide-paper',
        target: first?.paper.id ?? '',
        actorId: null,
        actor: 'cli',
        reason: 'test',
        at: NOW.toISOString(),
      });
      expect(await store.search(request('colormae'))).toEqual({ items: [], total: 0, totalCapped: false });
    });

    it.each([
      'c++',
      '"unterminated',
      'NEAR(',
      'NEAR(a b)',
      '-',
      ':',
      '!',
      '&',
      '|',
      "'",
      '\\',
      '',
      '   ',
      '*',
      'title:masked',
      "don't",
      "a' | 'b",
      '(((',
      ')) OR 1=1 --',
      "'); DROP TABLE papers; --",
      'masked <-> diffusion',
      'mask:*',
      '\u0000masked\u0000',
      '\uE000masked\uE001',
      '\uD800 lone surrogate',
    ])('answers the hostile query %j without failing', async (query) => {
      const page = await store.search(request(query));
      expect(page.total).toBeGreaterThanOrEqual(page.items.length);
      expect(await store.countPapers()).toBe(33);
    });

    it('answers 1 MB queries', async () => {
      for (const query of [
        'a'.repeat(1 << 20),
        'masked '.repeat(150_000),
        'c++ "NEAR( -:!&|\'\\ '.repeat(50_000),
      ]) {
        const page = await store.search(request(query));
        expect(page.total).toBeGreaterThanOrEqual(0);
      }
    });

    it('answers random strings without failing', async () => {
      await fc.assert(
        fc.asyncProperty(
          hostileString,
          fc.constantFrom('relevance', 'newest', 'upvotes'),
          async (query, sort) => {
            const page = await store.search(request(query, { sort: sort as SearchRequest['sort'] }));
            expect(page.items.length).toBeLessThanOrEqual(10);
          },
        ),
        { numRuns: 150 },
      );
    });

    it('finds papers like a given one, never the paper itself', async () => {
      const [maskAlign] = (await store.search(request('maskalign'))).items;
      expect(maskAlign).toBeDefined();
      const similar = await store.similarPapers(maskAlign?.paper.id ?? '', 3);
      expect(similar.length).toBe(3);
      expect(similar.map((p) => p.id)).not.toContain(maskAlign?.paper.id);
      // A masked-image-modeling paper: its neighbours are about masking too.
      for (const p of similar) expect(`${p.title} ${p.abstract}`).toMatch(/mask/i);
      expect(await store.similarPapers('missing', 3)).toEqual([]);
      expect(await store.similarPapers(maskAlign?.paper.id ?? '', 0)).toEqual([]);
    });
  });

  describe('harvest state', () => {
    it('keeps checkpoints, runs and deletions', async () => {
      expect(await store.harvestCheckpoint('cs')).toBeNull();
      const first = await store.startHarvestRun({
        set: 'cs',
        from: '2025-03-01',
        until: null,
        resumed: false,
        owner: 'a:1',
      });
      await store.upsertPapers([paper('2503.00001', '2025-03-10'), paper('2503.00002', '2025-03-10')]);
      const counts = { pages: 1, records: 3, inserted: 2, updated: 0, unchanged: 0, deleted: 1, skipped: 0 };
      await store.commitHarvestPage({
        runId: first,
        deletedIds: ['2503.00002', 'never-stored'],
        checkpoint: {
          set: 'cs',
          lastDatestamp: '2025-03-10',
          pending: { from: '2025-03-01', until: null, resumptionToken: 'token|1', pages: 1 },
        },
        counts,
      });
      expect(await store.getPaper('2503.00002')).toBeNull();
      expect(await store.countPapers()).toBe(1);
      expect(await store.harvestCheckpoint('cs')).toEqual({
        set: 'cs',
        lastDatestamp: '2025-03-10',
        pending: { from: '2025-03-01', until: null, resumptionToken: 'token|1', pages: 1 },
      });
      // A new run of the set finds the first still marked running: that one was killed.
      const second = await store.startHarvestRun({
        set: 'cs',
        from: null,
        until: null,
        resumed: true,
        owner: 'b:2',
      });
      const other = await store.startHarvestRun({
        set: 'math',
        from: null,
        until: null,
        resumed: false,
        owner: 'b:2',
      });
      await store.commitHarvestPage({
        runId: second,
        deletedIds: [],
        checkpoint: { set: 'cs', lastDatestamp: '2025-03-11', pending: null },
        counts: { ...counts, pages: 2 },
      });
      await store.finishHarvestRun(second, { status: 'completed', error: null });
      await store.finishHarvestRun(other, { status: 'failed', error: 'HTTP 503' });
      expect((await store.harvestCheckpoint('cs'))?.pending).toBeNull();
      const runs = await store.lastHarvestRuns(10);
      expect(runs.map((r) => [r.id, r.set, r.status, r.resumed, r.error, r.pages])).toEqual([
        [other, 'math', 'failed', false, 'HTTP 503', 0],
        [second, 'cs', 'completed', true, null, 2],
        [first, 'cs', 'interrupted', false, null, 1],
      ]);
      expect(runs[2]).toMatchObject({
        from: '2025-03-01',
        until: null,
        owner: 'a:1',
        records: 3,
        deleted: 1,
      });
      expect(runs[2]?.finishedAt).not.toBeNull();
      expect(await store.lastHarvestRuns(1)).toHaveLength(1);
    });
  });

  describe('community', () => {
    const user = async (username: string): Promise<User> => {
      const result = await store.createUser({
        username,
        email: `${username}@example.org`,
        passwordHash: 'scrypt$hash',
        createdAt: NOW.toISOString(),
      });
      if (!result.ok) throw new Error(`${username} exists`);
      return result.user;
    };

    it('keeps accounts unique regardless of case and sessions until they end', async () => {
      const alice = await user('Alice');
      expect(alice).toMatchObject({ username: 'Alice', fullname: 'Alice', isAdmin: false, suspended: false });
      expect(
        await store.createUser({
          username: 'alice',
          email: 'x@example.org',
          passwordHash: 'h',
          createdAt: '',
        }),
      ).toEqual({
        ok: false,
        conflict: 'username',
      });
      expect(
        await store.createUser({
          username: 'bob',
          email: 'ALICE@example.org',
          passwordHash: 'h',
          createdAt: '',
        }),
      ).toEqual({
        ok: false,
        conflict: 'email',
      });
      expect((await store.findUser('ALICE'))?.id).toBe(alice.id);
      expect(await store.findUserForLogin('alice@EXAMPLE.org')).toEqual({
        user: alice,
        passwordHash: 'scrypt$hash',
      });
      expect(await store.getUser(Number.NaN)).toBeNull();
      await store.setAdmin(alice.id, true);
      expect((await store.getUser(alice.id))?.isAdmin).toBe(true);
      expect((await store.listUsers()).map((u) => u.username)).toEqual(['Alice']);

      await store.createSession({
        idHash: 's1',
        userId: alice.id,
        createdAt: NOW.toISOString(),
        expiresAt: '2026-03-13T00:00:00.000Z',
      });
      expect((await store.getSession('s1', NOW))?.user.username).toBe('Alice');
      await store.extendSession('s1', '2026-03-20T00:00:00.000Z');
      expect((await store.getSession('s1', new Date('2026-03-19T00:00:00Z')))?.expiresAt).toBe(
        '2026-03-20T00:00:00.000Z',
      );
      await store.pruneExpired(new Date('2026-03-21T00:00:00Z'));
      expect(await store.getSession('s1', NOW)).toBeNull();
      await store.createSession({
        idHash: 's2',
        userId: alice.id,
        createdAt: NOW.toISOString(),
        expiresAt: '2027-01-01T00:00:00.000Z',
      });
      await store.setPasswordHash(alice.id, 'new');
      expect(await store.getSession('s2', NOW)).toBeNull();
      expect((await store.findUserForLogin('alice'))?.passwordHash).toBe('new');
    });

    it('counts rate-limit hits per window, also when they arrive together', async () => {
      const t0 = NOW.getTime();
      expect(await store.hitRateLimit('login:1.2.3.4', 60_000, new Date(t0))).toEqual({
        count: 1,
        resetAt: t0 + 60_000,
      });
      const together = await Promise.all(
        Array.from({ length: 8 }, () => store.hitRateLimit('login:1.2.3.4', 60_000, new Date(t0 + 1_000))),
      );
      expect(together.map((hit) => hit.count).sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
      expect(await store.hitRateLimit('login:1.2.3.4', 60_000, new Date(t0 + 60_000))).toEqual({
        count: 1,
        resetAt: t0 + 120_000,
      });
    });

    it('toggles votes, counts comments and keeps trending inputs in step', async () => {
      await store.upsertPapers([paper('2503.00001', '2026-03-10', { upvotes: 5 })]);
      const [alice, bob] = [await user('alice'), await user('bob')];
      expect(await store.toggleVote(alice.id, '2503.00001', NOW)).toEqual({ voted: true, upvotes: 6 });
      const both = await Promise.all([
        store.toggleVote(bob.id, '2503.00001', NOW),
        store.toggleVote(bob.id, '2503.00001', NOW),
      ]);
      expect(both.map((v) => v?.voted).sort()).toEqual([false, true]);
      expect((await store.getPaper('2503.00001'))?.upvotes).toBe(6);
      expect(await store.votedPaperIds(alice.id, ['2503.00001', 'x'])).toEqual(new Set(['2503.00001']));
      expect(await store.toggleVote(alice.id, 'missing', NOW)).toBeNull();

      const top = await store.addComment({
        paperId: '2503.00001',
        userId: alice.id,
        parentId: null,
        body: 'First',
        createdAt: NOW.toISOString(),
      });
      const reply = await store.addComment({
        paperId: '2503.00001',
        userId: bob.id,
        parentId: top?.id ?? null,
        body: 'Re',
        createdAt: NOW.toISOString(),
      });
      const deeper = await store.addComment({
        paperId: '2503.00001',
        userId: alice.id,
        parentId: reply?.id ?? null,
        body: 'Re re',
        createdAt: NOW.toISOString(),
      });
      expect([reply?.parentId, deeper?.parentId]).toEqual([top?.id, top?.id]);
      expect(
        await store.addComment({
          paperId: 'missing',
          userId: bob.id,
          parentId: null,
          body: 'x',
          createdAt: '',
        }),
      ).toBeNull();
      expect((await store.getPaper('2503.00001'))?.numComments).toBe(3);
      expect((await store.trendingInputs(['2503.00001'])).get('2503.00001')?.commenters).toBe(2);
      await store.editComment(top?.id ?? 0, 'First, edited', NOW);
      await store.deleteComment(reply?.id ?? 0, NOW);
      expect(
        (await store.listComments('2503.00001')).map((c) => [c.body, c.deleted, c.editedAt !== null]),
      ).toEqual([
        ['First, edited', false, true],
        ['', true, false],
        ['Re re', false, false],
      ]);
      expect((await store.getPaper('2503.00001'))?.numComments).toBe(2);
      expect(await store.communityTotals()).toEqual({ users: 2, votes: 1, comments: 2 });
    });

    it('submits papers once and keeps collections', async () => {
      await store.upsertPapers([paper('2503.00001', '2026-01-02'), paper('2503.00002', '2026-01-03')]);
      const alice = await user('alice');
      expect(await store.submitPaper('2503.00001', alice, '2026-03-12')).toEqual({
        status: 'submitted',
        feedDate: '2026-03-12',
      });
      expect(await store.submitPaper('2503.00001', alice, '2026-03-13')).toEqual({
        status: 'already-submitted',
        feedDate: '2026-03-12',
        submitter: 'alice',
      });
      const reading = await store.createCollection({
        ownerId: alice.id,
        name: 'Reading',
        isPublic: false,
        now: NOW,
      });
      expect(
        await store.createCollection({ ownerId: alice.id, name: 'READING', isPublic: true, now: NOW }),
      ).toBeNull();
      const shared = await store.createCollection({
        ownerId: alice.id,
        name: 'diffusion',
        isPublic: true,
        now: NOW,
      });
      expect(await store.addToCollection(reading?.id ?? 0, '2503.00001', NOW)).toBe(true);
      expect(await store.addToCollection(reading?.id ?? 0, '2503.00001', NOW)).toBe(true);
      expect(await store.addToCollection(reading?.id ?? 0, '2503.00002', new Date(NOW.getTime() + 1))).toBe(
        true,
      );
      expect(await store.addToCollection(reading?.id ?? 0, 'missing', NOW)).toBe(false);
      expect(await store.getCollection(reading?.id ?? 0)).toMatchObject({
        name: 'Reading',
        isPublic: false,
        paperCount: 2,
        ownerUsername: 'alice',
      });
      expect((await store.collectionPapers(reading?.id ?? 0)).map((p) => p.id)).toEqual([
        '2503.00002',
        '2503.00001',
      ]);
      expect((await store.listCollections(alice.id, true)).map((c) => c.name)).toEqual([
        'diffusion',
        'Reading',
      ]);
      expect((await store.listCollections(alice.id, false)).map((c) => c.name)).toEqual(['diffusion']);
      expect(await store.collectionsWithPaper(alice.id, '2503.00001')).toEqual([reading?.id]);
      expect(await store.updateCollection(shared?.id ?? 0, { name: 'reading' })).toBe(false);
      expect(await store.updateCollection(shared?.id ?? 0, { isPublic: false })).toBe(true);
      await store.removeFromCollection(reading?.id ?? 0, '2503.00001');
      expect((await store.getCollection(reading?.id ?? 0))?.paperCount).toBe(1);
      await store.deleteCollection(reading?.id ?? 0);
      expect(await store.getCollection(reading?.id ?? 0)).toBeNull();
    });

    it('moderates papers, comments and users and logs every action', async () => {
      await store.upsertPapers([paper('2503.00001', '2026-03-10'), paper('2503.00002', '2026-03-10')]);
      const [admin, spammer] = [await user('admin'), await user('spammer')];
      const comment = await store.addComment({
        paperId: '2503.00002',
        userId: spammer.id,
        parentId: null,
        body: 'buy',
        createdAt: '',
      });
      await store.createSession({
        idHash: 'sp',
        userId: spammer.id,
        createdAt: '',
        expiresAt: '2099-01-01T00:00:00.000Z',
      });
      const act = (action: 'hide-paper' | 'hide-comment' | 'suspend-user' | 'unhide-paper', target: string) =>
        store.moderate({
          action,
          target,
          actorId: admin.id,
          actor: 'admin',
          reason: 'spam',
          at: NOW.toISOString(),
        });
      expect(await act('hide-paper', '2503.00001')).toBe(true);
      expect(await act('hide-comment', String(comment?.id))).toBe(true);
      expect(await act('suspend-user', 'SPAMMER')).toBe(true);
      expect(await act('hide-comment', 'not a number')).toBe(false);
      expect(await act('hide-paper', 'missing')).toBe(false);
      expect(await store.getPaper('2503.00001')).toBeNull();
      expect((await store.hiddenPapers()).map((p) => p.id)).toEqual(['2503.00001']);
      const feed = await store.listFeed({
        from: '2026-03-10',
        to: '2026-03-10',
        sort: 'newest',
        offset: 0,
        limit: 5,
      });
      expect({ ids: feed.items.map((p) => p.id), total: feed.total }).toEqual({
        ids: ['2503.00002'],
        total: 1,
      });
      expect((await store.getPaper('2503.00002'))?.numComments).toBe(0);
      expect(await store.getSession('sp', NOW)).toBeNull();
      expect((await store.getUser(spammer.id))?.suspended).toBe(true);
      expect((await store.auditLog(0, 10)).map((e) => [e.action, e.target, e.actor])).toEqual([
        ['suspend-user', 'SPAMMER', 'admin'],
        ['hide-comment', String(comment?.id), 'admin'],
        ['hide-paper', '2503.00001', 'admin'],
      ]);
      expect(await store.auditLog(2, 10)).toHaveLength(1);
      expect(await act('unhide-paper', '2503.00001')).toBe(true);
      expect(await store.getPaper('2503.00001')).not.toBeNull();
    });
  });

  describe('recommend', () => {
    const user = async (username: string): Promise<User> => {
      const result = await store.createUser({
        username,
        email: `${username}@example.org`,
        passwordHash: 'h',
        createdAt: '',
      });
      if (!result.ok) throw new Error(`${username} exists`);
      return result.user;
    };

    it('collects a user’s saves, votes and not-interested marks of visible papers', async () => {
      await store.upsertPapers([
        paper('2503.00001', '2026-03-10'),
        paper('2503.00002', '2026-03-10'),
        paper('2503.00003', '2026-03-10'),
      ]);
      const alice = await user('alice');
      const list = await store.createCollection({
        ownerId: alice.id,
        name: 'Read',
        isPublic: false,
        now: NOW,
      });
      await store.addToCollection(list?.id ?? 0, '2503.00001', NOW);
      await store.toggleVote(alice.id, '2503.00002', new Date(NOW.getTime() + 1000));
      expect(await store.setNotInterested(alice.id, '2503.00003', true, NOW)).toBe(true);
      expect(await store.setNotInterested(alice.id, '2503.00003', true, NOW)).toBe(true);
      expect(await store.setNotInterested(alice.id, 'missing', true, NOW)).toBe(false);
      const feedback = await store.recommendationFeedback(alice.id);
      expect(feedback.map((f) => [f.paperId, f.kind]).sort()).toEqual([
        ['2503.00001', 'saved'],
        ['2503.00002', 'upvoted'],
        ['2503.00003', 'not-interested'],
      ]);
      await store.setNotInterested(alice.id, '2503.00003', false, NOW);
      await store.moderate({
        action: 'hide-paper',
        target: '2503.00001',
        actorId: null,
        actor: 'cli',
        reason: 'x',
        at: '',
      });
      expect((await store.recommendationFeedback(alice.id)).map((f) => f.kind)).toEqual(['upvoted']);
      expect(await store.recommendationModel(alice.id)).toBeNull();
      await store.saveRecommendationModel(alice.id, '{"v":1}', NOW);
      await store.saveRecommendationModel(alice.id, '{"v":2}', NOW);
      expect(await store.recommendationModel(alice.id)).toBe('{"v":2}');
    });

    it('samples the same papers for the same seed', async () => {
      await store.upsertPapers(
        Array.from({ length: 50 }, (_, i) => paper(`2503.${String(i).padStart(5, '0')}`, '2026-03-10')),
      );
      const first = (await store.samplePapers(10, 7)).map((p) => p.id);
      expect(first).toHaveLength(10);
      expect(new Set(first).size).toBe(10);
      expect((await store.samplePapers(10, 7)).map((p) => p.id)).toEqual(first);
      expect((await store.samplePapers(100, 7)).length).toBe(50);
    });

    it('ranks candidates by the summed weights of their words in title or abstract', async () => {
      await store.upsertPapers([
        paper('2503.00001', '2026-03-01', { title: 'Protein folding with diffusion' }),
        paper('2503.00002', '2026-03-02', { title: 'Protein design', abstract: 'We fold proteins.' }),
        paper('2503.00003', '2026-03-03', { title: 'Image diffusion' }),
        paper('2503.00004', '2026-03-04', { title: 'Unrelated', authors: ['Protein Diffusion'] }),
      ]);
      const ids = async (extra: { from?: string; to?: string } = {}) =>
        (
          await store.recommendationCandidates({
            words: [
              { text: 'protein', weight: 2 },
              { text: 'diffusion', weight: 1 },
              { text: 'folding', weight: 0.5 },
            ],
            limit: 10,
            ...extra,
          })
        ).map((p) => p.id);
      expect(await ids()).toEqual(['2503.00001', '2503.00002', '2503.00003']);
      expect(await ids({ from: '2026-03-02', to: '2026-03-02' })).toEqual(['2503.00002']);
    });

    it('counts a search’s matches per month of the range', async () => {
      await store.upsertPapers([
        paper('2503.00001', '2026-01-15', { title: 'Diffusion one' }),
        paper('2503.00002', '2026-01-20', { title: 'Diffusion two' }),
        paper('2503.00003', '2026-03-02', { title: 'Diffusion three', categories: ['cs.CV'] }),
        paper('2503.00004', '2026-04-30', { title: 'Other' }),
      ]);
      expect(await store.searchMonthlyCounts({ query: parseQuery('diffusion'), filters: {} })).toEqual({
        months: [
          { month: '2026-01', count: 2 },
          { month: '2026-02', count: 0 },
          { month: '2026-03', count: 1 },
          { month: '2026-04', count: 0 },
        ],
        firstDay: '2026-01-15',
        lastDay: '2026-04-30',
        estimated: false,
      });
      const cv = await store.searchMonthlyCounts({
        query: parseQuery('diffusion'),
        filters: { category: 'cs.CV', from: '2026-02-01' },
      });
      expect(cv.months).toEqual([
        { month: '2026-02', count: 0 },
        { month: '2026-03', count: 1 },
        { month: '2026-04', count: 0 },
      ]);
    });
  });

  describe('mail', () => {
    const daily = { type: 'daily' } as const;
    const alerts = { type: 'search', query: 'masked diffusion' } as const;

    it('subscribes with double opt-in, changes topics and unsubscribes', async () => {
      const { subscriberId, confirmationId } = await store.requestMailSubscription(
        'a@example.org',
        [daily, alerts],
        NOW,
      );
      expect(await store.getMailSubscriber(subscriberId)).toMatchObject({
        email: 'a@example.org',
        status: 'pending',
        topics: [],
      });
      expect(await store.mailConfirmation(confirmationId)).toEqual({
        topics: [daily, alerts],
        confirmed: false,
      });
      expect(await store.mailConfirmation(999)).toBeNull();
      const again = await store.requestMailSubscription('a@example.org', [daily], NOW);
      expect(again.subscriberId).toBe(subscriberId);
      expect(await store.countMailDeliveries({ kinds: ['confirm'] })).toMatchObject({ pending: 2 });
      const confirmed = await store.confirmMailSubscription(confirmationId, NOW);
      expect(confirmed).toMatchObject({ status: 'active', topics: [daily, alerts] });
      expect(await store.confirmMailSubscription(confirmationId, NOW)).toEqual(confirmed);
      expect(await store.mailConfirmation(confirmationId)).toEqual({
        topics: [daily, alerts],
        confirmed: true,
      });
      expect(await store.confirmMailSubscription(12345, NOW)).toBeNull();
      expect((await store.findMailSubscriber('a@example.org'))?.id).toBe(subscriberId);
      expect((await store.setMailTopics(subscriberId, [{ type: 'weekly' }], NOW))?.topics).toEqual([
        { type: 'weekly' },
      ]);
      expect(
        await store.queueMailMessage(
          { subscriberId, issue: 'manage:1', kind: 'manage', content: '{}', paperIds: [] },
          NOW,
        ),
      ).toBe(true);
      expect(
        await store.queueMailMessage(
          { subscriberId, issue: 'manage:1', kind: 'manage', content: '{}', paperIds: [] },
          NOW,
        ),
      ).toBe(false);
      expect(await store.unsubscribeMail(subscriberId, NOW)).toBe(true);
      expect(await store.getMailSubscriber(subscriberId)).toMatchObject({
        status: 'unsubscribed',
        topics: [],
      });
      expect(await store.unsubscribeMail(999, NOW)).toBe(false);
    });

    it('keeps one row per address for account mail, and personal topics in their own digest', async () => {
      const id = await store.ensureMailAddress('acct@example.org', NOW);
      expect(await store.ensureMailAddress('acct@example.org', NOW)).toBe(id);
      // An address with a row only for account mail is pending: it gets no digests.
      expect(await store.getMailSubscriber(id)).toMatchObject({ status: 'pending', topics: [] });
      const personal = { type: 'personal', userId: 7 } as const;
      const { subscriberId, confirmationId } = await store.requestMailSubscription(
        'acct@example.org',
        [personal],
        NOW,
      );
      expect(subscriberId).toBe(id);
      expect((await store.confirmMailSubscription(confirmationId, NOW))?.topics).toEqual([personal]);
      expect(await store.digestRecipients('personal', 'personal:2026-W47', 0, 10)).toEqual([
        { id, email: 'acct@example.org', topics: [personal] },
      ]);
      expect(await store.digestRecipients('daily', 'daily:2026-11-20', 0, 10)).toEqual([]);
    });

    it('changes an account email unless another account has it, whatever its case', async () => {
      const created = await Promise.all(
        ['mailer', 'other'].map((username) =>
          store.createUser({
            username,
            email: `${username}@example.org`,
            passwordHash: 'scrypt$hash',
            createdAt: NOW.toISOString(),
          }),
        ),
      );
      const [mailer] = created.map((r) => (r.ok ? r.user : null));
      if (!mailer) throw new Error('no user');
      expect(await store.setUserEmail(mailer.id, 'OTHER@example.org')).toBe(false);
      expect(await store.setUserEmail(mailer.id, 'new@example.org')).toBe(true);
      expect((await store.getUser(mailer.id))?.email).toBe('new@example.org');
    });

    it('reserves each issue once per subscriber and never claims a paper twice', async () => {
      const ids: number[] = [];
      for (const email of ['a@example.org', 'b@example.org', 'c@example.org']) {
        const { subscriberId, confirmationId } = await store.requestMailSubscription(email, [daily], NOW);
        await store.confirmMailSubscription(confirmationId, NOW);
        ids.push(subscriberId);
      }
      const [a, b, c] = ids as [number, number, number];
      expect((await store.digestRecipients('daily', 'daily:2026-03-12', 0, 10)).map((r) => r.id)).toEqual([
        a,
        b,
        c,
      ]);
      expect(
        (await store.digestRecipients('daily', 'daily:2026-03-12', a, 1)).map((r) => [r.id, r.topics]),
      ).toEqual([[b, [daily]]]);
      const issue = (subscriberId: number, paperIds: string[]) => ({
        subscriberId,
        issue: 'daily:2026-03-12',
        kind: 'daily' as const,
        content: '{"papers":[]}',
        paperIds,
      });
      expect(
        await store.reserveMailDeliveries([issue(a, ['p1', 'p2']), issue(b, ['p1']), issue(a, ['p3'])], NOW),
      ).toBe(2);
      expect(await store.reserveMailDeliveries([issue(a, ['p9']), issue(c, [])], NOW)).toBe(1);
      expect((await store.digestRecipients('daily', 'daily:2026-03-12', 0, 10)).map((r) => r.id)).toEqual([]);
      const sent = await store.sentMailPapers(
        'daily',
        new Map([
          [a, ['p1', 'p2', 'p3', 'p9']],
          [b, ['p2', 'p1']],
          [c, ['p1']],
        ]),
      );
      expect(sent).toEqual(
        new Map([
          [a, new Set(['p1', 'p2'])],
          [b, new Set(['p1'])],
        ]),
      );

      const due = await store.dueMailDeliveries({ kinds: ['daily'], issue: 'daily:2026-03-12' }, NOW, 10);
      expect(due.map((d) => [d.subscriberId, d.status, d.attempts])).toEqual([
        [a, 'pending', 0],
        [b, 'pending', 0],
        [c, 'pending', 0],
      ]);
      const [first, second, third] = due;
      const later = new Date(NOW.getTime() + 60_000);
      await store.updateMailDeliveries([
        [first?.id ?? 0, { status: 'sending', attempts: 1 }],
        [second?.id ?? 0, { status: 'pending', nextAttemptAt: later, error: '451 try later' }],
        [third?.id ?? 0, { status: 'bounced', error: '550 no such user' }],
      ]);
      await store.updateMailDeliveries([[first?.id ?? 0, { status: 'sent', at: NOW, response: '250 ok' }]]);
      expect(await store.countMailDeliveries({ kinds: ['daily'] })).toEqual({
        pending: 1,
        sending: 0,
        sent: 1,
        failed: 0,
        bounced: 1,
        skipped: 0,
      });
      expect((await store.dueMailDeliveries({ kinds: ['daily'] }, NOW, 10)).length).toBe(0);
      expect(await store.nextMailAttempt({ kinds: ['daily'] })).toEqual(later);
      await store.markMailBouncing(b, '550 gone', NOW);
      expect(await store.getMailSubscriber(b)).toMatchObject({
        status: 'bouncing',
        bounceReason: '550 gone',
      });
      // Its queued digest was skipped and gave its paper back.
      expect(await store.nextMailAttempt({ kinds: ['daily'] })).toBeNull();
      expect(await store.sentMailPapers('daily', new Map([[b, ['p1']]]))).toEqual(new Map());
    });

    it('leases a job to one owner at a time', async () => {
      const at = NOW;
      const held = await store.acquireJobLease('digest:daily:2026-03-12', 'node-a', 60_000, at);
      expect(held).toMatchObject({ owner: 'node-a', finishedAt: null });
      expect(held.leaseExpiresAt?.getTime()).toBe(at.getTime() + 60_000);
      const contenders = await Promise.all(
        ['node-b', 'node-c'].map((owner) =>
          store.acquireJobLease('digest:daily:2026-03-12', owner, 60_000, at),
        ),
      );
      expect(contenders.map((job) => job.owner)).toEqual(['node-a', 'node-a']);
      expect(
        (await store.acquireJobLease('digest:daily:2026-03-12', 'node-b', 60_000, at, 'node-a')).owner,
      ).toBe('node-b');
      expect(
        (
          await store.acquireJobLease(
            'digest:daily:2026-03-12',
            'node-c',
            60_000,
            new Date(at.getTime() + 61_000),
          )
        ).owner,
      ).toBe('node-c');
      await store.releaseJobLease('digest:daily:2026-03-12', 'node-b', true, at);
      expect((await store.getJobLease('digest:daily:2026-03-12'))?.owner).toBe('node-c');
      await store.releaseJobLease('digest:daily:2026-03-12', 'node-c', true, at);
      expect(await store.getJobLease('digest:daily:2026-03-12')).toMatchObject({
        owner: null,
        leaseExpiresAt: null,
        finishedAt: at.toISOString(),
      });
      expect(await store.getJobLease('nothing')).toBeNull();
    });

    it('picks a category’s newest papers and a saved search’s best matches in a window', async () => {
      await store.upsertPapers([
        ...seedPapers(),
        paper('2503.40001', '2025-03-20', {
          title: 'Masked diffusion for proteins',
          categories: ['q-bio.BM'],
          upvotes: 2,
        }),
        paper('2503.40002', '2025-03-21', { title: 'Protein folding', categories: ['q-bio.BM', 'cs.LG'] }),
        paper('2503.40003', '2025-03-25', { title: 'Protein design', categories: ['q-bio.BM'] }),
      ]);
      expect(
        (await store.newestPapersInCategory('q-bio.BM', '2025-03-20', '2025-03-24', 10)).map((p) => p.id),
      ).toEqual(['2503.40002', '2503.40001']);
      expect(
        (await store.alertPapers(parseQuery('masked diffusion'), '2025-03-13', '2025-03-31', 5)).map(
          (p) => p.id,
        ),
      ).toEqual(['2503.40001']);
      expect(
        (await store.alertPapers(parseQuery('masked diffusion'), '2025-03-01', '2025-03-31', 3)).length,
      ).toBe(3);
      expect(await store.alertPapers(parseQuery('-masked'), '2025-03-01', '2025-03-31', 3)).toEqual([]);
    });
  });
});
