import { parseArxivId } from '../model/arxiv-id.js';
import { emptyPaper, type PaperInput } from '../model/paper.js';
import { childOf, childrenOf, textOf, type XmlNode } from './arxiv-xml.js';
import { extractLinks } from './links.js';
import type { OaiRecord } from './oai-pmh.js';
import { collapseWhitespace, unwrapParagraphs } from './text.js';

/** arXiv's own OAI-PMH metadata format, `metadataPrefix=arXiv` (schema: http://arxiv.org/OAI/arXiv.xsd). */
export const ARXIV_METADATA_PREFIX = 'arXiv';

export interface ArxivAuthor {
  keyname: string;
  forenames: string | null;
  suffix: string | null;
}

/** One `<arXiv>` metadata element, fields as arXiv names them. */
export interface ArxivMetadata {
  id: string;
  /** Submission of the first version, YYYY-MM-DD. */
  created: string;
  /** Submission of the latest version when there is more than one, YYYY-MM-DD. */
  updated: string | null;
  authors: ArxivAuthor[];
  title: string;
  /** Primary first, as arXiv lists them. */
  categories: string[];
  comments: string | null;
  journalRef: string | null;
  doi: string | null;
  reportNo: string | null;
  license: string | null;
  abstract: string;
}

/** A record that cannot become a paper; the harvest skips it and says why. */
export class ArxivRecordError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArxivRecordError';
  }
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function optional(node: XmlNode | XmlNode[] | undefined): string | null {
  const text = collapseWhitespace(textOf(node));
  return text === '' ? null : text;
}

function day(node: XmlNode | XmlNode[] | undefined): string | null {
  const text = textOf(node).trim();
  return DAY.test(text) ? text : null;
}

/** Reads the `<arXiv>` element of a record's metadata; throws ArxivRecordError when it is not there. */
export function parseArxivMetadata(metadata: XmlNode | undefined, identifier: string): ArxivMetadata {
  const arxiv = childOf(metadata, 'arXiv');
  if (arxiv === undefined || typeof arxiv === 'string') {
    const formats = metadata && typeof metadata === 'object' ? Object.keys(metadata).join(', ') : 'none';
    throw new ArxivRecordError(
      `${identifier || 'a record'} has no arXiv metadata (found: ${formats || 'none'})`,
    );
  }
  const id = collapseWhitespace(textOf(childOf(arxiv, 'id')));
  const created = day(childOf(arxiv, 'created'));
  const title = collapseWhitespace(textOf(childOf(arxiv, 'title')));
  if (!parseArxivId(id))
    throw new ArxivRecordError(`${identifier || 'a record'} has no valid arXiv id ("${id}")`);
  if (created === null) throw new ArxivRecordError(`${id} has no creation date`);
  if (title === '') throw new ArxivRecordError(`${id} has no title`);
  return {
    id,
    created,
    updated: day(childOf(arxiv, 'updated')),
    authors: childrenOf(childOf(arxiv, 'authors'), 'author')
      .map((author) => ({
        keyname: collapseWhitespace(textOf(childOf(author, 'keyname'))),
        forenames: optional(childOf(author, 'forenames')),
        suffix: optional(childOf(author, 'suffix')),
      }))
      .filter((author) => author.keyname !== ''),
    title,
    categories: [
      ...new Set(
        textOf(childOf(arxiv, 'categories'))
          .split(/\s+/)
          .filter((c) => c !== ''),
      ),
    ],
    comments: optional(childOf(arxiv, 'comments')),
    journalRef: optional(childOf(arxiv, 'journal-ref')),
    doi: optional(childOf(arxiv, 'doi')),
    reportNo: optional(childOf(arxiv, 'report-no')),
    license: optional(childOf(arxiv, 'license')),
    abstract: unwrapParagraphs(textOf(childOf(arxiv, 'abstract'))),
  };
}

/** "Philipp A Hoehn", "Planck Collaboration", "Martin Luther King Jr": how the paper prints the name. */
export function authorName(author: ArxivAuthor): string {
  return [author.forenames, author.keyname, author.suffix].filter((part) => part !== null).join(' ');
}

function midnightUtc(day: string): string {
  return `${day}T00:00:00.000Z`;
}

/** An arXiv record as the harvest needs it: the paper, and what the format says about its versions. */
export interface HarvestedPaper {
  paper: PaperInput;
  /** The record describes a replacement (a version after the first). */
  revised: boolean;
}

/**
 * Turns an arXiv-format record into a paper. The format carries no version numbers, only the dates of
 * the first and the latest version, so `version` is a lower bound (1, or 2 once revised) that the
 * harvest raises when it sees a newer revision of a stored paper.
 *
 * Feed day: a first version enters the feed on the day arXiv announced it (the record's datestamp). A
 * replacement of a paper we never stored enters on the day of its first version, so a back-fill puts
 * old papers on their own days instead of flooding today's feed.
 */
export function arxivRecordToPaper(record: OaiRecord): HarvestedPaper {
  const metadata = parseArxivMetadata(record.metadata, record.header.identifier);
  const revised = metadata.updated !== null && metadata.updated !== metadata.created;
  const datestamp = record.header.datestamp.slice(0, 10);
  const feedDate = !revised && DAY.test(datestamp) ? datestamp : metadata.created;
  const [doi] = metadata.doi?.split(/[\s,;]+/) ?? [];
  return {
    revised,
    paper: {
      ...emptyPaper(metadata.id, metadata.title, feedDate),
      version: revised ? 2 : 1,
      authors: metadata.authors.map(authorName),
      abstract: metadata.abstract,
      categories: metadata.categories,
      publishedAt: midnightUtc(metadata.created),
      updatedAt: midnightUtc(metadata.updated ?? metadata.created),
      comment: metadata.comments,
      journalRef: metadata.journalRef,
      // Several DOIs (an erratum's) are separated by commas, semicolons or spaces; the first is the article's.
      doi: doi ?? null,
      ...extractLinks(metadata.abstract, metadata.comments),
    },
  };
}

/** `oai:arXiv.org:astro-ph/0601001` → `astro-ph/0601001`; null for another repository's identifier. */
export function arxivIdFromOaiIdentifier(identifier: string): string | null {
  const local = identifier.replace(/^oai:arXiv\.org:/i, '');
  const parsed = local === identifier ? null : parseArxivId(local);
  return parsed?.id ?? null;
}
