/**
 * BM25 exactly as SQLite FTS5's bm25() computes it, for re-scoring a few candidates whose score the
 * engine could not compute cheaply (see plan.ts): per word, a column-weighted term frequency
 * saturated against the length of the whole document, times the word's inverse document frequency.
 */
import { countTerms } from './terms.js';

export const BM25_K1 = 1.2;
export const BM25_B = 0.75;

/** Column weights: a title match counts three abstract ones, an author-name match half of one. */
export const COLUMN_WEIGHTS = { title: 3, abstract: 1, authors: 0.5 } as const;

export type ScoredColumns = Record<keyof typeof COLUMN_WEIGHTS, string>;

export interface CorpusStatistics {
  /** Documents in the index. */
  documents: number;
  /** Mean terms per document, all columns together. */
  averageLength: number;
  /** Documents containing the term. */
  frequency(term: string): number;
}

/** FTS5's idf: log((N − n + ½) / (n + ½)), or a tiny positive weight for words in most documents. */
export function inverseDocumentFrequency(documents: number, frequency: number): number {
  const idf = Math.log((documents - frequency + 0.5) / (frequency + 0.5));
  return idf > 0 ? idf : 1e-6;
}

/** The BM25 score of a document for index terms (each counted once). */
export function bm25(
  document: ScoredColumns,
  terms: readonly string[],
  statistics: CorpusStatistics,
): number {
  const wanted = new Set(terms);
  const weighted = new Map<string, number>();
  let length = 0;
  for (const column of Object.keys(COLUMN_WEIGHTS) as (keyof ScoredColumns)[]) {
    const counted = countTerms(document[column], wanted);
    length += counted.length;
    for (const [term, count] of counted.counts) {
      weighted.set(term, (weighted.get(term) ?? 0) + COLUMN_WEIGHTS[column] * count);
    }
  }
  const norm = BM25_K1 * (1 - BM25_B + (BM25_B * length) / (statistics.averageLength || 1));
  let score = 0;
  for (const term of wanted) {
    const frequency = weighted.get(term) ?? 0;
    if (frequency === 0) continue;
    const idf = inverseDocumentFrequency(statistics.documents, statistics.frequency(term));
    score += (idf * frequency * (BM25_K1 + 1)) / (frequency + norm);
  }
  return score;
}
