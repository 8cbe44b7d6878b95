import { z } from 'zod';
import { emptyPaper, type PaperInput } from '../../model/paper.js';
import { extractLinks } from '../links.js';
import { unwrapParagraphs } from '../text.js';
import { arxivIdField, dayField, nameList, parseRecord, textOrNull, titleField } from './record.js';

const ArxivListingRecord = z.object({
  id: arxivIdField,
  title: titleField,
  authors: nameList,
  categories: nameList,
  comment: z.string().nullish(),
  summary: z.string().nullish(),
  _listing_date: dayField,
});

/**
 * One line of an arXiv daily-listing JSON Lines file (`id, pdf, abs, authors[], title, categories[],
 * comment, summary, _listing_date`). The listing day is the day the paper entered the feed; the listing
 * does not say when the paper was submitted, so publishedAt stays unknown.
 */
export function fromArxivListing(value: unknown): PaperInput {
  const record = parseRecord(ArxivListingRecord, value);
  return {
    ...emptyPaper(record.id.id, record.title, record._listing_date),
    version: record.id.version ?? 1,
    authors: record.authors,
    abstract: unwrapParagraphs(record.summary ?? ''),
    categories: record.categories,
    comment: textOrNull(record.comment),
    ...extractLinks(record.summary, record.comment),
  };
}
