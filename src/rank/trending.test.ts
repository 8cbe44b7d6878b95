import { describe, expect, it } from 'vitest';
import { daysSinceTrendingEpoch, trendingBreakdown, trendingScore, trendingWindowRange } from './trending.js';

describe('trendingScore', () => {
  it('matches hand-computed values', () => {
    // 10 points → log10 = 1; 2020-01-08 is 7 days after the epoch → 7/7 = 1.
    expect(trendingScore({ upvotes: 10, commenters: 0, feedDate: '2020-01-08' })).toBeCloseTo(2, 12);
    // 2025-03-12: 1827 days to 2025-01-01 (two leap years) + 31 + 28 + 11 = 1897 days → 271.
    // 40 upvotes + 3 commenters × ½ = 41.5 points → log10(41.5) = 1.6180480967…
    const b = trendingBreakdown({ upvotes: 40, commenters: 3, feedDate: '2025-03-12' });
    expect(b.points).toBe(41.5);
    expect(b.days).toBe(1897);
    expect(b.timeTerm).toBe(271);
    expect(b.votesTerm).toBeCloseTo(1.6180481, 6);
    expect(b.score).toBeCloseTo(272.6180481, 6);
  });

  it('gives papers without points only the time term', () => {
    expect(trendingScore({ upvotes: 0, commenters: 0, feedDate: '2020-01-15' })).toBe(2);
    // Half a point is still below the floor of one.
    expect(trendingScore({ upvotes: 0, commenters: 1, feedDate: '2020-01-15' })).toBe(2);
  });

  it('ranks the newer paper higher when the votes are equal', () => {
    const older = trendingScore({ upvotes: 25, commenters: 2, feedDate: '2026-03-01' });
    const newer = trendingScore({ upvotes: 25, commenters: 2, feedDate: '2026-03-02' });
    expect(newer).toBeGreaterThan(older);
  });

  it('trades a factor of ten in points for seven days', () => {
    const old = trendingScore({ upvotes: 100, commenters: 0, feedDate: '2026-01-01' });
    const fresh = trendingScore({ upvotes: 10, commenters: 0, feedDate: '2026-01-08' });
    expect(old).toBeCloseTo(fresh, 9);
    // One more vote for the older paper puts it ahead.
    expect(trendingScore({ upvotes: 101, commenters: 0, feedDate: '2026-01-01' })).toBeGreaterThan(fresh);
  });

  it('counts days across leap years exactly', () => {
    expect(daysSinceTrendingEpoch('2020-01-01')).toBe(0);
    expect(daysSinceTrendingEpoch('2021-01-01')).toBe(366);
    expect(daysSinceTrendingEpoch('2019-12-31')).toBe(-1);
  });
});

describe('trendingWindowRange', () => {
  it('ends at the last feed day and spans the window', () => {
    expect(trendingWindowRange('day', '2026-03-12')).toEqual({ from: '2026-03-12', to: '2026-03-12' });
    expect(trendingWindowRange('week', '2026-03-12')).toEqual({ from: '2026-03-06', to: '2026-03-12' });
    expect(trendingWindowRange('month', '2026-03-01')).toEqual({ from: '2026-01-31', to: '2026-03-01' });
  });
});
