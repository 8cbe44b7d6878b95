import { describe, expect, it } from 'vitest';
import { arxivApiRecordings } from '../../test/support/replay-server.js';
import { entryToPaper, parseArxivFeed } from './arxiv-api.js';
import { MalformedXmlError } from './arxiv-xml.js';

const recordings = arxivApiRecordings();

function recording(idList: string) {
  const found = recordings.find((r) => r.url.searchParams.get('id_list') === idList);
  if (!found) throw new Error(`no recording for id_list=${idList}`);
  return found;
}

describe('parseArxivFeed over every recorded arXiv API response', () => {
  it.each(recordings.map((r) => [r.file, r] as const))('%s', (_file, r) => {
    const feed = parseArxivFeed(r.body);
    if (r.status !== 200) {
      expect(feed.errors.length).toBeGreaterThan(0);
      return;
    }
    const start = Number(r.url.searchParams.get('start'));
    const max = Number(r.url.searchParams.get('max_results'));
    expect(feed.entries.length).toBe(Math.min(max, Math.max(0, (feed.totalResults ?? 0) - start)));
    for (const entry of feed.entries) {
      expect(entry.id).toMatch(/^(\d{4}\.\d{4,5}|[a-z-]+(\.[A-Z]{2})?\/\d{7})$/);
      expect(entry.version).toBeGreaterThanOrEqual(1);
      expect(entry.title.length).toBeGreaterThan(0);
      expect(entry.title).not.toMatch(/\s{2}|\n/);
      expect(entry.authors.length).toBeGreaterThan(0);
      expect(entry.categories.length).toBeGreaterThan(0);
      expect(entry.published).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    }
  });
});

describe('parseArxivFeed', () => {
  it('reads a new-style versioned entry', () => {
    const [entry] = parseArxivFeed(recording('2104.12255v1').body).entries;
    expect(entry).toMatchObject({
      id: '2104.12255',
      version: 1,
      title: '0',
      authors: ['Quan Thoi Minh Nguyen'],
      categories: ['cs.CR'],
      published: '2021-04-20T16:07:14.000Z',
      updated: '2021-04-20T16:07:14.000Z',
      comment: null,
      journalRef: null,
      doi: null,
    });
    expect(entry?.summary).toMatch(/^What is the funniest number in cryptography\? 0\./);
  });

  it('reads an old-style entry with comment, journal ref, entities and affiliations', () => {
    const [entry] = parseArxivFeed(recording('astro-ph/0601001').body).entries;
    expect(entry?.id).toBe('astro-ph/0601001');
    expect(entry?.authors).toEqual(['Andrew Gould', 'Susan Dorsher', 'B. Scott Gaudi', 'Andrzej Udalski']);
    expect(entry?.journalRef).toBe('ActaAstron.56:1-50,2006');
    expect(entry?.comment).toMatch(/^62 pages including 16 figures/);
    // &amp; and &lt; in the feed are text, not markup.
    expect(entry?.summary).toContain('Gould & Morgan (2003)');
    expect(entry?.summary).toContain('V_max<17.5');
  });

  it('puts the primary category first and drops ACM/MSC classes', () => {
    const original = recording('quant-ph/0201082v1').body;
    const categories = (term: string) => `<category term="${term}" scheme="http://arxiv.org/schemas/atom"/>`;
    const reordered = original
      .replace(categories('quant-ph'), '')
      .replace(
        categories('cs.PL'),
        categories('cs.PL') + categories('I.2.7') + categories('68T05') + categories('quant-ph'),
      );
    expect(reordered).not.toBe(original);
    const [entry] = parseArxivFeed(reordered).entries;
    expect(entry?.categories).toEqual(['quant-ph', 'cs.PL']);
  });

  it('reads DOIs and the primary category of search results', () => {
    const feed = parseArxivFeed(recordings.find((r) => r.file.startsWith('q_testing_s0_m100'))!.body);
    expect(feed.totalResults).toBe(214881);
    const withDoi = feed.entries.filter((e) => e.doi !== null);
    expect(withDoi.length).toBeGreaterThan(0);
    expect(withDoi.every((e) => e.doi?.startsWith('10.'))).toBe(true);
  });

  it('returns only the entries arXiv found among several ids', () => {
    const feed = parseArxivFeed(recording('0808.05394,1707.08567').body);
    expect(feed.entries.map((e) => e.id)).toEqual(['1707.08567']);
    expect(feed.entries[0]?.authors).toHaveLength(34);
  });

  it('turns the error entry of a malformed id into an error message', () => {
    const feed = parseArxivFeed(recording('abc').body);
    expect(feed.entries).toEqual([]);
    expect(feed.errors).toEqual(['incorrect id format for abc']);
  });

  it('reads the empty feed of an unknown id', () => {
    expect(parseArxivFeed(recording('0000.0000').body)).toEqual({ totalResults: 0, entries: [], errors: [] });
  });

  it('rejects a truncated feed instead of returning the entries before the cut', () => {
    const body = recording('0808.05394,1707.08567').body;
    expect(() => parseArxivFeed(body.slice(0, body.length / 2))).toThrow(MalformedXmlError);
    expect(() => parseArxivFeed('<html><body>Bad gateway</body></html>')).toThrow(/not an Atom feed/);
  });
});

describe('entryToPaper', () => {
  it('maps an entry to a paper on the given feed day, with links from the abstract', () => {
    const [entry] = parseArxivFeed(recording('1605.08386').body).entries;
    const paper = entryToPaper(entry!, '2026-01-02');
    expect(paper).toMatchObject({
      id: '1605.08386',
      version: 1,
      title: 'Heat-bath random walks with Markov bases',
      categories: ['math.CO', 'math.ST'],
      feedDate: '2026-01-02',
      publishedAt: '2016-05-26T17:59:46.000Z',
      comment: '20 pages, 3 figures',
      upvotes: 0,
      submittedBy: null,
    });
    const withCode = entryToPaper(
      { ...entry!, summary: 'Code: https://github.com/foo/bar. Project page: https://foo.github.io/bar.' },
      '2026-01-02',
    );
    expect(withCode.codeUrl).toBe('https://github.com/foo/bar');
    expect(withCode.projectUrl).toBe('https://foo.github.io/bar');
  });
});
