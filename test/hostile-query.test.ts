/**
 * Search syntax from users must never crash the query engine: property tests feed hostile strings to the
 * query parser, to the FTS5 compiler and to Store.search on a real SQLite index of real papers.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HIGHLIGHT_END, HIGHLIGHT_START } from '../src/search/highlight.js';
import { MAX_QUERY_WORDS, parseQuery, tokenize } from '../src/search/query.js';
import { stem } from '../src/search/terms.js';
import type { SearchSort } from '../src/store/store.js';
import { toFtsMatch } from '../src/store/sqlite/fts-query.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { PaperInput } from '../src/model/paper.js';
import { FTS_PAYLOADS, hostileString, hugeString, realPapers } from './support/hostile.js';

const PAPERS = 600;

let store: SqliteStore;
let papers: PaperInput[];
/** Words of the corpus, for queries that match something. */
let vocabulary: string[];

beforeAll(async () => {
  store = new SqliteStore(':memory:');
  papers = realPapers(PAPERS);
  await store.upsertPapers(papers);
  const counts = new Map<string, number>();
  for (const paper of papers)
    for (const word of tokenize(paper.title)) counts.set(word, (counts.get(word) ?? 0) + 1);
  vocabulary = [...counts.keys()].filter((w) => /^[a-z]{3,}$/.test(w)).slice(0, 400);
});

afterAll(async () => {
  await store.close();
});

const queryText: fc.Arbitrary<string> = fc.oneof(
  hostileString,
  fc
    .array(
      fc.oneof(
        hostileString,
        fc.constantFrom(...FTS_PAYLOADS),
        fc.constantFrom('diffusion', 'language', 'model*', '"vision transformer"', '-survey', '+graph'),
      ),
      { maxLength: 8 },
    )
    .map((parts) => parts.join(' ')),
);

const sorts: fc.Arbitrary<SearchSort> = fc.constantFrom('relevance', 'newest', 'upvotes');

describe('query parser', () => {
  it('turns any string into plain words, never more than the cap', () => {
    fc.assert(
      fc.property(queryText, (text) => {
        const parsed = parseQuery(text);
        const words = [...parsed.should, ...parsed.must.flat(), ...parsed.not.flat()];
        expect(words.length).toBeLessThanOrEqual(MAX_QUERY_WORDS);
        for (const word of words) expect(word.text).toMatch(/^[\p{L}\p{N}]+$/u);
        expect(parsed.must.every((phrase) => phrase.length > 0)).toBe(true);
        expect(parsed.not.every((phrase) => phrase.length > 0)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('compiles every parsed query into an FTS5 expression SQLite accepts', () => {
    const check = store.db.prepare('SELECT count(*) FROM papers_fts WHERE papers_fts MATCH ?').pluck();
    fc.assert(
      fc.property(queryText, (text) => {
        const match = toFtsMatch(parseQuery(text));
        if (match !== null) expect(check.get(match)).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 1000 },
    );
  });

  it('parses megabyte inputs quickly', () => {
    fc.assert(
      fc.property(hugeString, (text) => {
        const started = performance.now();
        const parsed = parseQuery(text);
        expect(performance.now() - started).toBeLessThan(2000);
        expect(parsed.should.length + parsed.must.flat().length).toBeLessThanOrEqual(MAX_QUERY_WORDS);
      }),
      { numRuns: 25 },
    );
  });
});

describe('Store.search under hostile input', () => {
  it('answers every query with an ordinary page, whatever the filters and paging', async () => {
    await fc.assert(
      fc.asyncProperty(
        queryText,
        fc.record({
          category: fc.option(fc.oneof(hostileString, fc.constantFrom('cs.LG', 'cs.CV', 'cs.CL')), {
            nil: undefined,
          }),
          from: fc.option(fc.constantFrom('2025-01-01', '2025-06-30', '9999-12-31'), { nil: undefined }),
          to: fc.option(fc.constantFrom('2025-12-31', '2026-03-01', '0000-01-01'), { nil: undefined }),
          hasCode: fc.option(fc.boolean(), { nil: undefined }),
        }),
        sorts,
        fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 1_000_000 })),
        fc.integer({ min: 0, max: 100 }),
        async (text, filters, sort, offset, limit) => {
          const result = await store.search({ query: parseQuery(text), filters, sort, offset, limit });
          expect(result.total).toBeGreaterThanOrEqual(0);
          expect(result.items.length).toBeLessThanOrEqual(limit);
          for (const hit of result.items) {
            // Highlighting only adds marks: without them the title is the title.
            expect(hit.titleHighlighted.replaceAll(HIGHLIGHT_START, '').replaceAll(HIGHLIGHT_END, '')).toBe(
              hit.paper.title,
            );
            expect(Number.isFinite(hit.score)).toBe(true);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('answers a megabyte query in bounded time', async () => {
    for (const text of ['model '.repeat(200_000), 'a'.repeat(1_000_000), '"'.repeat(1_000_000)]) {
      const started = performance.now();
      const result = await store.search({
        query: parseQuery(text),
        filters: {},
        sort: 'relevance',
        offset: 0,
        limit: 20,
      });
      expect(result.total).toBeGreaterThanOrEqual(0);
      expect(performance.now() - started).toBeLessThan(5000);
    }
  });

  it('honours required and excluded words in every hit', async () => {
    const indexedTerms = (paper: PaperInput) =>
      new Set(tokenize(`${paper.title} ${paper.abstract} ${paper.authors.join(' ')}`).map(stem));
    const byId = new Map(papers.map((p) => [p.id, p]));
    let checkedHits = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...vocabulary),
        fc.array(fc.constantFrom(...vocabulary), { maxLength: 3 }),
        fc.array(fc.constantFrom(...vocabulary), { maxLength: 2 }),
        async (required, optional, excluded) => {
          const text = [`+${required}`, ...optional, ...excluded.map((w) => `-${w}`)].join(' ');
          const result = await store.search({
            query: parseQuery(text),
            filters: {},
            sort: 'relevance',
            offset: 0,
            limit: 100,
          });
          for (const hit of result.items) {
            checkedHits++;
            const terms = indexedTerms(byId.get(hit.paper.id) ?? hit.paper);
            expect(terms.has(stem(required)), `${hit.paper.id} lacks required ${required}`).toBe(true);
            for (const word of excluded) {
              if (word === required) continue;
              expect(terms.has(stem(word)), `${hit.paper.id} has excluded ${word}`).toBe(false);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
    // The property is about hits: most runs must have had some.
    expect(checkedHits).toBeGreaterThan(300);
  });
});
