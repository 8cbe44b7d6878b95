import { HIGHLIGHT_END, HIGHLIGHT_START } from '../../search/highlight.js';
import type { SearchPlan } from '../../search/plan.js';
import type { ParsedQuery, QueryWord } from '../../search/query.js';
import { SEARCH_TOTAL_CAP, type SearchFilters, type SearchRequest, type SearchSort } from '../store.js';
import { dayCondition, paperFields, rowsOf, TS_CONFIG } from './base.js';
import type { Queryable } from './connection.js';
import { toExactPhrase, toTsQuery } from './tsquery.js';

/** Collects statement parameters and hands out their placeholders. */
export class Params {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/**
 * ts_rank_cd weights of the labels {D, C, B, A}: title (A) three times abstract (B), authors (C) half of
 * it, the proportions of the SQLite adapter's bm25 weights.
 */
const RANK_WEIGHTS = '{0.1, 0.167, 0.333, 1.0}';
/**
 * 1: divides by 1 + log(document length), so long abstracts do not win by repetition alone; 32: maps the
 * rank into [0, 1) as rank / (rank + 1), so that adding 1 puts a paper above every paper without the bonus.
 */
const RANK_NORMALIZATION = 1 | 32;
/** Best-ranked matches checked for the exact phrase of the query's words (see searchStatement). */
const PHRASE_CANDIDATES = 200;
/**
 * ts_rank weights of the labels for one word (see weightedRank): a title occurrence counts one and a half
 * abstract ones. On SciFact, nDCG@10 by title weight (abstract 1): 3, 0.645; 2, 0.681; 1.5, 0.694; 1.2, 0.696;
 * 1, 0.689. Word by word, title matches need less of a lead than in ts_rank_cd's cover density.
 */
const TERM_WEIGHTS = '{0.1, 0.167, 0.333, 0.5}';
/**
 * 1: each word's rank is divided by 1 + log(document length). Of the normalizations, the best on SciFact
 * (nDCG@10 0.694; none 0.692; 1 + log(distinct words) 0.690; by length, 0.506 with the title weight at 3).
 */
const TERM_NORMALIZATION = 1;
/**
 * Each ranked paper's search vector, read and decompressed once: ts_rank would unpack the stored value again
 * for every word of the query (a pasted abstract's 32 words took twice as long). OFFSET 0 keeps the
 * planner from folding the subquery back into each reference.
 */
const UNPACKED_VECTOR = `LATERAL (SELECT p.search_vector || ''::tsvector AS vector OFFSET 0) AS unpacked`;
/** Free words up to which a match with all of them counts extra (see searchStatement). */
const COORDINATION_MAX_WORDS = 4;
const EXACT_CONFIG = 'paperboy_exact';

/** A search's plan (search/plan.ts) and each free word's weight in ranking it: its inverse document frequency. */
export interface WeightedPlan {
  plan: SearchPlan;
  idf: (word: QueryWord) => number;
}

/** What a search matches and ranks by, as tsquery text normalized by the index's configurations. */
export interface NormalizedQuery {
  match: string;
  /**
   * Which matches to rank when ranking every one would read too much (see search/plan.ts): those with one
   * of some words, or with all of some words in the title. Null to rank every match.
   */
  candidates: { tsquery: string; inTitle: boolean } | null;
  /** Every free word required, for queries of a few free words; null otherwise. */
  allWords: string | null;
  /** The free words as a phrase of exact word forms (see toExactPhrase), and of their stems; or null. */
  phrase: { exact: string; stemmed: string } | null;
  /** The words as typed, for marking them in titles and snippets: the plan may match on fewer. */
  highlight: string;
  /** Each free word's tsquery with its inverse document frequency, for ranking; empty when unranked. */
  terms: { tsquery: string; idf: number }[];
}

/**
 * Runs the compiled queries through the text search configurations in a statement of their own, so that
 * the search statement gets them as constants: the planner then estimates their matches from the index
 * statistics (a common word's tens of thousands of rows, not a guess), and nothing parses them per row.
 * `parsed` is what to match (a search plan's query); `typed`, the query as the person typed it.
 * Null when the query has nothing left to match (no words, or only words too long to index).
 */
export async function normalizeQuery(
  db: Queryable,
  parsed: ParsedQuery,
  ranked: boolean,
  candidates: SearchPlan['candidates'] = null,
  typed: ParsedQuery = parsed,
  idf: WeightedPlan['idf'] | null = null,
): Promise<NormalizedQuery | null> {
  const match = toTsQuery(parsed);
  if (!match) return null;
  const weighted = ranked && idf ? parsed.should.map((word) => ({ word, idf: idf(word) })) : [];
  // The ranking bonuses follow the words as typed, including those too common to match on.
  const coordinated = ranked && typed.should.length >= 2 && typed.should.length <= COORDINATION_MAX_WORDS;
  const allWords = coordinated
    ? toTsQuery({ should: [], must: typed.should.map((word) => [word]), not: [] })
    : null;
  const narrowed =
    !ranked || !candidates
      ? null
      : toTsQuery(
          candidates.mode === 'allInTitle'
            ? { should: [], must: candidates.words.map((word) => [word]), not: [] }
            : { should: candidates.words, must: [], not: [] },
        );
  const [row] = await rowsOf<{
    match: string;
    candidates: string | null;
    all_words: string | null;
    phrase: string | null;
    stemmed_phrase: string | null;
    highlight: string | null;
    terms: string[] | null;
  }>(
    db,
    `SELECT (SELECT array_agg(to_tsquery('${TS_CONFIG}', w)::text ORDER BY n) FROM unnest($6::text[]) WITH ORDINALITY AS t(w, n)) AS terms,
            to_tsquery('${TS_CONFIG}', $1)::text AS match, to_tsquery('${TS_CONFIG}', $2)::text AS candidates,
            to_tsquery('${TS_CONFIG}', $3)::text AS all_words, to_tsquery('${EXACT_CONFIG}', $4)::text AS phrase,
            to_tsquery('${TS_CONFIG}', $4)::text AS stemmed_phrase, to_tsquery('${TS_CONFIG}', $5)::text AS highlight`,
    [
      match,
      narrowed,
      allWords,
      ranked ? toExactPhrase(typed) : null,
      toTsQuery({ ...typed, not: [] }),
      weighted.map((w) => toTsQuery({ should: [w.word], must: [], not: [] })),
    ],
  );
  if (!row?.match) return null;
  return {
    match: row.match,
    candidates: row.candidates
      ? { tsquery: row.candidates, inTitle: candidates?.mode === 'allInTitle' }
      : null,
    allWords: row.all_words || null,
    phrase: row.phrase && row.stemmed_phrase ? { exact: row.phrase, stemmed: row.stemmed_phrase } : null,
    highlight: row.highlight || row.match,
    terms: (row.terms ?? []).flatMap((tsquery, i) =>
      tsquery && weighted[i] ? [{ tsquery, idf: weighted[i].idf }] : [],
    ),
  };
}

/** A normalized tsquery as a statement parameter. */
export function tsQueryParam(params: Params, tsquery: string): string {
  return `${params.add(tsquery)}::tsquery`;
}

export function rankExpression(query: string): string {
  return `ts_rank_cd('${RANK_WEIGHTS}'::float4[], p.search_vector, ${query}, ${RANK_NORMALIZATION})`;
}

/**
 * A paper's relevance to a search, as BM25 weighs words: per free word, its ts_rank in the paper (title above
 * abstract above authors; each further occurrence adds less), times the word's inverse document frequency,
 * so a rare word counts more than a common one. ts_rank_cd alone weighs every word the same, and on SciFact
 * reached nDCG@10 0.454 against 0.694 with the weights. Mapped into [0, 1) as 1 − 1 / (1 + sum), which
 * names the sum once, so that PostgreSQL computes it once. Without weighted words (none free), ts_rank_cd.
 */
function weightedRank(params: Params, query: string, normalized: NormalizedQuery): string {
  if (normalized.terms.length === 0) return rankExpression(query);
  const sum = normalized.terms
    .map(
      (term) =>
        `${term.idf.toFixed(4)} * ts_rank('${TERM_WEIGHTS}'::float4[], unpacked.vector, ${tsQueryParam(params, term.tsquery)}, ${TERM_NORMALIZATION})`,
    )
    .join(' + ');
  return `(1 - 1 / (1 + ${sum}))`;
}

/**
 * The relevance of a match, in tiers: below 1, the weighted rank of the query; from 1, for a query of a few
 * free words, papers with every one of them, so that a paper with every word beats one repeating a single
 * word. Which papers have every word comes from the GIN index: each paper's search vector is read once.
 */
function relevanceExpression(params: Params, query: string, normalized: NormalizedQuery): string {
  const rank = weightedRank(params, query, normalized);
  if (!normalized.allWords) return rank;
  const allWords = tsQueryParam(params, normalized.allWords);
  return `CASE WHEN p.pk IN (SELECT pk FROM papers WHERE search_vector @@ ${allWords}) THEN 1 ELSE 0 END + ${rank}`;
}

/** Conditions on `papers p` for visible papers matching `query` (a tsQueryParam) and the filters. */
export function matchConditions(params: Params, query: string, filters: SearchFilters): string {
  const where = [`p.search_vector @@ ${query}`, 'p.hidden_at IS NULL'];
  if (filters.category) {
    where.push(
      `EXISTS (SELECT 1 FROM paper_categories c WHERE c.category = ${params.add(filters.category)} AND c.paper_pk = p.pk)`,
    );
  }
  if (filters.from) where.push(dayCondition('p.feed_date', '>=', params.add(filters.from), filters.from));
  if (filters.to) where.push(dayCondition('p.feed_date', '<=', params.add(filters.to), filters.to));
  if (filters.hasCode) where.push('p.code_url IS NOT NULL');
  return where.join(' AND ');
}

const SEARCH_ORDER: Record<SearchSort, string> = {
  relevance: 'score DESC, feed_date DESC, pk DESC',
  newest: 'feed_date DESC, pk DESC',
  upvotes: 'upvotes DESC, feed_date DESC, pk DESC',
};

/** Words of the abstract excerpt, as the SQLite adapter's snippets. */
const SNIPPET_MAX_WORDS = 40;
const MARKS = `${HIGHLIGHT_START}${HIGHLIGHT_END}`;
const MARK_OPTIONS = `StartSel=${HIGHLIGHT_START}, StopSel=${HIGHLIGHT_END}`;
const TITLE_OPTIONS = `${MARK_OPTIONS}, HighlightAll=true`;
const SNIPPET_OPTIONS = `${MARK_OPTIONS}, MaxWords=${SNIPPET_MAX_WORDS}, MinWords=${SNIPPET_MAX_WORDS / 2}`;

export interface SearchRow {
  /** Matches counted up to SEARCH_TOTAL_CAP + 1 (one more tells that the cap was reached). */
  total: number;
  /** Matches ranked: fewer than `total` when the ranking was narrowed to candidates. */
  ranked: number;
  score: number | null;
  pk: number | null;
  title_hl: string | null;
  snippet: string | null;
}

/**
 * One statement for a search page: the matches and their count; the page of them in the requested order;
 * the page's papers with their title and an abstract excerpt marked by ts_headline, which runs for the
 * page's rows only. With no paper on the page it still returns one row, carrying the total.
 *
 * Only a relevance order ranks, and ranking is most of a search's cost (each match's search vector is
 * read and unpacked), so `narrowed` ranks only the matches that have one of the candidate words (see
 * search/plan.ts) when the query has them; the caller ranks every match when they do not fill the page.
 *
 * Ranking works on stems, so `masked diffusion` also matches `masking diffusion` as closely. Among the
 * best-ranked matches, papers holding the free words as typed, in order, come first: those with that
 * exact phrase in the title, then those with it in the abstract (bonuses of 2 and 1 above the relevance
 * tiers, which stay below 2).
 * The query as typed is the strongest sign of what the person looks for.
 */
export function searchStatement(
  normalized: NormalizedQuery,
  request: Omit<SearchRequest, 'query'>,
  narrowed: boolean,
): { sql: string; params: unknown[] } {
  const params = new Params();
  const query = tsQueryParam(params, normalized.match);
  const highlight = tsQueryParam(params, normalized.highlight);
  const where = matchConditions(params, query, request.filters);
  const order = SEARCH_ORDER[request.sort];
  const { candidates, phrase } = normalized;
  let ctes: string;
  let ranked: string;
  let total: string;
  if (request.sort !== 'relevance') {
    ctes = `matched AS (SELECT p.pk, p.feed_date, p.upvotes, 0 AS score FROM papers p WHERE ${where})`;
    ranked = 'matched';
    total = 'SELECT 1 FROM matched';
  } else {
    const rankedMatches =
      !narrowed || !candidates
        ? where
        : candidates.inTitle
          ? `p.title_vector @@ ${tsQueryParam(params, candidates.tsquery)} AND ${where}`
          : matchConditions(
              params,
              `(${query} && ${tsQueryParam(params, candidates.tsquery)})`,
              request.filters,
            );
    ctes = `scored AS (
        SELECT p.pk, p.feed_date, p.upvotes, ${relevanceExpression(params, query, normalized)} AS score
        FROM papers p, ${UNPACKED_VECTOR} WHERE ${rankedMatches}
      )`;
    ranked = 'scored';
    // Ranking every match counts them too; a narrowed ranking leaves the others to count apart.
    total = rankedMatches === where ? 'SELECT 1 FROM scored' : `SELECT 1 FROM papers p WHERE ${where}`;
    if (phrase) {
      // Only papers with the phrase's stems can hold its exact words: the others are not read again.
      ctes += `, phrased AS MATERIALIZED (
          SELECT best.pk, CASE WHEN to_tsvector('${EXACT_CONFIG}', p.title) @@ ${tsQueryParam(params, phrase.exact)} THEN 2
                               WHEN to_tsvector('${EXACT_CONFIG}', p.abstract) @@ ${tsQueryParam(params, phrase.exact)} THEN 1
                               ELSE 0 END AS bonus
          FROM (SELECT pk FROM scored ORDER BY score DESC LIMIT ${PHRASE_CANDIDATES}) AS best
          JOIN papers p ON p.pk = best.pk WHERE p.search_vector @@ ${tsQueryParam(params, phrase.stemmed)}
        ), boosted AS (
          SELECT s.pk, s.feed_date, s.upvotes, s.score + coalesce(ph.bonus, 0) AS score
          FROM scored s LEFT JOIN phrased ph ON ph.pk = s.pk
        )`;
      ranked = 'boosted';
    }
  }
  const sql = `
    WITH ${ctes}, page AS (
      SELECT pk, score, row_number() OVER (ORDER BY ${order}) AS ord FROM ${ranked}
      ORDER BY ${order} LIMIT ${params.add(request.limit)} OFFSET ${params.add(request.offset)}
    )
    SELECT (SELECT count(*) FROM (${total} LIMIT ${SEARCH_TOTAL_CAP + 1}) AS counted) AS total,
      (SELECT count(*) FROM ${ranked}) AS ranked, page.score, ${paperFields('p')},
      ts_headline('${TS_CONFIG}', translate(p.title, ${params.add(MARKS)}, ''), ${highlight}, ${params.add(TITLE_OPTIONS)}) AS title_hl,
      ts_headline('${TS_CONFIG}', translate(p.abstract, ${params.add(MARKS)}, ''), ${highlight}, ${params.add(SNIPPET_OPTIONS)}) AS snippet
    FROM (SELECT 1) AS always LEFT JOIN (page JOIN papers p ON p.pk = page.pk) ON true
    ORDER BY page.ord`;
  return { sql, params: params.values };
}

const ELLIPSIS = '…';

/** Marks where ts_headline cut the abstract, as the SQLite adapter's snippets do. */
export function withEllipses(abstract: string, snippet: string): string {
  const plain = snippet.replace(/[\uE000\uE001]/gu, '');
  if (plain.trim() === '') return snippet;
  const text = abstract.replace(/[\uE000\uE001]/gu, '');
  const at = text.indexOf(plain);
  if (at < 0) return snippet;
  const before = text.slice(0, at).trim() === '' ? '' : ELLIPSIS;
  const after = text.slice(at + plain.length).trim() === '' ? '' : ELLIPSIS;
  return `${before}${snippet}${after}`;
}
