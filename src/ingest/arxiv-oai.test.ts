import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { idOfRecord, oaiFixture, realArxivRecords } from '../../test/support/oai-fixtures.js';
import { sharedPath } from '../../test/support/shared.js';
import {
  ArxivRecordError,
  arxivIdFromOaiIdentifier,
  arxivRecordToPaper,
  authorName,
  parseArxivMetadata,
  type ArxivMetadata,
} from './arxiv-oai.js';
import { parseOaiResponse, type OaiRecord } from './oai-pmh.js';
import { collapseWhitespace } from './text.js';

/** The hepcrawl (INSPIRE) parse that ships with the fixtures, reduced to the fields both formats have. */
interface ExpectedParse {
  preprint_date: string;
  titles: { title: string }[];
  abstracts: { value: string }[];
  authors: { full_name: string }[];
  arxiv_eprints: { value: string; categories: string[] }[];
  dois?: { value: string }[];
  public_notes?: { value: string }[];
  publication_info?: { pubinfo_freetext?: string }[];
  report_numbers?: { value: string }[];
  license: { url: string }[];
}

function recordsIn(...files: string[]): OaiRecord[] {
  return files.flatMap((file) => parseOaiResponse(oaiFixture('oai-pmh-arxiv', file)).records);
}

// hepcrawl writes "Keyname, F.M." (initials joined, dots added); compare without spaces and dots.
const squeeze = (name: string) => name.replace(/[\s.]+/g, '');

function expectMatchesHepcrawl(actual: ArxivMetadata, expected: ExpectedParse): void {
  const [eprint] = expected.arxiv_eprints;
  expect(actual.id).toBe(eprint?.value);
  // hepcrawl sorts categories; arXiv's own order (primary first) is what Paperboy keeps.
  expect([...actual.categories].sort()).toEqual([...(eprint?.categories ?? [])].sort());
  expect(actual.created).toBe(expected.preprint_date);
  expect(actual.title).toBe(expected.titles[0]?.title);
  expect(collapseWhitespace(actual.abstract)).toBe(expected.abstracts[0]?.value);
  expect(actual.authors.map((a) => squeeze(`${a.keyname},${a.forenames ?? ''}`)).sort()).toEqual(
    expected.authors.map((a) => squeeze(a.full_name)).sort(),
  );
  expect(actual.doi).toBe(expected.dois?.[0]?.value ?? null);
  expect(actual.comments).toBe(
    expected.public_notes?.[0] ? collapseWhitespace(expected.public_notes[0].value) : null,
  );
  expect(actual.journalRef).toBe(expected.publication_info?.[0]?.pubinfo_freetext ?? null);
  const reportNumbers = expected.report_numbers?.map((r) => r.value) ?? [];
  for (const number of reportNumbers) expect(actual.reportNo).toContain(number);
  if (reportNumbers.length === 0) expect(actual.reportNo).toBeNull();
  expect(actual.license).toBe(expected.license[0]?.url);
}

describe('parseArxivMetadata against the expected parses shipped with the fixtures', () => {
  const records = recordsIn('arxiv-physics-hep-th.xml', 'arxiv-physics-hep-ex.xml');
  const expected = JSON.parse(
    readFileSync(sharedPath('fixtures', 'oai-pmh-arxiv', 'arxiv_expected_parsed.json'), 'utf8'),
  ) as ExpectedParse[];

  it('finds the six records of the two ListRecords pages', () => {
    expect(records.map((r) => r.header.identifier).sort()).toEqual(
      expected.map((e) => `oai:arXiv.org:${e.arxiv_eprints[0]?.value}`).sort(),
    );
  });

  it.each(expected.map((e) => [e.arxiv_eprints[0]?.value, e] as const))('%s', (id, parse) => {
    const record = records.find((r) => r.header.identifier === `oai:arXiv.org:${id}`);
    expectMatchesHepcrawl(parseArxivMetadata(record?.metadata, record?.header.identifier ?? ''), parse);
  });

  it('sample_arxiv_record10 (a thesis with quoted entities in comment and abstract)', () => {
    const [record] = recordsIn('sample_arxiv_record10.xml');
    const [job] = JSON.parse(
      readFileSync(sharedPath('fixtures', 'oai-pmh-arxiv', 'sample_arxiv_record10_parsed.json'), 'utf8'),
    ) as { results_data: ExpectedParse[] }[];
    expectMatchesHepcrawl(parseArxivMetadata(record?.metadata, ''), job!.results_data[0]!);
  });
});

