import { describe, expect, it } from 'vitest';
import { oaiFixture } from '../../test/support/oai-fixtures.js';
import { MalformedXmlError } from './arxiv-xml.js';
import { OAI_ERROR_MEANINGS, OaiPmhError, listRecordsUrl, parseOaiResponse } from './oai-pmh.js';

const generic = (name: string) => oaiFixture('oai-pmh-generic', name);

describe('parseOaiResponse over the generic OAI-PMH fixtures', () => {
  it('follows the resumption-token chain of ListRecords through four pages', () => {
    const tokens: string[] = [];
    let page = 'ListRecords.xml';
    const records = [];
    for (;;) {
      const response = parseOaiResponse(generic(page));
      records.push(...response.records);
      const next = response.resumptionToken?.token ?? '';
      if (next === '') break;
      tokens.push(next);
      page = next;
    }
    expect(tokens).toEqual(['ListRecords2.xml', 'ListRecords3.xml', 'ListRecords4.xml']);
    expect(records).toHaveLength(8);
    expect(records.filter((r) => r.header.deleted)).toHaveLength(4);
  });

  it('reads headers, deleted status and the token attributes', () => {
    const response = parseOaiResponse(generic('ListRecords.xml'));
    expect(response.responseDate).toBe('2013-02-27T09:10:56Z');
    expect(response.records.map((r) => r.header)).toEqual([
      {
        identifier: 'oai:test.example.com:1585310',
        datestamp: '2011-07-18T16:31:00Z',
        setSpecs: [],
        deleted: true,
      },
      {
        identifier: 'oai:test.example.com:1585322',
        datestamp: '2011-01-10T10:19:23Z',
        setSpecs: [],
        deleted: false,
      },
    ]);
    expect(response.records[0]?.metadata).toBeUndefined();
    expect(response.records[1]?.metadata).toHaveProperty('dc');
    expect(response.resumptionToken).toEqual({ token: 'ListRecords2.xml', cursor: 0, completeListSize: 8 });
  });

  it('keeps a deleted record whose header lacks identifier and datestamp, with empty fields', () => {
    const [deleted] = parseOaiResponse(generic('ListRecords4.xml')).records;
    expect(deleted?.header).toEqual({ identifier: '', datestamp: '', setSpecs: [], deleted: true });
  });

  it('reads ListIdentifiers pages and GetRecord responses', () => {
    const identifiers = parseOaiResponse(generic('ListIdentifiers.xml'));
    expect(identifiers.headers.length).toBeGreaterThan(0);
    expect(identifiers.resumptionToken?.token).toBe('ListIdentifiers2.xml');
    const single = parseOaiResponse(generic('GetRecord.xml'));
    expect(single.records).toHaveLength(1);
    expect(single.resumptionToken).toBeNull();
  });

  it('decodes UTF-8 and character references', () => {
    const response = parseOaiResponse(generic('GetRecord_utf8test.xml'));
    expect(response.records[0]?.metadata).toMatchObject({ dc: { creator: '某人' } });
  });

  it.each([
    ['badArgument.xml', 'badArgument', /check --set, --from and --until/],
    ['badResumptionToken.xml', 'badResumptionToken', /This resumptionToken is invalid/],
    [
      'cannotDisseminateFormat.xml',
      'cannotDisseminateFormat',
      /cannot provide records in the arXiv metadata format/,
    ],
    ['idDoesNotExist.xml', 'idDoesNotExist', /maps to no known item/],
    ['noSetHierarchy.xml', 'noSetHierarchy', /does not support sets \(run without --set\)/],
    ['undefinedError.xml', 'undefinedError', /reported an error \(undefinedError\)/],
  ])('maps %s to an OaiPmhError with code %s and a clear message', (file, code, message) => {
    let error: unknown;
    try {
      parseOaiResponse(generic(file));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(OaiPmhError);
    expect((error as OaiPmhError).code).toBe(code);
    expect((error as OaiPmhError).message).toMatch(message);
  });

  it('has a meaning for every error code of the protocol', () => {
    expect(Object.keys(OAI_ERROR_MEANINGS).sort()).toEqual(
      [
        'badArgument',
        'badResumptionToken',
        'badVerb',
        'cannotDisseminateFormat',
        'idDoesNotExist',
        'noMetadataFormats',
        'noRecordsMatch',
        'noSetHierarchy',
      ].sort(),
    );
  });

  it('treats noRecordsMatch as success with nothing in it', () => {
    const response = parseOaiResponse(generic('noRecordsMatch.xml'));
    expect(response).toMatchObject({ noRecordsMatch: true, records: [], resumptionToken: null });
  });

  it('rejects the broken file, truncated pages and non-OAI documents', () => {
    expect(() => parseOaiResponse(generic('ListRecordsBroken.xml'))).toThrow(MalformedXmlError);
    const page = generic('ListRecords.xml');
    expect(() => parseOaiResponse(page.slice(0, page.indexOf('<resumptionToken')))).toThrow(
      /not well-formed/,
    );
    expect(() => parseOaiResponse('<html><body>Service unavailable</body></html>')).toThrow(/not an OAI-PMH/);
    expect(() => parseOaiResponse(generic('ListSets.xml'))).toThrow(/neither records nor an error/);
  });
});

describe('listRecordsUrl', () => {
  it('asks for a window, or for the next page with the token alone', () => {
    const first = new URL(
      listRecordsUrl('https://oaipmh.arxiv.org/oai', {
        metadataPrefix: 'arXiv',
        set: 'cs',
        from: '2025-01-02',
        until: null,
      }),
    );
    expect(Object.fromEntries(first.searchParams)).toEqual({
      verb: 'ListRecords',
      metadataPrefix: 'arXiv',
      set: 'cs',
      from: '2025-01-02',
    });
    const next = new URL(listRecordsUrl('https://oaipmh.arxiv.org/oai', { resumptionToken: 'a|b&c' }));
    expect(Object.fromEntries(next.searchParams)).toEqual({ verb: 'ListRecords', resumptionToken: 'a|b&c' });
  });
});
