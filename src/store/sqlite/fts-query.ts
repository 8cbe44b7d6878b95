import { COLUMN_WEIGHTS } from '../../search/bm25.js';
import type { SearchPlan } from '../../search/plan.js';
import type { ParsedQuery, QueryWord } from '../../search/query.js';
import type { SearchFilters } from '../store.js';

/**
 * Compiles a parsed query into an FTS5 MATCH expression. Every word is emitted as a double-quoted
 * FTS5 string, so no user character can be read as FTS5 syntax (the tokenizer only yields letters
 * and digits, but quotes are doubled regardless).
 */
export function toFtsMatch(query: ParsedQuery): string | null {
  const positive: string[] = [];
  // With required phrases present, free words still narrow the match to papers having at least one.
  if (query.should.length > 0) {
    positive.push('(' + query.should.map(word).join(' OR ') + ')');
  }
  for (const phrase of query.must) positive.push(phraseExpr(phrase));
  if (positive.length === 0) return null;
  let expr = positive.join(' AND ');
  for (const phrase of query.not) expr = `(${expr}) NOT ${phraseExpr(phrase)}`;
  return expr;
}

function quote(text: string): string {
  return '"' + text.replaceAll('"', '""') + '"';
}

function word(w: QueryWord): string {
  return quote(w.text) + (w.prefix ? '*' : '');
}

function phraseExpr(words: QueryWord[]): string {
  if (words.length === 1 && words[0]) return word(words[0]);
  // FTS5 phrases join quoted strings with `+`; only the last may be a prefix.
  return words.map(word).join(' + ');
}

/** bm25() arguments: the weights of the index's columns (title, abstract, authors). */
export const BM25_WEIGHTS = [COLUMN_WEIGHTS.title, COLUMN_WEIGHTS.abstract, COLUMN_WEIGHTS.authors]
  .map((weight) => weight.toFixed(2))
  .join(', ');

/**
 * The MATCH expression for ranking a plan's query. A narrowed plan matches papers that have one of
 * its candidate words (or all of them in the title) and scores them on the whole query. FTS5's bm25
 * sums over the phrases of the expression, so the candidate words, written twice, count more: the
 * order is only good enough to pick candidates, which are then re-scored (see search/bm25).
 *
 * bm25() first counts the papers of every phrase in the expression, reading each one's postings in full,
 * so when the plan says that scoring every word costs too much, the expression holds the candidate words
 * (and the exclusions) only. It still matches only papers the whole query matches: a narrowed plan has
 * no required phrase, and a candidate is one of its free words, or all of them.
 */
export function toFtsRankedMatch(plan: SearchPlan): string | null {
  const full = toFtsMatch(plan.query);
  if (!full || !plan.candidates) return full;
  const { words, mode, scoreAll } = plan.candidates;
  const candidates =
    mode === 'any' ? `(${words.map(word).join(' OR ')})` : `{title} : (${words.map(word).join(' AND ')})`;
  if (scoreAll) return `${candidates} AND (${full})`;
  let expr = candidates;
  for (const phrase of plan.query.not) expr = `(${expr}) NOT ${phraseExpr(phrase)}`;
  return expr;
}

export const SNIPPET_WORDS = 40;

/** Candidates of a narrowed query that are re-scored exactly: enough for the first pages. */
export const RESCORED_CANDIDATES = 50;

export interface ScoredPk {
  pk: number;
  score: number;
}

/**
 * The FROM clause of a search (its MATCH bound as @match) with the request's filters. The index holds
 * visible papers only; date, code and sort keys come from paper_facets, a narrow copy of those columns:
 * joining tens of thousands of matches to papers itself would read their abstracts too.
 */
export function searchFromSql(
  filters: SearchFilters,
  sortedByFacet: boolean,
): { from: string; params: Record<string, string> } {
  const params: Record<string, string> = {};
  let joins = '';
  const where = ['papers_fts MATCH @match'];
  if (filters.category) {
    joins += ' JOIN paper_categories c ON c.paper_pk = papers_fts.rowid AND c.category = @category';
    params.category = filters.category;
  }
  if (filters.from) {
    where.push('f.feed_date >= @from');
    params.from = filters.from;
  }
  if (filters.to) {
    where.push('f.feed_date <= @to');
    params.to = filters.to;
  }
  if (filters.hasCode) where.push('f.has_code = 1');
  if (sortedByFacet || where.length > 1) joins += ' JOIN paper_facets f ON f.pk = papers_fts.rowid';
  return { from: `FROM papers_fts${joins} WHERE ${where.join(' AND ')}`, params };
}

/**
 * Matches of @match in date or upvote order, filtered, as a page (@limit, @offset). The facets' index
 * for that order is walked and each paper looked up in the set of matches, so a common word's tens of
 * thousands of matches are neither joined nor sorted; a rare word's walk reads the small index once.
 * When most papers match (`dense`), making that set would read most of the index: each paper the walk
 * meets is looked up in the index instead, and the walk stops at the page after a few dozen.
 */
export function facetOrderSql(
  filters: SearchFilters,
  sort: 'newest' | 'upvotes',
  dense = false,
): { sql: string; params: Record<string, string> } {
  const params: Record<string, string> = {};
  const where: string[] = [];
  if (filters.category) {
    where.push(
      'EXISTS (SELECT 1 FROM paper_categories c WHERE c.category = @category AND c.paper_pk = f.pk)',
    );
    params.category = filters.category;
  }
  if (filters.from) {
    where.push('f.feed_date >= @from');
    params.from = filters.from;
  }
  if (filters.to) {
    where.push('f.feed_date <= @to');
    params.to = filters.to;
  }
  if (filters.hasCode) where.push('f.has_code = 1');
  // Last: SQLite tests the conditions in the order given, and looking a paper up in the index costs far
  // more than the filters (first, a rare category's walk looked up some 20,000 papers at a million: 17 s).
  where.push(
    dense
      ? 'EXISTS (SELECT 1 FROM papers_fts WHERE papers_fts MATCH @match AND papers_fts.rowid = f.pk)'
      : 'f.pk IN (SELECT papers_fts.rowid FROM papers_fts WHERE papers_fts MATCH @match)',
  );
  const [index, order] =
    sort === 'newest'
      ? ['paper_facets_by_day', 'f.feed_date DESC, f.pk DESC']
      : ['paper_facets_by_upvotes', 'f.upvotes DESC, f.feed_date DESC, f.pk DESC'];
  return {
    sql: `SELECT f.pk FROM paper_facets f INDEXED BY ${index} WHERE ${where.join(' AND ')}
      ORDER BY ${order} LIMIT @limit OFFSET @offset`,
    params,
  };
}
