import { describe, expect, it } from 'vitest';
import { tokenize } from './query.js';
import { countTerms, wordSpans } from './terms.js';

describe('wordSpans', () => {
  it('gives each word of the text as written with its index terms', () => {
    const text = 'Masked “diffusion” of naïve ﬁelds';
    expect(wordSpans(text).map(({ start, end, terms }) => [text.slice(start, end), terms])).toEqual([
      ['Masked', ['mask']],
      ['diffusion', ['diffus']],
      ['of', ['of']],
      ['naïve', ['naiv']],
      ['ﬁelds', ['field']],
    ]);
  });
});

describe('countTerms', () => {
  it('counts every term and the wanted ones, including stems that change the second letter', () => {
    const text = 'Eyed ays: masked MASKING, naïve Schrödinger models; oed';
    const { length, counts } = countTerms(text, new Set(['ei', 'ai', 'mask', 'naiv', 'schroding', 'o']));
    expect(length).toBe(tokenize(text).length);
    expect(Object.fromEntries(counts)).toEqual({ ei: 1, ai: 1, mask: 2, naiv: 1, schroding: 1, o: 1 });
    expect(Object.fromEntries(countTerms(text, new Set(['ei', 'model'])).counts)).toEqual({
      ei: 1,
      model: 1,
    });
  });
});
