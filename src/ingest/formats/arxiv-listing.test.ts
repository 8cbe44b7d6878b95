import { describe, expect, it } from 'vitest';
import { fromArxivListing } from './arxiv-listing.js';
import { RecordError } from './record.js';

const record = {
  id: '2503.11742',
  pdf: 'https://arxiv.org/pdf/2503.11742',
  abs: 'https://arxiv.org/abs/2503.11742',
  authors: ["Moreno D'Incà", 'Elia Peruzzo'],
  title: 'Safe Vision-Language Models via Unsafe\n  Weights Manipulation',
  categories: ['cs.CV', 'cs.AI'],
  comment: 'Work in progress. Project page:\n  https://x.github.io/uwm',
  summary:
    'Vision-language models (VLMs) often inherit the biases $\\mathcal{L}$\nof their data.\n  Code is at\nhttps://github.com/x/uwm.',
  _listing_date: '2025-03-18',
};

describe('fromArxivListing', () => {
  it('maps a listing line, unwrapping the abstract into paragraphs and keeping LaTeX', () => {
    expect(fromArxivListing(record)).toMatchObject({
      id: '2503.11742',
      version: 1,
      title: 'Safe Vision-Language Models via Unsafe Weights Manipulation',
      authors: ["Moreno D'Incà", 'Elia Peruzzo'],
      categories: ['cs.CV', 'cs.AI'],
      abstract:
        'Vision-language models (VLMs) often inherit the biases $\\mathcal{L}$ of their data.\n\nCode is at https://github.com/x/uwm.',
      comment: 'Work in progress. Project page: https://x.github.io/uwm',
      feedDate: '2025-03-18',
      publishedAt: null,
      codeUrl: 'https://github.com/x/uwm',
      projectUrl: 'https://x.github.io/uwm',
    });
  });

  it('takes the version from a versioned id', () => {
    expect(fromArxivListing({ ...record, id: '2503.11742v3' })).toMatchObject({
      id: '2503.11742',
      version: 3,
    });
  });

  it.each([
    [{ title: undefined }, 'no title'],
    [{ title: ' \n ' }, 'no title'],
    [{ id: '2503.117' }, 'malformed arXiv id "2503.117"'],
    [{ id: undefined }, 'missing id'],
    [{ _listing_date: '2025-13-40' }, '_listing_date: expected a date YYYY-MM-DD'],
    [{ authors: 'Someone' }, 'authors: Invalid input: expected array, received string'],
  ])('rejects %j with a clear message', (change, message) => {
    expect(() => fromArxivListing({ ...record, ...change })).toThrow(new RecordError(message));
  });

  it('rejects something that is not an object', () => {
    expect(() => fromArxivListing([1])).toThrow(new RecordError('expected a JSON object'));
  });
});
