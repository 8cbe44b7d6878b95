import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bm25, COLUMN_WEIGHTS, inverseDocumentFrequency } from './bm25.js';
import { stem } from './terms.js';

describe('inverseDocumentFrequency', () => {
  it('is FTS5’s log((N − n + ½) / (n + ½)), floored at a tiny positive weight', () => {
    expect(inverseDocumentFrequency(100, 10)).toBeCloseTo(Math.log(90.5 / 10.5), 12);
    expect(inverseDocumentFrequency(100, 60)).toBe(1e-6);
  });
});

describe('bm25', () => {
  it('scores documents exactly as SQLite FTS5 bm25() does', () => {
    const vocabulary = ['masked', 'diffusion', 'models', 'language', 'text', 'image', 'the', 'of', 'masking'];
    const text = (min: number, max: number) =>
      fc.array(fc.constantFrom(...vocabulary), { minLength: min, maxLength: max }).map((w) => w.join(' '));
    const corpus = fc.array(fc.record({ title: text(1, 8), abstract: text(0, 40), authors: text(0, 4) }), {
      minLength: 5,
      maxLength: 30,
    });
    fc.assert(
      fc.property(
        corpus,
        fc.uniqueArray(fc.constantFrom(...vocabulary), { minLength: 1, maxLength: 4 }),
        (docs, query) => {
          const db = new Database(':memory:');
          db.exec(`CREATE VIRTUAL TABLE t USING fts5 (title, abstract, authors, tokenize = 'porter unicode61 remove_diacritics 2');
          CREATE VIRTUAL TABLE v USING fts5vocab (t, 'row');`);
          const insert = db.prepare('INSERT INTO t (rowid, title, abstract, authors) VALUES (?, ?, ?, ?)');
          docs.forEach((d, i) => insert.run(i + 1, d.title, d.abstract, d.authors));
          // One word per index term; FTS5 stems the query words itself (stems are not stable under stemming).
          const words = [...new Map(query.map((word) => [stem(word), word])).values()];
          const terms = words.map(stem);
          const tokens = docs.reduce(
            (n, d) => n + `${d.title} ${d.abstract} ${d.authors}`.split(/\s+/).filter(Boolean).length,
            0,
          );
          const statistics = {
            documents: docs.length,
            averageLength: tokens / docs.length,
            frequency: (term: string) =>
              (db.prepare('SELECT doc FROM v WHERE term = ?').pluck().get(term) as number) ?? 0,
          };
          const weights = `${COLUMN_WEIGHTS.title}, ${COLUMN_WEIGHTS.abstract}, ${COLUMN_WEIGHTS.authors}`;
          const rows = db
            .prepare(`SELECT rowid, -bm25(t, ${weights}) AS score FROM t WHERE t MATCH ?`)
            .all(words.map((word) => `"${word}"`).join(' OR ')) as { rowid: number; score: number }[];
          for (const { rowid, score } of rows) {
            const doc = docs[rowid - 1];
            if (!doc) throw new Error('unknown row');
            expect(bm25(doc, terms, statistics)).toBeCloseTo(score, 9);
          }
          db.close();
        },
      ),
      { numRuns: 60 },
    );
  });
});