describe('arxivRecordToPaper', () => {
  it('maps a first version to a paper on the feed day of its announcement', () => {
    const [record] = recordsIn('sample_arxiv_record0.xml');
    const { paper, revised } = arxivRecordToPaper(record!);
    expect(revised).toBe(false);
    expect(paper).toMatchObject({
      id: '1601.03238',
      version: 1,
      title: 'Irreversible degradation of quantum coherence under relativistic motion',
      authors: ['Planck Collaboration', 'Jieci Wang', 'Zehua Tian', 'Jiliang Jing', 'Heng Fan'],
      categories: ['quant-ph', 'gr-qc', 'hep-th', 'chao-dyn', 'nlin.CD'],
      publishedAt: '2016-01-13T00:00:00.000Z',
      updatedAt: '2016-01-13T00:00:00.000Z',
      // created 2016-01-13, announced (datestamp) 2016-01-14
      feedDate: '2016-01-14',
      comment: '6 pages, 4 figures, conference paper',
      // The record lists three DOIs: "10.1103/PhysRevD.93.016005, 10.1103/…;10.1103/…".
      doi: '10.1103/PhysRevD.93.016005',
    });
  });

  it('maps a replacement: version at least 2, last update, feed day of the first version', () => {
    const record = recordsIn('arxiv-physics-hep-th.xml').find((r) =>
      r.header.identifier.endsWith('1412.8323'),
    );
    const { paper, revised } = arxivRecordToPaper(record!);
    expect(revised).toBe(true);
    expect(paper).toMatchObject({
      version: 2,
      categories: ['quant-ph', 'gr-qc', 'hep-th', 'math-ph', 'math.MP', 'physics.hist-ph'],
      publishedAt: '2014-12-29T00:00:00.000Z',
      updatedAt: '2017-12-13T00:00:00.000Z',
      feedDate: '2014-12-29',
      title: 'Toolbox for reconstructing quantum theory from rules on information acquisition',
    });
    // arXiv's indented lines start paragraphs; wrapped lines are joined.
    expect(paper.abstract).not.toMatch(/\n(?!\n)/);
    expect(paper.abstract.startsWith('We develop an operational approach')).toBe(true);
  });

  it('maps every real record, with authors written as the paper prints them', () => {
    const { hepTh, hepEx, samples, single } = realArxivRecords();
    const ids = [...hepTh, ...hepEx, ...samples, ...single].map(idOfRecord);
    expect(new Set(ids).size).toBe(19);
    const records = recordsIn(
      'sample_arxiv_record.xml',
      ...[...Array(11).keys()].map((i) => `sample_arxiv_record${i}.xml`),
      'arxiv-physics-hep-th.xml',
      'arxiv-physics-hep-ex.xml',
      'arxiv-single.xml',
    );
    expect(records).toHaveLength(30);
    for (const record of records) {
      const { paper } = arxivRecordToPaper(record);
      expect(paper.id).toBe(arxivIdFromOaiIdentifier(record.header.identifier));
      expect(paper.title).not.toBe('');
      expect(paper.authors.every((a) => a.trim() === a && a !== '')).toBe(true);
      expect(paper.feedDate).toMatch(/^\d{4}-\d\d-\d\d$/);
    }
  });

  it('writes names with forenames first and a suffix last', () => {
    expect(authorName({ keyname: 'King', forenames: 'Martin Luther', suffix: 'Jr' })).toBe(
      'Martin Luther King Jr',
    );
    expect(authorName({ keyname: 'ATLAS Collaboration', forenames: null, suffix: null })).toBe(
      'ATLAS Collaboration',
    );
  });

  it('refuses records that are not in the arXiv format', () => {
    const [dc] = parseOaiResponse(oaiFixture('oai-pmh-generic', 'GetRecord.xml')).records;
    expect(() => arxivRecordToPaper(dc!)).toThrow(ArxivRecordError);
    expect(() => arxivRecordToPaper(dc!)).toThrow(/has no arXiv metadata \(found: dc\)/);
  });
});

describe('arxivIdFromOaiIdentifier', () => {
  it('reads new and old style identifiers and rejects other repositories', () => {
    expect(arxivIdFromOaiIdentifier('oai:arXiv.org:2503.11731')).toBe('2503.11731');
    expect(arxivIdFromOaiIdentifier('oai:arXiv.org:astro-ph/0601001')).toBe('astro-ph/0601001');
    expect(arxivIdFromOaiIdentifier('oai:test.example.com:1585310')).toBeNull();
    expect(arxivIdFromOaiIdentifier('')).toBeNull();
  });
});
