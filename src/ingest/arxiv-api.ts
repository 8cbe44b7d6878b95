import { parseArxivId } from '../model/arxiv-id.js';
import { emptyPaper, type PaperInput } from '../model/paper.js';
import { ArxivUnavailableError, politeGet, type PoliteHttpOptions } from './arxiv-http.js';
import {
  MalformedXmlError,
  attributeOf,
  childOf,
  childrenOf,
  parseXmlDocument,
  textOf,
  type XmlNode,
} from './arxiv-xml.js';
import { extractLinks } from './links.js';
import { collapseWhitespace, unwrapParagraphs } from './text.js';

/** Ids per request: arXiv answers up to 2,000 results per call, but a long id_list makes a long URL. */
const IDS_PER_REQUEST = 100;

export interface ArxivApiOptions extends PoliteHttpOptions {
  /** Base URL of the query API (ARXIV_API_URL). */
  apiUrl: string;
}

export type ArxivLookupProblem = 'not-found' | 'invalid-id' | 'unavailable' | 'bad-response';

/** Why a look-up gave no paper, in words a person can act on. */
export class ArxivLookupError extends Error {
  constructor(
    readonly problem: ArxivLookupProblem,
    /** The id as the caller wrote it, when the problem concerns one id. */
    readonly input: string | null,
    message: string,
  ) {
    super(message);
    this.name = 'ArxivLookupError';
  }
}

function notFound(input: string): ArxivLookupError {
  return new ArxivLookupError('not-found', input, `arXiv has no paper ${input}`);
}

function invalidId(input: string): ArxivLookupError {
  // Whatever a person pasted is echoed back, but not a whole page of it.
  const shown = input === '' ? '(nothing)' : input.length > 80 ? `${input.slice(0, 79)}…` : input;
  return new ArxivLookupError('invalid-id', input, `${shown} is not a valid arXiv id`);
}

/** One `<entry>` of arXiv's Atom feed, as the API describes a paper. */
export interface ArxivEntry {
  /** Id without version. */
  id: string;
  version: number | null;
  title: string;
  summary: string;
  authors: string[];
  /** arXiv categories, primary first. */
  categories: string[];
  published: string | null;
  updated: string | null;
  comment: string | null;
  journalRef: string | null;
  doi: string | null;
}

export interface ArxivFeed {
  totalResults: number | null;
  entries: ArxivEntry[];
  /** Error entries: arXiv reports a bad request as a feed with one entry titled "Error". */
  errors: string[];
}

// arXiv's taxonomy (cs.LG, astro-ph.CO, cond-mat.str-el, math-ph); the API also lists ACM (I.2.7) and
// MSC (68T05) classes as categories, which are not places in the feed.
const ARXIV_CATEGORY = /^[a-z]+(?:-[a-z]+)?(?:\.[A-Za-z]+(?:-[a-z]+)?)?$/;

function optionalText(node: XmlNode | XmlNode[] | undefined): string | null {
  const text = collapseWhitespace(textOf(node));
  return text === '' ? null : text;
}

