import { describe, expect, it } from 'vitest';
import { emptyPaper, type Paper } from '../model/paper.js';
import { selectDigest } from './select.js';
import type { Topic } from './topics.js';

const paper = (id: string): Paper => ({
  ...emptyPaper(id, `Paper ${id}`, '2026-11-20'),
  isArxiv: true,
  numComments: 0,
});
const lists: Record<string, Paper[]> = {
  daily: ['a', 'b', 'c', 'd'].map(paper),
  'category:cs.CL': ['c', 'e', 'f'].map(paper),
  'search:diffusion': ['a', 'f', 'g'].map(paper),
};
const candidates = (t: Topic): Paper[] =>
  lists[
    t.type === 'category' ? `category:${t.category}` : t.type === 'search' ? `search:${t.query}` : t.type
  ] ?? [];
const ids = (sections: ReturnType<typeof selectDigest>): string[][] =>
  sections.map((s) => s.papers.map((p) => p.id));

describe('selectDigest', () => {
  it('takes the best candidates not sent before', () => {
    const sections = selectDigest([{ type: 'daily' }], candidates, new Set(['a', 'c']), {
      perSection: 2,
      perMessage: 10,
    });
    expect(ids(sections)).toEqual([['b', 'd']]);
  });

  it('puts a paper matching several topics in the first section only and skips empty sections', () => {
    const topics: Topic[] = [
      { type: 'category', category: 'cs.CL' },
      { type: 'search', query: 'diffusion' },
    ];
    expect(ids(selectDigest(topics, candidates, new Set(), { perSection: 5, perMessage: 10 }))).toEqual([
      ['c', 'e', 'f'],
      ['a', 'g'],
    ]);
    expect(
      ids(selectDigest(topics, candidates, new Set(['a', 'g']), { perSection: 5, perMessage: 10 })),
    ).toEqual([['c', 'e', 'f']]);
  });

  it('caps the whole message', () => {
    const topics: Topic[] = [{ type: 'daily' }, { type: 'category', category: 'cs.CL' }];
    expect(ids(selectDigest(topics, candidates, new Set(), { perSection: 3, perMessage: 4 }))).toEqual([
      ['a', 'b', 'c'],
      ['e'],
    ]);
  });

  it('returns nothing when everything was sent', () => {
    expect(
      selectDigest([{ type: 'daily' }], candidates, new Set(['a', 'b', 'c', 'd']), {
        perSection: 5,
        perMessage: 5,
      }),
    ).toEqual([]);
  });
});
