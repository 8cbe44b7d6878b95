/**
 * Search syntax from users must never crash the query engine: property tests feed hostile strings to the
 * query parser, to the full-text compiler and to Store.search on a real index of real papers (SQLite FTS5
 * or PostgreSQL, whichever the run tests).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HIGHLIGHT_END, HIGHLIGHT_START } from '../src/search/highlight.js';
import { MAX_QUERY_WORDS, parseQuery, tokenize } from '../src/search/query.js';
import { stem } from '../src/search/terms.js';
import type { ParsedQuery } from '../src/search/query.js';
import { TS_CONFIG } from '../src/store/postgres/base.js';
import { toTsQuery } from '../src/store/postgres/tsquery.js';
import type { SearchSort, Store } from '../src/store/store.js';
import { toFtsMatch } from '../src/store/sqlite/fts-query.js';
import type { PaperInput } from '../src/model/paper.js';
import { FTS_PAYLOADS, hostileString, hugeString, realPapers } from './support/hostile.js';
import { createTestDatabase, type TestDatabase } from './support/test-store.js';

const PAPERS = 600;

let database: TestDatabase;
let store: Store;
let papers: PaperInput[];
/** Words of the corpus, for queries that match something. */
let vocabulary: string[];

beforeAll(async () => {
  database = await createTestDatabase();
  store = database.store;
  papers = realPapers(PAPERS);
  await store.upsertPapers(papers);
  const counts = new Map<string, number>();
  for (const paper of papers)
    for (const word of tokenize(paper.title)) counts.set(word, (counts.get(word) ?? 0) + 1);
  vocabulary = [...counts.keys()].filter((w) => /^[a-z]{3,}$/.test(w)).slice(0, 400);
});

afterAll(async () => {
  await database.close();
});

/** Papers the backend's full-text index matches for a query compiled for it; null: nothing to match. */
async function matchCount(query: ParsedQuery): Promise<number | null> {
  const [statement, match] =
    database.backend === 'sqlite'
      ? ['SELECT count(*) AS n FROM papers_fts WHERE papers_fts MATCH ?', toFtsMatch(query)]
      : [
          `SELECT count(*) AS n FROM papers WHERE search_vector @@ to_tsquery('${TS_CONFIG}', ?)`,
          toTsQuery(query),
        ];
  if (match === null) return null;
  const [row] = await database.sql<{ n: number }>(statement, [match]);
  return row?.n ?? NaN;
}

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

  it('compiles every parsed query into a full-text expression the database accepts', async () => {
    await fc.assert(
      fc.asyncProperty(queryText, async (text) => {
        const count = await matchCount(parseQuery(text));
        if (count !== null) expect(count).toBeGreaterThanOrEqual(0);
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
    // Words as the backend's index has them: SQLite's stems, or PostgreSQL's lexemes (its own stemmer
    // makes `increasingly` match `increase`, where SQLite's does not).
    const byId = new Map(papers.map((p) => [p.id, p]));
    const indexedTerms = async (ids: string[]): Promise<Map<string, Set<string>>> => {
      if (database.backend === 'sqlite') {
        return new Map(
          ids.map((id) => {
            const paper = byId.get(id);
            const text = paper ? `${paper.title} ${paper.abstract} ${paper.authors.join(' ')}` : '';
            return [id, new Set(tokenize(text).map(stem))];
          }),
        );
      }
      const rows = await database.sql<{ id: string; terms: string[] }>(
        'SELECT id, tsvector_to_array(search_vector) AS terms FROM papers WHERE id = ANY(?)',
        [ids],
      );
      return new Map(rows.map((row) => [row.id, new Set(row.terms)]));
    };
    const termOf = async (word: string): Promise<string> => {
      if (database.backend === 'sqlite') return stem(word);
      const [row] = await database.sql<{ term: string | null }>(
        `SELECT (tsvector_to_array(to_tsvector('${TS_CONFIG}', ?)))[1] AS term`,
        [word],
      );
      return row?.term ?? word;
    };
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
          const termsById = await indexedTerms(result.items.map((hit) => hit.paper.id));
          for (const hit of result.items) {
            checkedHits++;
            const terms = termsById.get(hit.paper.id) ?? new Set();
            expect(terms.has(await termOf(required)), `${hit.paper.id} lacks required ${required}`).toBe(
              true,
            );
            for (const word of excluded) {
              if (word === required) continue;
              expect(terms.has(await termOf(word)), `${hit.paper.id} has excluded ${word}`).toBe(false);
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
