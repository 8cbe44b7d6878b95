import { describe, expect, it } from 'vitest';
import { detectJsonFormat, detectLayout } from './detect.js';

describe('detectLayout', () => {
  it('tells arrays, JSON Lines and text apart by the first character', () => {
    expect(detectLayout('  [')).toBe('json-array');
    expect(detectLayout('{"id": "2503.11731"}')).toBe('json-lines');
    expect(detectLayout('new')).toBe('text');
  });
});

describe('detectJsonFormat', () => {
  it('recognises each format by the keys only it has', () => {
    expect(detectJsonFormat({ paper: { id: '2405.15738' }, publishedAt: '2024-05-27T03:50:58.348Z' })).toBe(
      'hf-daily',
    );
    expect(detectJsonFormat({ id: '0704.0001', versions: [], authors_parsed: [] })).toBe('arxiv-snapshot');
    expect(
      detectJsonFormat({ id: '2503.11731', authors: [], summary: '', _listing_date: '2025-03-18' }),
    ).toBe('arxiv-jsonl');
  });

  it('returns null for anything else', () => {
    expect(detectJsonFormat({ title: 'x' })).toBeNull();
    expect(detectJsonFormat([1, 2])).toBeNull();
    expect(detectJsonFormat('text')).toBeNull();
  });
});
