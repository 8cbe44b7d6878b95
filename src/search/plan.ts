/**
 * Decides which words a ranked search actually reads, from the words' document frequencies. BM25
 * scores every matching paper, so a common word costs as much as the papers it matches: a query
 * with "model" touches most of the corpus. The plan keeps the ranking of the top results while
 * bounding that work:
 *
 * - words no paper has are dropped (they match and score nothing);
 * - words in more than half of the papers are dropped when anything else remains: BM25 gives them
 *   a weight of nearly zero, they only add papers to the end of the list;
 * - a long query (a pasted abstract) keeps its most distinctive words;
 * - when the remaining words still match too much, ranked candidates must contain one of the rarest
 *   words, or, when every word is common, all of them in the title (a short query) or the rarest one;
 *   every word still counts in the score;
 * - when even scoring every word would read too much (BM25 first counts each word's papers in full), the
 *   engine orders the candidates by their candidate words alone, and the best of them are re-scored on
 *   every word;
 * - when every word is in most papers ("model", "the"), BM25 cannot tell papers apart: the matches are
 *   listed newest first instead of being scored.
 */
import type { ParsedQuery, QueryWord } from './query.js';
import { stem } from './terms.js';

export interface SearchLimits {
  /** Most free words a query is scored on. */
  maxWords: number;
  /** Postings (summed document frequencies) a ranked query may read in full. */
  fullPostings: number;
  /** Postings the candidate words of a narrowed ranked query may read. */
  candidatePostings: number;
  /**
   * Postings a narrowed query may read to score its candidates on every word; past it they are scored on
   * the candidate words only (see SearchPlan.candidates.scoreAll). Unbounded when absent.
   */
  scoredPostings?: number;
}

export const SEARCH_LIMITS: SearchLimits = {
  maxWords: 32,
  fullPostings: 20_000,
  candidatePostings: 8_000,
  scoredPostings: 100_000,
};

/** Most words that candidates of an all-common-words query must all have in their title. */
const MAX_TITLE_WORDS = 3;

export interface SearchPlan {
  /** What to match: the free words deduplicated by index term, pruned and capped. */
  query: ParsedQuery;
  /**
   * Free words that restrict which matches are scored, when scoring every match would read too much:
   * `any` of them anywhere, or `all` of them in the title. Null when the whole query is cheap enough.
   * `scoreAll`: the engine may score candidates on every word; otherwise on the candidate words only,
   * and only the best are re-scored on every word.
   */
  candidates: { words: QueryWord[]; mode: 'any' | 'allInTitle'; scoreAll: boolean } | null;
  /** Every word is in most papers: relevance cannot order the matches. */
  unranked: boolean;
}

/** Papers whose index holds the (non-prefix) word's term. */
export type DocumentFrequency = (word: QueryWord) => number;

interface FreeWord {
  word: QueryWord;
  /** Times the term occurs in the query. */
  count: number;
  /** Null for prefixes, whose cost is not known in advance. */
  df: number | null;
}

export function planSearch(
  query: ParsedQuery,
  documentFrequency: DocumentFrequency,
  documents: number,
  limits: SearchLimits = SEARCH_LIMITS,
): SearchPlan {
  const byTerm = new Map<string, FreeWord>();
  for (const word of query.should) {
    const key = stem(word.text) + (word.prefix ? '*' : '');
    const seen = byTerm.get(key);
    if (seen) seen.count++;
    else byTerm.set(key, { word, count: 1, df: word.prefix ? null : documentFrequency(word) });
  }
  let words = [...byTerm.values()].filter((w) => w.df !== 0);

  const common = (w: FreeWord) => w.df !== null && w.df > documents / 2;
  if (words.some((w) => !common(w)) || query.must.length > 0) words = words.filter((w) => !common(w));

  const known = words.filter((w) => w.df !== null);
  if (known.length > limits.maxWords) {
    const weight = (w: FreeWord) => w.count * Math.log(documents / Math.max(1, w.df ?? 1));
    const keep = new Set(
      [...known].sort((a, b) => weight(b) - weight(a)).slice(0, Math.max(1, limits.maxWords)),
    );
    words = words.filter((w) => w.df === null || keep.has(w));
  }

  const planned: SearchPlan = {
    query: { ...query, should: words.map((w) => w.word) },
    candidates: null,
    unranked: false,
  };
  const commonWord = (phrase: QueryWord[]) =>
    phrase.length === 1 &&
    phrase[0] !== undefined &&
    !phrase[0].prefix &&
    documentFrequency(phrase[0]) > documents / 2;
  if (words.length === 0 && query.must.length > 0 && query.must.every(commonWord)) {
    return { ...planned, unranked: true };
  }
  // Required phrases already bound what is read; the cost of prefixes is unknown.
  if (query.must.length > 0 || words.some((w) => w.df === null)) return planned;
  if (words.length > 0 && words.every(common)) return { ...planned, unranked: true };
  const postings = (ws: FreeWord[]) => ws.reduce((sum, w) => sum + (w.df ?? 0), 0);
  if (postings(words) <= limits.fullPostings) return planned;

  const byFrequency = [...words].sort((a, b) => (a.df ?? 0) - (b.df ?? 0));
  const candidates: FreeWord[] = [];
  for (const w of byFrequency) {
    if (postings(candidates) + (w.df ?? 0) > limits.candidatePostings) break;
    candidates.push(w);
  }
  const inQueryOrder = (ws: FreeWord[]) => words.filter((w) => ws.includes(w)).map((w) => w.word);
  const scoreAll = postings(words) <= (limits.scoredPostings ?? Infinity);
  if (candidates.length > 0)
    return { ...planned, candidates: { words: inQueryOrder(candidates), mode: 'any', scoreAll } };
  // Every word is common. A few name a topic that titles state ("large language models"); a sentence
  // rarely fits in one title, so its rarest word has to do.
  return {
    ...planned,
    candidates:
      words.length <= MAX_TITLE_WORDS
        ? { words: inQueryOrder(words), mode: 'allInTitle', scoreAll }
        : { words: inQueryOrder(byFrequency.slice(0, 1)), mode: 'any', scoreAll },
  };
}

/** The words whose papers a query's matches are drawn from: its required phrases' words, or else its free words. */
export function matchWords(query: ParsedQuery): QueryWord[] {
  return query.must.length > 0 ? query.must.flat() : query.should;
}

/**
 * How many papers a query matches, judged from its words' document frequencies without reading a posting:
 * the rarest required word bounds it, free words add up. Infinity when a prefix is among the words (its
 * frequency is unknown until the index expands it).
 */
export function expectedMatches(query: ParsedQuery, documentFrequency: DocumentFrequency): number {
  const frequencies = matchWords(query).map((word) => (word.prefix ? Infinity : documentFrequency(word)));
  return query.must.length > 0 ? Math.min(...frequencies) : frequencies.reduce((sum, df) => sum + df, 0);
}
