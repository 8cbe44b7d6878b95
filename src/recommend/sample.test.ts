import { describe, expect, it } from 'vitest';
import { sampleIntegers, seededRandom } from './sample.js';

describe('sampleIntegers', () => {
  it('draws distinct numbers in range, the same ones for the same seed', () => {
    const a = sampleIntegers(10, 1000, 50, 7);
    expect(new Set(a).size).toBe(50);
    expect(a.every((n) => n >= 10 && n <= 1000 && Number.isInteger(n))).toBe(true);
    expect(sampleIntegers(10, 1000, 50, 7)).toEqual(a);
    expect(sampleIntegers(10, 1000, 50, 8)).not.toEqual(a);
  });

  it('returns the whole range when asked for more, and handles most of a range', () => {
    expect(sampleIntegers(1, 5, 10, 1).sort()).toEqual([1, 2, 3, 4, 5]);
    const most = sampleIntegers(1, 100, 90, 3);
    expect(new Set(most).size).toBe(90);
    expect(sampleIntegers(5, 4, 3, 1)).toEqual([]);
  });

  it('is roughly uniform', () => {
    const random = seededRandom(42);
    const buckets = [0, 0, 0, 0];
    for (let i = 0; i < 40_000; i++) buckets[Math.floor(random() * 4)]! += 1;
    for (const count of buckets) expect(Math.abs(count - 10_000)).toBeLessThan(400);
  });
});