function isoTimestamp(text: string | null): string | null {
  if (!text) return null;
  const time = Date.parse(text);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

function isErrorEntry(entry: XmlNode): boolean {
  return textOf(childOf(entry, 'id')).includes('/api/errors') || textOf(childOf(entry, 'title')) === 'Error';
}

function parseEntry(entry: XmlNode): ArxivEntry {
  const idText = textOf(childOf(entry, 'id'));
  const parsed = parseArxivId(idText);
  if (!parsed)
    throw new MalformedXmlError(`arXiv returned an entry with an unrecognised id: ${idText || '(none)'}`);
  const primary = attributeOf(childOf(entry, 'primary_category'), 'term');
  const terms = childrenOf(entry, 'category').map((c) => attributeOf(c, 'term') ?? '');
  const categories = [...new Set([primary ?? '', ...terms])].filter((term) => ARXIV_CATEGORY.test(term));
  return {
    id: parsed.id,
    version: parsed.version,
    title: collapseWhitespace(textOf(childOf(entry, 'title'))),
    summary: unwrapParagraphs(textOf(childOf(entry, 'summary'))),
    authors: childrenOf(entry, 'author')
      .map((author) => collapseWhitespace(textOf(childOf(author, 'name'))))
      .filter((name) => name !== ''),
    categories,
    published: isoTimestamp(optionalText(childOf(entry, 'published'))),
    updated: isoTimestamp(optionalText(childOf(entry, 'updated'))),
    comment: optionalText(childOf(entry, 'comment')),
    journalRef: optionalText(childOf(entry, 'journal_ref')),
    doi: optionalText(childOf(entry, 'doi')),
  };
}

/** Parses a response of the arXiv query API (Atom 1.0 with arXiv and OpenSearch extensions). */
export function parseArxivFeed(xml: string): ArxivFeed {
  const document = parseXmlDocument(xml, 'the arXiv API response');
  const feed = document['feed'];
  if (feed === undefined || typeof feed === 'string') {
    throw new MalformedXmlError('the arXiv API response is not an Atom feed');
  }
  const total = textOf(childOf(feed, 'totalResults')).trim();
  const entries = childrenOf(feed, 'entry');
  return {
    totalResults: /^\d+$/.test(total) ? Number(total) : null,
    entries: entries.filter((e) => !isErrorEntry(e)).map(parseEntry),
    errors: entries.filter(isErrorEntry).map((e) => collapseWhitespace(textOf(childOf(e, 'summary')))),
  };
}

/** The paper an API entry describes, entering the feed on `feedDate` unless it is already there. */
export function entryToPaper(entry: ArxivEntry, feedDate: string): PaperInput {
  return {
    ...emptyPaper(entry.id, entry.title, feedDate),
    version: entry.version ?? 1,
    authors: entry.authors,
    abstract: entry.summary,
    categories: entry.categories,
    publishedAt: entry.published,
    updatedAt: entry.updated,
    comment: entry.comment,
    journalRef: entry.journalRef,
    doi: entry.doi,
    ...extractLinks(entry.summary, entry.comment),
  };
}

function queryUrl(apiUrl: string, idList: string[]): string {
  const url = new URL(apiUrl);
  url.searchParams.set('search_query', '');
  url.searchParams.set('id_list', idList.join(','));
  url.searchParams.set('start', '0');
  url.searchParams.set('max_results', String(IDS_PER_REQUEST));
  return url.toString();
}

// arXiv's wording is "incorrect id format for abc"; the id is what follows "for".
function invalidIdIn(message: string, idList: string[]): string | null {
  const named = /\bfor (\S+)$/.exec(message)?.[1];
  return idList.find((id) => id === named) ?? (idList.length === 1 ? (idList[0] ?? null) : null);
}

/**
 * One request to the API for the given ids (written as arXiv expects them: `2503.11731`, `astro-ph/0601001`,
 * `2104.12255v1`). Returns the entries found; ids arXiv does not know are simply absent. A rejected id list
 * (HTTP 400 with an error entry) becomes an ArxivLookupError naming the id.
 */
export async function fetchArxivEntries(idList: string[], options: ArxivApiOptions): Promise<ArxivEntry[]> {
  const reply = await politeGet(queryUrl(options.apiUrl, idList), options);
  let feed: ArxivFeed;
  try {
    feed = parseArxivFeed(reply.body);
  } catch (err) {
    if (!(err instanceof MalformedXmlError)) throw err;
    const status = reply.status === 200 ? '' : ` (HTTP ${reply.status})`;
    throw new ArxivLookupError(
      'bad-response',
      null,
      `arXiv sent an unreadable answer${status}: ${err.message}`,
    );
  }
  const [firstError] = feed.errors;
  if (firstError !== undefined) {
    const culprit = invalidIdIn(firstError, idList);
    if (culprit !== null && /id format/i.test(firstError)) throw invalidId(culprit);
    throw new ArxivLookupError('bad-response', culprit, `arXiv rejected the request: ${firstError}`);
  }
  if (reply.status !== 200) {
    throw new ArxivLookupError('bad-response', null, `arXiv answered HTTP ${reply.status}`);
  }
  return feed.entries;
}

export interface ArxivLookupOptions extends ArxivApiOptions {
  /** Feed day for papers not yet stored (mergePaper keeps an earlier one); defaults to today (UTC). */
  feedDate?: string;
}

export interface ArxivLookupResult {
  /** In the order asked, one per distinct id found. */
  papers: PaperInput[];
  /** One per id that gave no paper: unknown to arXiv, not an arXiv id, or arXiv unavailable. */
  failures: ArxivLookupError[];
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

function keyOf(id: string, version: number | null): string {
  return version === null ? id : `${id}v${version}`;
}

/**
 * Looks papers up on arXiv by id, versioned id, `arXiv:` id or abs/PDF URL, as many as given, in requests
 * of up to 100 ids. Inputs that are not arXiv ids fail without a request; the rest are asked for together.
 * This is what `paperboy add` and the /submit page use.
 */
export async function lookupArxivPapers(
  inputs: string[],
  options: ArxivLookupOptions,
): Promise<ArxivLookupResult> {
  const feedDate = options.feedDate ?? today();
  const failures: ArxivLookupError[] = [];
  // Request key (`2104.12255v1`, `astro-ph/0601001`) → the input as written, for messages.
  const asked = new Map<string, string>();
  for (const input of inputs.map((text) => text.trim())) {
    const parsed = parseArxivId(input);
    if (parsed) asked.set(keyOf(parsed.id, parsed.version), input);
    else failures.push(invalidId(input));
  }
  const found = new Map<string, PaperInput>();
  const pending: string[][] = [];
  const keys = [...asked.keys()];
  for (let start = 0; start < keys.length; start += IDS_PER_REQUEST) {
    pending.push(keys.slice(start, start + IDS_PER_REQUEST));
  }
  for (let chunk = pending.shift(); chunk !== undefined; chunk = pending.shift()) {
    let entries: ArxivEntry[];
    try {
      entries = await fetchArxivEntries(chunk, options);
    } catch (err) {
      const error = err instanceof ArxivLookupError ? err : null;
      if (error === null && !(err instanceof ArxivUnavailableError)) throw err;
      const culprit = error?.problem === 'invalid-id' ? error.input : null;
      if (culprit !== null && chunk.includes(culprit)) {
        // One bad id spoils the whole request: report it and ask again for the others.
        failures.push(invalidId(asked.get(culprit) ?? culprit));
        const rest = chunk.filter((key) => key !== culprit);
        if (rest.length > 0) pending.unshift(rest);
        continue;
      }
      const problem = error?.problem ?? 'unavailable';
      const message = error?.message ?? `arXiv is unavailable: ${(err as Error).message}`;
      for (const key of chunk) failures.push(new ArxivLookupError(problem, asked.get(key) ?? key, message));
      continue;
    }
    for (const entry of entries) {
      // A versioned request is answered with that version, an unversioned one with the latest.
      const key = [keyOf(entry.id, entry.version), entry.id].find((k) => chunk.includes(k) && !found.has(k));
      if (key !== undefined) found.set(key, entryToPaper(entry, feedDate));
    }
    for (const key of chunk) if (!found.has(key)) failures.push(notFound(asked.get(key) ?? key));
  }
  const papers = keys.flatMap((key) => found.get(key) ?? []);
  return { papers, failures };
}

/** Looks up one paper; throws ArxivLookupError ("arXiv has no paper 0000.0000", "abc is not a valid arXiv id"). */
export async function lookupArxivPaper(input: string, options: ArxivLookupOptions): Promise<PaperInput> {
  const { papers, failures } = await lookupArxivPapers([input], options);
  const [paper] = papers;
  if (paper) return paper;
  throw failures[0] ?? notFound(input);
}
