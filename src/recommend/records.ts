/** What the Store keeps and returns for recommendations and topic trends (see the `recommend` section of Store). */

/** What the features of a paper are computed from. */
export interface PaperText {
  id: string;
  title: string;
  abstract: string;
  /** Primary category first. */
  categories: string[];
}

/** Something a user did that tells what they want to read. */
export type FeedbackKind = 'saved' | 'upvoted' | 'not-interested';

export interface RecommendationFeedback {
  paperId: string;
  kind: FeedbackKind;
  /** When, ISO-8601. */
  at: string;
}

export interface CandidateRequest {
  /** Words (as written, stemmed by the engine like a search) and their weights, most important first. */
  words: { text: string; weight: number }[];
  /** Inclusive range of feed days, YYYY-MM-DD. */
  from?: string;
  to?: string;
  limit: number;
}

export interface MonthCount {
  /** YYYY-MM */
  month: string;
  count: number;
}

export interface MonthlyCounts {
  /** Every month from the first to the last day of the range, oldest first, months without matches as 0. */
  months: MonthCount[];
  /** The range's first and last feed days: a month they cut is only partly counted. Null when the store is empty. */
  firstDay: string | null;
  lastDay: string | null;
  /** True when the counts were estimated from a sample of the matches (a query matching much of the corpus). */
  estimated: boolean;
}
