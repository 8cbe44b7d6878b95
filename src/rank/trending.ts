/**
 * Paperboy's trending score, the one formula behind `/trending`, `sort=trending` and `/about/ranking`.
 *
 *   score = log10(max(1, upvotes + ½ · commenters)) + days / 7
 *
 * `commenters` counts the distinct people with a visible comment on the paper (one person writing ten
 * comments is one commenter), `days` counts the days from 2020-01-01 to the day the paper entered the feed.
 *
 * Why this shape (Reddit's "hot" ranking, with a time constant chosen for a daily paper feed):
 * - The score depends only on the paper's own counts and feed day, never on the current time. Ordering by
 *   it equals ordering by points · 10^(days/7): every paper decays at the same rate, so the order never
 *   changes by itself. It can therefore be stored and indexed, and it changes only when a vote or comment
 *   changes it — unlike HN's (P−1)/(T+2)^1.8, which has to be recomputed for every paper on every request.
 * - The logarithm means the first ten votes count as much as the next ninety: early signal matters and a
 *   runaway paper cannot bury everything else.
 * - Seven days per factor of ten: a paper needs ten times the points of one a week newer to stay above it
 *   (twice the points for about 2.1 days). Papers arrive in daily batches, so a whole day is the natural
 *   unit; Reddit's 12.5 hours would make yesterday's papers vanish from a weekly view.
 * - A comment counts half a vote: discussion is a signal, but cheaper to produce than a vote is to earn.
 * - With equal points the newer paper has the higher score.
 *
 * The SQLite adapter stores the same expression as a generated column (migration 3); a test keeps the two
 * in agreement.
 */

/** The day the time term counts from. Any fixed day works; only differences between scores matter. */
export const TRENDING_EPOCH_DAY = '2020-01-01';
/** A paper needs ten times the points to outrank one this many days newer. */
export const DAYS_PER_TENFOLD = 7;
/** What one distinct commenter is worth, in upvotes. */
export const COMMENTER_WEIGHT = 0.5;

export interface TrendingInput {
  upvotes: number;
  /** Distinct users with a visible comment. */
  commenters: number;
  /** The day the paper entered the feed, YYYY-MM-DD. */
  feedDate: string;
}

/** Every intermediate value of the score, so the ranking page can show its arithmetic. */
export interface TrendingBreakdown {
  points: number;
  votesTerm: number;
  days: number;
  timeTerm: number;
  score: number;
}

const DAY_MS = 86_400_000;

/** Whole days from TRENDING_EPOCH_DAY to `day` (negative before it). */
export function daysSinceTrendingEpoch(day: string): number {
  return Math.round(
    (Date.parse(`${day}T00:00:00Z`) - Date.parse(`${TRENDING_EPOCH_DAY}T00:00:00Z`)) / DAY_MS,
  );
}

export function trendingBreakdown(input: TrendingInput): TrendingBreakdown {
  const points = input.upvotes + COMMENTER_WEIGHT * input.commenters;
  const votesTerm = Math.log10(Math.max(1, points));
  const days = daysSinceTrendingEpoch(input.feedDate);
  const timeTerm = days / DAYS_PER_TENFOLD;
  return { points, votesTerm, days, timeTerm, score: votesTerm + timeTerm };
}

export function trendingScore(input: TrendingInput): number {
  return trendingBreakdown(input).score;
}

export type TrendingWindow = 'day' | 'week' | 'month';

export const TRENDING_WINDOWS: Record<TrendingWindow, { days: number; label: string }> = {
  day: { days: 1, label: 'Today' },
  week: { days: 7, label: 'This week' },
  month: { days: 30, label: 'This month' },
};

/**
 * The feed days a window covers, ending at `lastDay` (the newest day with papers, so a quiet day or an
 * instance whose corpus stopped a while ago still shows something).
 */
export function trendingWindowRange(window: TrendingWindow, lastDay: string): { from: string; to: string } {
  const end = Date.parse(`${lastDay}T00:00:00Z`);
  const from = new Date(end - (TRENDING_WINDOWS[window].days - 1) * DAY_MS).toISOString().slice(0, 10);
  return { from, to: lastDay };
}
