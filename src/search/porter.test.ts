import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { porterStem } from './porter.js';
import { tokenize } from './query.js';

describe('porterStem', () => {
  it.each([
    ['caresses', 'caress'],
    ['ponies', 'poni'],
    ['cats', 'cat'],
    ['agreed', 'agre'],
    ['plastered', 'plaster'],
    ['motoring', 'motor'],
    ['hopping', 'hop'],
    ['filing', 'file'],
    ['happy', 'happi'],
    ['relational', 'relat'],
    ['generalization', 'gener'],
    ['diffusion', 'diffus'],
    ['masked', 'mask'],
    ['models', 'model'],
    ['transformers', 'transform'],
    ['controllable', 'control'],
    ['bled', 'bled'],
    ['is', 'is'],
  ])('stems %s to %s', (word, stem) => {
    expect(porterStem(word)).toBe(stem);
  });

  it('leaves words longer than 64 bytes alone', () => {
    const long = 'a'.repeat(62) + 'ing';
    expect(porterStem(long)).toBe(long);
  });

  it('agrees with SQLite FTS5 porter tokenizer on real vocabulary', () => {
    const words = [
      ...new Set(
        tokenize(`Masked diffusion models are secretly time-agnostic masked models and exploit inaccurate
        categorical sampling. Self-supervised pre-training with cross-view completion; controllable generation,
        reasoning, hallucinations, tokenization, generalizability, naïve Schrödinger équations, 3D-aware
        agreed feed bled sses ies hopping filing conditional operational probabilistic rationality
        sensibility analogous happily relational abilities`),
      ),
    ];
    const db = new Database(':memory:');
    db.exec(`CREATE VIRTUAL TABLE t USING fts5 (w, tokenize = 'porter unicode61 remove_diacritics 2');
      CREATE VIRTUAL TABLE v USING fts5vocab (t, 'instance');`);
    const insert = db.prepare('INSERT INTO t (rowid, w) VALUES (?, ?)');
    words.forEach((word, i) => insert.run(i + 1, word));
    const engine = db.prepare('SELECT term FROM v WHERE doc = ?').pluck();
    for (const [i, word] of words.entries())
      expect([word, porterStem(word)]).toEqual([word, engine.get(i + 1)]);
    db.close();
  });
});
