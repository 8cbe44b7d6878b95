import { describe, expect, it } from 'vitest';
import { isSearchable, parseQuery, tokenize } from './query.js';
import { toFtsMatch } from '../store/sqlite/fts-query.js';

describe('parseQuery', () => {
  it('turns a sentence into ranked OR words without stopwords', () => {
    const q = parseQuery('What is the effect of masked diffusion?');
    expect(q.should.map((w) => w.text)).toEqual(['effect', 'masked', 'diffusion']);
    expect(q.must).toEqual([]);
  });

  it('reads phrases, exclusions, required words and prefixes', () => {
    const q = parseQuery('"masked diffusion" -vision +text diffus*');
    expect(q.must.map((p) => p.map((w) => w.text))).toEqual([['masked', 'diffusion'], ['text']]);
    expect(q.not.map((p) => p.map((w) => w.text))).toEqual([['vision']]);
    expect(q.should).toEqual([{ text: 'diffus', prefix: true }]);
  });

  it('takes prefixes of three letters or more, and shorter ones as words', () => {
    expect(parseQuery('mas* gpt-4o* ab*').should).toEqual([
      { text: 'mas', prefix: true },
      { text: 'gpt', prefix: false },
      { text: '4o', prefix: false },
      { text: 'ab', prefix: false },
    ]);
  });

  it('keeps stopwords when nothing else is left', () => {
    expect(parseQuery('the who').should.map((w) => w.text)).toEqual(['the', 'who']);
  });

  it.each(['', '-', '"', '"unterminated', 'NEAR(', 'c++', "don't", ':', '***', '(', 'AND OR NOT'])(
    'never produces engine syntax from %j',
    (input) => {
      const match = toFtsMatch(parseQuery(input));
      if (match === null) return;
      // Outside quoted strings only the compiler's own operators may appear.
      const outside = match.replace(/"(?:[^"]|"")*"/g, '');
      expect(outside).toMatch(/^[\s()*+]*(?:(?:OR|AND|NOT)[\s()*+]*)*$/);
    },
  );

  it('treats exclusions alone as unsearchable', () => {
    expect(isSearchable(parseQuery('-vision'))).toBe(false);
    expect(toFtsMatch(parseQuery('-vision'))).toBeNull();
  });

  it('tokenizes like the engine: letters and digits, lower case, no diacritics', () => {
    expect(tokenize('Schrödinger’s C++ GPT-4o')).toEqual(['schrodinger', 's', 'c', 'gpt', '4o']);
  });
});
