/**
 * Which words fetch a model's candidates from the full-text index, and which candidates are left out as
 * copies of a paper the user already judged.
 */
import { dot, isCategoryFeature, type SparseVector } from './features.js';

export interface CandidateWordLimits {
  /** Most words in the query. */
  maxWords: number;
  /** Most postings read, as a share of the corpus (estimated from the words' document shares). */
  postingsShare: number;
}

export const CANDIDATE_WORD_LIMITS: CandidateWordLimits = { maxWords: 16, postingsShare: 0.15 };

/**
 * The model's strongest positive words, as written in the user's papers, that fit the postings budget:
 * a frequent word the model likes less is skipped for rarer ones, since each word costs as many row reads
 * as papers have it.
 */
export function candidateWords(
  weights: ReadonlyMap<string, number>,
  wordOf: (term: string) => string | undefined,
  shareOf: (term: string) => number,
  limits: CandidateWordLimits = CANDIDATE_WORD_LIMITS,
): { text: string; weight: number }[] {
  const ranked = [...weights]
    .filter(([feature, weight]) => weight > 0 && !isCategoryFeature(feature))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const words: { text: string; weight: number }[] = [];
  let postings = 0;
  for (const [term, weight] of ranked) {
    if (words.length >= limits.maxWords) break;
    const text = wordOf(term);
    const share = shareOf(term);
    if (text === undefined || postings + share > limits.postingsShare) continue;
    postings += share;
    words.push({ text, weight });
  }
  return words;
}

/** A paper the user judged, as near-duplicate checks need it. */
export interface JudgedPaper {
  vector: SparseVector;
  normalizedTitle: string;
}

/**
 * Cosine above which two papers are taken for versions of one paper (a preprint and its workshop
 * version, a re-upload under another id): papers on one narrow topic stay well below it.
 */
export const NEAR_DUPLICATE_COSINE = 0.8;

export function isNearDuplicate(
  paper: JudgedPaper,
  judged: readonly JudgedPaper[],
  threshold = NEAR_DUPLICATE_COSINE,
): boolean {
  return judged.some(
    (other) =>
      (paper.normalizedTitle !== '' && other.normalizedTitle === paper.normalizedTitle) ||
      dot(paper.vector, other.vector) >= threshold,
  );
}
