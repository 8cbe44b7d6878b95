import { describe, expect, it } from 'vitest';
import { mean, ndcgAt, percentile, reciprocalRankAt, recallAt } from './metrics.js';

const judged = (entries: [string, number][]) => new Map(entries);

describe('ndcgAt', () => {
  it('is 1 for the ideal order and 0 with no relevant result', () => {
    const relevant = judged([
      ['a', 1],
      ['b', 1],
    ]);
    expect(ndcgAt(10, ['a', 'b', 'x'], relevant)).toBe(1);
    expect(ndcgAt(10, ['x', 'y'], relevant)).toBe(0);
  });

  it('discounts by log2 of the rank plus one', () => {
    // One relevant document at rank 3: DCG = 1/log2(4) = 0.5, ideal DCG = 1/log2(2) = 1.
    expect(ndcgAt(10, ['x', 'y', 'a'], judged([['a', 1]]))).toBeCloseTo(0.5, 12);
    // Relevant at ranks 2 and 3 of two relevant: (1/log2 3 + 1/2) / (1 + 1/log2 3) = 0.6934264036
    expect(
      ndcgAt(
        10,
        ['x', 'a', 'b'],
        judged([
          ['a', 1],
          ['b', 1],
        ]),
      ),
    ).toBeCloseTo(0.6934264036, 9);
  });

  it('uses linear gain for graded judgements and ignores results past k', () => {
    // ranked b(1), a(2): DCG = 1 + 2/log2 3 = 2.2618595071; ideal a,b: 2 + 1/log2 3 = 2.6309297536 → 0.8597186999
    expect(
      ndcgAt(
        10,
        ['b', 'a'],
        judged([
          ['a', 2],
          ['b', 1],
        ]),
      ),
    ).toBeCloseTo(0.8597186999, 9);
    expect(ndcgAt(2, ['x', 'y', 'a'], judged([['a', 1]]))).toBe(0);
  });

  it('caps the ideal list at k', () => {
    // Three relevant, k = 1: one relevant at rank 1 is already ideal.
    expect(
      ndcgAt(
        1,
        ['a'],
        judged([
          ['a', 1],
          ['b', 1],
          ['c', 1],
        ]),
      ),
    ).toBe(1);
  });
});

describe('recallAt', () => {
  it('counts the relevant documents found within k', () => {
    const relevant = judged([
      ['a', 1],
      ['b', 1],
      ['c', 1],
      ['z', 0],
    ]);
    expect(recallAt(100, ['a', 'x', 'c', 'z'], relevant)).toBeCloseTo(2 / 3, 12);
    expect(recallAt(1, ['x', 'a'], relevant)).toBe(0);
    expect(recallAt(10, ['a'], judged([]))).toBe(0);
  });
});

describe('reciprocalRankAt', () => {
  it('is one over the rank of the first relevant result within k', () => {
    const relevant = judged([
      ['a', 1],
      ['b', 1],
    ]);
    expect(reciprocalRankAt(10, ['x', 'y', 'b', 'a'], relevant)).toBeCloseTo(1 / 3, 12);
    expect(reciprocalRankAt(2, ['x', 'y', 'b'], relevant)).toBe(0);
    expect(reciprocalRankAt(10, ['a'], relevant)).toBe(1);
  });
});

describe('percentile and mean', () => {
  it('uses the nearest rank', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 … 1
    expect(percentile(samples, 50)).toBe(50);
    expect(percentile(samples, 99)).toBe(99);
    expect(percentile(samples, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 99)).toBe(0);
  });

  it('averages', () => {
    expect(mean([1, 2, 6])).toBe(3);
    expect(mean([])).toBe(0);
  });
});
