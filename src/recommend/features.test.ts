import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tokenize } from '../search/query.js';
import { dot, featureCounts, indexWords, normalizedTitle, Vectorizer } from './features.js';

const paper = (id: string, title: string, abstract: string, categories = ['cs.CL']) => ({
  id,
  title,
  abstract,
  categories,
});

describe('indexWords', () => {
  it('splits exactly like the search tokenizer, on ASCII and on any text', () => {
    for (const text of ['Masked Diffusion, GPT-4o & C++!', 'Schrödinger’s ﬁle', 'x_{t} = \\alpha', '']) {
      expect(indexWords(text)).toEqual(tokenize(text));
    }
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (text) => {
        expect(indexWords(text)).toEqual(tokenize(text));
      }),
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii', maxLength: 60 }), (text) => {
        expect(indexWords(text)).toEqual(tokenize(text));
      }),
    );
  });
});

describe('featureCounts', () => {
  it('stems words, weighs the title double, drops stopwords and numbers, adds categories', () => {
    const counts = featureCounts(
      paper('1', 'Masked diffusion', 'The masking of 2025 diffusion models.', ['cs.CL', 'cs.LG']),
    );
    expect(counts.get('mask')).toBe(3); // "Masked" in the title (2) + "masking" (1)
    expect(counts.get('diffus')).toBe(3);
    expect(counts.get('model')).toBe(1);
    expect(counts.has('the')).toBe(false);
    expect(counts.has('2025')).toBe(false);
    expect(counts.get('cat:cs.CL')).toBe(2);
    expect(counts.get('cat:cs.LG')).toBe(1);
  });

  it('remembers the word each term was first written as', () => {
    const words = new Map<string, string>();
    featureCounts(paper('1', 'Masked Diffusion', 'masking'), words);
    expect(words.get('mask')).toBe('masked');
  });
});

describe('Vectorizer', () => {
  const sample = [
    paper('a', 'Masked diffusion language models', 'We train masked diffusion models for text.'),
    paper('b', 'Image segmentation', 'We segment images with models.', ['cs.CV']),
    paper('c', 'Speech recognition', 'We recognise speech with models.', ['cs.SD']),
    paper('d', 'Robot grasping', 'We grasp objects with robots and models.', ['cs.RO']),
  ];
  const vectorizer = Vectorizer.fit(sample);

  it('gives words in half the sample or more no weight, rarer words more', () => {
    expect(vectorizer.idf('model')).toBe(0); // in all four
    expect(vectorizer.idf('diffus')).toBeGreaterThan(0);
    expect(vectorizer.idf('never-seen')).toBeGreaterThan(vectorizer.idf('diffus'));
    expect(vectorizer.share('diffus')).toBe(0.25);
  });

  it('makes unit vectors whose dot product is a cosine', () => {
    const a = vectorizer.vector(sample[0] ?? paper('', '', ''));
    const norm = Math.sqrt([...a.values()].reduce((sum, v) => sum + v * v, 0));
    expect(norm).toBeCloseTo(1, 12);
    expect(dot(a, a)).toBeCloseTo(1, 12);
    expect(a.has('model')).toBe(false);
    const related = vectorizer.vector(paper('x', 'Diffusion for text', 'Masked text diffusion.'));
    const unrelated = vectorizer.vector(paper('y', 'Robot grasping', 'Grasping with robots.', ['cs.RO']));
    expect(dot(a, related)).toBeGreaterThan(0.3);
    expect(dot(a, unrelated)).toBe(0);
  });

  it('features() gives the same vector as vector(), with the words behind it', () => {
    const text = paper('x', 'Masked Diffusion of Robots', 'Masking robots.', ['cs.RO']);
    const { vector, words } = vectorizer.features(text);
    expect([...vector]).toEqual([...vectorizer.vector(text)]);
    expect(words.get('mask')).toBe('masked');
    expect([...words.keys()].sort()).toEqual([...vector.keys()].sort());
  });
});

describe('normalizedTitle', () => {
  it('ignores case and punctuation', () => {
    expect(normalizedTitle('Masked Diffusion: A Survey!')).toBe(
      normalizedTitle('masked diffusion — a survey'),
    );
  });
});
