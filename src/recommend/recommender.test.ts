import { describe, expect, it } from 'vitest';
import { labelFeedback } from './recommender.js';

describe('labelFeedback', () => {
  it('calls a paper saved and upvoted "saved", and lets the later of liking and declining decide', () => {
    const labels = labelFeedback([
      { paperId: 'a', kind: 'upvoted', at: '2026-01-02T00:00:00Z' },
      { paperId: 'a', kind: 'saved', at: '2026-01-01T00:00:00Z' },
      { paperId: 'b', kind: 'not-interested', at: '2026-01-01T00:00:00Z' },
      { paperId: 'b', kind: 'upvoted', at: '2026-01-03T00:00:00Z' },
      { paperId: 'c', kind: 'upvoted', at: '2026-01-01T00:00:00Z' },
      { paperId: 'c', kind: 'not-interested', at: '2026-01-05T00:00:00Z' },
      { paperId: 'd', kind: 'not-interested', at: '2026-01-05T00:00:00Z' },
    ]);
    expect(Object.fromEntries(labels)).toEqual({
      a: 'saved',
      b: 'upvoted',
      c: 'not-interested',
      d: 'not-interested',
    });
  });
});
