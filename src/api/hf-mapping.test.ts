import { describe, expect, it } from 'vitest';
import { emptyPaper, type Paper } from '../model/paper.js';
import { toDailyItem, toHfPaperDetail, toTimestamp } from './hf-mapping.js';
import { HfDailyItemSchema, HfPaperDetailSchema } from './schemas.js';

const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

function paper(overrides: Partial<Paper> = {}): Paper {
  return {
    ...emptyPaper('2406.09414', 'Depth Anything V2', '2024-06-14'),
    isArxiv: true,
    numComments: 0,
    ...overrides,
  };
}

describe('toTimestamp', () => {
  it('writes UTC with milliseconds and a Z, whatever offset came in', () => {
    expect(toTimestamp('2024-05-24T17:34:15+00:00')).toBe('2024-05-24T17:34:15.000Z');
    expect(toTimestamp('2024-05-24T19:34:15+02:00')).toBe('2024-05-24T17:34:15.000Z');
    expect(toTimestamp('2024-06-13T17:59:56.000Z')).toBe('2024-06-13T17:59:56.000Z');
  });

  it('reads a bare day as midnight UTC', () => {
    expect(toTimestamp('2025-03-18')).toBe('2025-03-18T00:00:00.000Z');
  });

  it('leaves unknown and unreadable values out', () => {
    expect(toTimestamp(null)).toBeUndefined();
    expect(toTimestamp('')).toBeUndefined();
    expect(toTimestamp('not a date')).toBeUndefined();
  });
});

describe('toDailyItem', () => {
  const full = paper({
    authors: ['Lihe Yang', 'Bingyi Kang'],
    abstract: 'This work presents Depth Anything V2.',
    publishedAt: '2024-06-13T17:59:56Z',
    upvotes: 45,
    numComments: 5,
    codeUrl: 'https://github.com/DepthAnything/Depth-Anything-V2',
    projectUrl: 'https://depth-anything-v2.github.io',
    githubStars: 3000,
    submittedBy: { user: 'akhaliq', fullname: 'AK', avatarUrl: 'https://example.org/ak.png' },
    aiSummary: 'Better depth.',
    aiKeywords: ['depth'],
    organization: 'ByteDance',
  });

  it('puts the fields the client reads only at the top level there', () => {
    const item = toDailyItem(full);
    expect(item).toMatchObject({
      id: '2406.09414',
      title: 'Depth Anything V2',
      summary: 'This work presents Depth Anything V2.',
      numComments: 5,
      githubRepo: 'https://github.com/DepthAnything/Depth-Anything-V2',
      githubStars: 3000,
      projectPage: 'https://depth-anything-v2.github.io',
      ai_summary: 'Better depth.',
      ai_keywords: ['depth'],
      organization: { name: 'ByteDance', fullname: 'ByteDance' },
    });
    expect(item.paper).toMatchObject({ id: '2406.09414', upvotes: 45, title: 'Depth Anything V2' });
  });

  it('separates the arXiv date (paper.publishedAt) from the feed time (publishedAt)', () => {
    const item = toDailyItem(full);
    expect(item.paper.publishedAt).toBe('2024-06-13T17:59:56.000Z');
    expect(item.publishedAt).toBe('2024-06-14T00:00:00.000Z');
    expect(item.paper.submittedOnDailyAt).toBe('2024-06-14T00:00:00.000Z');
    for (const value of [item.publishedAt, item.paper.publishedAt, item.paper.submittedOnDailyAt]) {
      expect(value).toMatch(TIMESTAMP);
    }
  });

  it('names users with `user` (what the client reads) and `name` (what Hugging Face also sends)', () => {
    const item = toDailyItem(full);
    expect(item.submittedBy).toEqual({
      user: 'akhaliq',
      name: 'akhaliq',
      fullname: 'AK',
      avatarUrl: 'https://example.org/ak.png',
      type: 'user',
    });
    expect(item.paper.submittedOnDailyBy).toEqual(item.submittedBy);
    expect(item.paper.authors).toEqual([
      { name: 'Lihe Yang', hidden: false },
      { name: 'Bingyi Kang', hidden: false },
    ]);
  });

  it('leaves unknown values out instead of sending null', () => {
    const item = toDailyItem(paper());
    for (const key of [
      'githubRepo',
      'githubStars',
      'projectPage',
      'ai_summary',
      'ai_keywords',
      'organization',
      'submittedBy',
    ]) {
      expect(item).not.toHaveProperty(key);
      expect(item.paper).not.toHaveProperty(key);
    }
    expect(item.paper).not.toHaveProperty('publishedAt');
    expect(JSON.stringify(item)).not.toContain('null');
  });

  it('produces what the response schemas describe', () => {
    expect(HfDailyItemSchema.strict().safeParse(toDailyItem(full)).success).toBe(true);
    expect(HfDailyItemSchema.safeParse(toDailyItem(paper())).success).toBe(true);
    expect(HfPaperDetailSchema.strict().safeParse(toHfPaperDetail(full)).success).toBe(true);
    expect(toHfPaperDetail(full).numComments).toBe(5);
    expect(toDailyItem(full).paper).not.toHaveProperty('numComments');
  });
});
