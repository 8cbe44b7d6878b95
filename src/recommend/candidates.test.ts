import { describe, expect, it } from 'vitest';
import { candidateWords, isNearDuplicate } from './candidates.js';

describe('candidateWords', () => {
  const weights = new Map([
    ['diffus', 3],
    ['mask', 2.5],
    ['model', 2],
    ['cat:cs.CL', 5],
    ['robot', -1],
    ['mdlm', 1],
  ]);
  const words: Record<string, string> = {
    diffus: 'diffusion',
    mask: 'masked',
    model: 'models',
    mdlm: 'mdlm',
  };
  const postings: Record<string, number> = { diffus: 5000, mask: 3000, model: 40_000, mdlm: 100 };

  it('takes the strongest positive words as written, skipping categories and words over the postings budget', () => {
    const chosen = candidateWords(
      weights,
      (t) => words[t],
      (t) => postings[t] ?? 0,
      {
        maxWords: 10,
        maxPostings: 12_000,
      },
    );
    expect(chosen).toEqual([
      { text: 'diffusion', weight: 3 },
      { text: 'masked', weight: 2.5 },
      { text: 'mdlm', weight: 1 },
    ]);
  });

  it('stops at maxWords, and takes the rarest word alone when none fits the budget', () => {
    expect(
      candidateWords(
        weights,
        (t) => words[t],
        () => 0,
        { maxWords: 2, maxPostings: 1 },
      ),
    ).toHaveLength(2);
    expect(
      candidateWords(
        weights,
        (t) => words[t],
        (t) => postings[t] ?? 0,
        { maxWords: 5, maxPostings: 10 },
      ),
    ).toEqual([{ text: 'mdlm', weight: 1 }]);
  });
});

describe('isNearDuplicate', () => {
  const judged = [
    {
      vector: new Map([
        ['mask', 0.8],
        ['diffus', 0.6],
      ]),
      normalizedTitle: 'masked diffusion models',
    },
  ];

  it('matches a very similar vector or the same normalized title', () => {
    expect(
      isNearDuplicate(
        {
          vector: new Map([
            ['mask', 0.75],
            ['diffus', 0.66],
          ]),
          normalizedTitle: 'x',
        },
        judged,
      ),
    ).toBe(true);
    expect(
      isNearDuplicate(
        { vector: new Map([['robot', 1]]), normalizedTitle: 'masked diffusion models' },
        judged,
      ),
    ).toBe(true);
  });

  it('keeps papers that are only on the same topic', () => {
    expect(
      isNearDuplicate(
        {
          vector: new Map([
            ['mask', 0.5],
            ['text', 0.86],
          ]),
          normalizedTitle: 'y',
        },
        judged,
      ),
    ).toBe(false);
    expect(
      isNearDuplicate({ vector: new Map(), normalizedTitle: '' }, [
        { vector: new Map(), normalizedTitle: '' },
      ]),
    ).toBe(false);
  });
});
