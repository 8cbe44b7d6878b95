import { z } from 'zod';
import { emptyPaper, type PaperInput } from '../../model/paper.js';
import { extractLinks } from '../links.js';
import { collapseWhitespace, unwrapParagraphs } from '../text.js';
import {
  arxivIdField,
  dayField,
  optionalText,
  parseRecord,
  RecordError,
  textOrNull,
  timestampField,
  titleField,
} from './record.js';

const SnapshotRecord = z.object({
  id: arxivIdField,
  title: titleField,
  authors: z.string().nullish(),
  authors_parsed: z.array(z.array(z.string())).nullish(),
  abstract: z.string().nullish(),
  comments: z.string().nullish(),
  'journal-ref': optionalText,
  doi: optionalText,
  categories: z.string().nullish(),
  versions: z
    .array(z.object({ version: z.string().regex(/^v\d+$/, 'expected v1, v2, …'), created: timestampField }))
    .nullish(),
  update_date: dayField.nullish(),
});

/**
 * One line of the public arXiv metadata snapshot (Kaggle's `arxiv-metadata-oai-snapshot.json`).
 * The version is the highest listed; publishedAt is v1's date and updatedAt the latest version's.
 * The snapshot has no announcement day, so the feed day is the day v1 was submitted (or
 * `update_date` for a record without versions).
 */
export function fromArxivSnapshot(value: unknown): PaperInput {
  const record = parseRecord(SnapshotRecord, value);
  const versions = (record.versions ?? [])
    .map((v) => ({ number: Number(v.version.slice(1)), created: v.created }))
    .sort((a, b) => a.number - b.number);
  const first = versions[0];
  const last = versions.at(-1);
  const feedDate = first?.created.slice(0, 10) ?? record.update_date;
  if (!feedDate) throw new RecordError('missing versions and update_date: cannot tell the paper’s date');
  const abstract = record.abstract ?? '';
  return {
    ...emptyPaper(record.id.id, record.title, feedDate),
    version: last?.number ?? record.id.version ?? 1,
    authors: authorNames(record.authors_parsed, record.authors),
    abstract: unwrapParagraphs(abstract),
    categories: (record.categories ?? '').split(/\s+/).filter(Boolean),
    publishedAt: first?.created ?? null,
    updatedAt: last?.created ?? null,
    comment: textOrNull(record.comments),
    journalRef: record['journal-ref'],
    doi: record.doi,
    ...extractLinks(abstract, record.comments),
  };
}

/**
 * `authors_parsed` holds [last, first, suffix] triples, already split; the `authors` string joins
 * names with commas and a final "and", which is ambiguous with suffixes, so it is only the fallback.
 */
function authorNames(parsed: string[][] | null | undefined, joined: string | null | undefined): string[] {
  const names = parsed
    ? parsed.map(([last = '', first = '', suffix = '']) => collapseWhitespace(`${first} ${last} ${suffix}`))
    : (joined ?? '').split(/,|\band\b/).map(collapseWhitespace);
  return names.filter((name) => name !== '');
}
