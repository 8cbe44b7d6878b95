import { describe, expect, it } from 'vitest';
import { localPaperId } from '../../model/arxiv-id.js';
import { ListingError, parseListing } from './listing-text.js';

const HEADER = [
  'new',
  '',
  'Get trending papers in your email inbox!',
  '',
  'Subscribe',
  '',
  'byAK and the research community',
  '',
];
const listing = (...lines: string[]): string => [...HEADER, ...lines].join('\n');
const today = new Date('2026-11-26T07:00:00Z');

describe('parseListing', () => {
  it('reads title / abstract blocks after the date line, with line numbers and local ids', () => {
    const records = parseListing(
      listing(
        'Mar 12',
        '',
        'First  Paper',
        '',
        'Its abstract, see https://github.com/a/b.',
        '',
        'Second',
        '',
        'Other text.',
        '',
      ),
      { year: 2025 },
    );
    expect(records).toEqual([
      {
        line: 11,
        paper: expect.objectContaining({
          id: localPaperId('First Paper'),
          title: 'First Paper',
          abstract: 'Its abstract, see https://github.com/a/b.',
          feedDate: '2025-03-12',
          codeUrl: 'https://github.com/a/b',
          version: null,
        }),
      },
      {
        line: 15,
        paper: expect.objectContaining({ title: 'Second', abstract: 'Other text.', codeUrl: null }),
      },
    ]);
  });

  it('without a year takes the latest such day that is not in the future', () => {
    const day = (dateLine: string): string | undefined => {
      const [record] = parseListing(listing(dateLine, '', 'T', '', 'A'), { today });
      return record && 'paper' in record ? record.paper.feedDate : undefined;
    };
    expect(day('Mar 12')).toBe('2026-03-12');
    expect(day('Nov 26')).toBe('2026-11-26');
    expect(day('Dec 24')).toBe('2025-12-24');
    expect(day('Feb 29')).toBe('2024-02-29');
    expect(day('March 3, 2021')).toBe('2021-03-03');
    expect(day('2024-06-14')).toBe('2024-06-14');
  });

  it('starts a new day at each further date line', () => {
    const records = parseListing(listing('Mar 12', '', 'A', '', 'a.', '', 'Mar 11', '', 'B', '', 'b.'), {
      year: 2025,
    });
    expect(records.map((r) => ('paper' in r ? r.paper.feedDate : r.error))).toEqual([
      '2025-03-12',
      '2025-03-11',
    ]);
  });

  it('reports a paragraph where a title belongs, and resynchronises on the next title', () => {
    const long = 'word '.repeat(100).trim();
    const records = parseListing(listing('Mar 12', '', 'A', '', 'a.', '', long, '', 'B', '', 'b.'), {
      year: 2025,
    });
    expect(records).toEqual([
      { line: 11, paper: expect.objectContaining({ title: 'A' }) },
      {
        line: 15,
        error: expect.stringMatching(/expected a title line but found a paragraph of 499 characters/),
      },
      { line: 17, paper: expect.objectContaining({ title: 'B', abstract: 'b.' }) },
    ]);
  });

  it('keeps a last title without an abstract', () => {
    const records = parseListing(listing('Mar 12', '', 'A', '', 'a.', '', 'Lonely'), { year: 2025 });
    expect(records.at(-1)).toEqual({
      line: 15,
      paper: expect.objectContaining({ title: 'Lonely', abstract: '' }),
    });
  });

  it('refuses text that has no date line', () => {
    expect(() => parseListing('Just some\n\ntext\n\nwithout a date.')).toThrow(ListingError);
    expect(() => parseListing(Array(30).fill('line\n').join('\n'))).toThrow(/no date line/);
    expect(parseListing('')).toEqual([]);
  });
});
