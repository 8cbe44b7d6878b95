import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromArxivSnapshot } from './arxiv-snapshot.js';

const records = readFileSync(
  new URL('../../../test/fixtures/arxiv-snapshot-sample.jsonl', import.meta.url),
  'utf8',
)
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('fromArxivSnapshot', () => {
  it('maps versions to version, first and last dates, and the day of v1 to the feed day', () => {
    expect(fromArxivSnapshot(records[0])).toMatchObject({
      id: '0704.0001',
      version: 2,
      title: 'Calculation of prompt diphoton production cross sections at Tevatron and LHC energies',
      authors: ['C. Balázs', 'E. L. Berger', 'P. M. Nadolsky', 'C. -P. Yuan'],
      categories: ['hep-ph'],
      publishedAt: '2007-04-02T19:18:42.000Z',
      updatedAt: '2007-07-24T20:10:27.000Z',
      feedDate: '2007-04-02',
      comment: '37 pages, 15 figures; published version',
      journalRef: 'Phys.Rev.D76:013009,2007',
      doi: '10.1103/PhysRevD.76.013009',
    });
    expect(fromArxivSnapshot(records[1])).toMatchObject({
      version: 3,
      updatedAt: '2008-01-13T00:36:28.000Z',
    });
  });

  it('reads old-style ids and several categories, primary first', () => {
    expect(fromArxivSnapshot(records[2])).toMatchObject({
      id: 'funct-an/9301001',
      categories: ['funct-an', 'math.OA'],
      feedDate: '1993-01-16',
    });
  });

  it('finds the code link in the comments and keeps the abstract’s paragraphs', () => {
    const paper = fromArxivSnapshot(records[3]);
    expect(paper.codeUrl).toBe('https://github.com/TencentARC/GFPGAN');
    expect(paper.abstract).toMatch(
      /^Blind face restoration usually relies on facial priors, such as facial geometry/,
    );
    expect(paper.abstract).not.toMatch(/\n/);
  });

  it('falls back to the authors string and to update_date', () => {
    const { authors_parsed: _parsed, versions: _versions, ...bare } = records[0]!;
    expect(fromArxivSnapshot(bare)).toMatchObject({
      authors: ["C. Bal\\'azs", 'E. L. Berger', 'P. M. Nadolsky', 'C.-P. Yuan'],
      feedDate: '2007-07-24',
      version: 1,
      publishedAt: null,
    });
  });

  it('rejects a record without a title, with a malformed id or an unreadable date', () => {
    expect(() => fromArxivSnapshot({ ...records[0], title: '' })).toThrow('no title');
    expect(() => fromArxivSnapshot({ ...records[0], id: '704.0001' })).toThrow(
      'malformed arXiv id "704.0001"',
    );
    expect(() =>
      fromArxivSnapshot({ ...records[0], versions: [{ version: 'v1', created: 'yesterday' }] }),
    ).toThrow('unreadable date "yesterday"');
  });
});
