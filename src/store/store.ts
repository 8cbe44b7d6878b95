import type { Paper, PaperInput } from '../model/paper.js';
import type { ParsedQuery } from '../search/query.js';

/** Counts of what an upsert did. */
export interface UpsertSummary {
  inserted: number;
  updated: number;
  unchanged: number;
}

export type FeedSort = 'upvotes' | 'newest';

export interface FeedQuery {
  /** Inclusive range of feed days, YYYY-MM-DD. */
  from: string;
  to: string;
  sort: FeedSort;
  offset: number;
  limit: number;
  /** Only papers submitted by this user. */
  submitter?: string;
}

export interface PageOf<T> {
  items: T[];
  total: number;
}

export interface SearchFilters {
  category?: string;
  /** Inclusive range of feed days, YYYY-MM-DD. */
  from?: string;
  to?: string;
  hasCode?: boolean;
}

export type SearchSort = 'relevance' | 'newest' | 'upvotes';

export interface SearchRequest {
  query: ParsedQuery;
  filters: SearchFilters;
  sort: SearchSort;
  offset: number;
  limit: number;
}

export interface SearchHit {
  paper: Paper;
  /** Engine score, higher is better; only comparable within one result list. */
  score: number;
  /** Title and abstract excerpt with matches wrapped in HIGHLIGHT_START / HIGHLIGHT_END (see search/highlight). */
  titleHighlighted: string;
  snippet: string;
}

/** Neighbouring feed days that have papers, for previous/next navigation. */
export interface FeedNeighbours {
  previous: string | null;
  next: string | null;
}

/**
 * Everything Paperboy keeps. One interface, one adapter per database; all methods are async so that
 * network databases fit behind it as well as embedded SQLite.
 */
export interface Store {
  /** Inserts new papers and merges known ones (see mergePaper), in one transaction per call. */
  upsertPapers(papers: PaperInput[]): Promise<UpsertSummary>;
  getPaper(id: string): Promise<Paper | null>;
  countPapers(): Promise<number>;
  /** The newest feed day that has papers, or null when the store is empty. */
  latestFeedDay(): Promise<string | null>;
  /** The nearest days before `from` and after `to` that have papers. */
  feedNeighbours(from: string, to: string): Promise<FeedNeighbours>;
  listFeed(query: FeedQuery): Promise<PageOf<Paper>>;
  search(request: SearchRequest): Promise<PageOf<SearchHit>>;
  /** Every category with its paper count, most papers first. */
  categories(): Promise<{ category: string; count: number }[]>;
  close(): Promise<void>;

  // --- harvest (arXiv ingestion) ---

  // --- community (accounts, votes, comments, collections) ---

  // --- mail (subscriptions, digests, send log) ---
}
