/**
 * "More like this": a paper's most distinctive words, to be searched as a ranked OR query. A word's
 * weight is tf-idf, with title occurrences counting as much as in ranking (three abstract ones).
 */
import type { QueryWord } from './query.js';
import { tokenize } from './query.js';
import { STOPWORDS } from './stopwords.js';
import { stem } from './terms.js';

/** Enough words to describe a topic; more only add noise and cost. */
export const SIMILAR_QUERY_WORDS = 20;
const TITLE_WEIGHT = 3;

export function distinctiveWords(
  paper: { title: string; abstract: string },
  documentFrequency: (term: string) => number,
  documents: number,
  count = SIMILAR_QUERY_WORDS,
): QueryWord[] {
  const byTerm = new Map<string, { text: string; tf: number }>();
  const add = (text: string, weight: number) => {
    if (text.length < 2 || STOPWORDS.has(text) || /^\d+$/.test(text)) return;
    const term = stem(text);
    const seen = byTerm.get(term);
    if (seen) seen.tf += weight;
    else byTerm.set(term, { text, tf: weight });
  };
  for (const word of tokenize(paper.title)) add(word, TITLE_WEIGHT);
  for (const word of tokenize(paper.abstract)) add(word, 1);
  return (
    [...byTerm]
      .map(([term, { text, tf }]) => ({ text, df: documentFrequency(term), tf }))
      // Found in this paper only, or in most papers: says nothing about which others are alike.
      .filter(({ df }) => df > 1 && df <= documents / 2)
      .map(({ text, df, tf }) => ({ text, weight: (1 + Math.log(tf)) * Math.log(documents / df) }))
      .sort((a, b) => b.weight - a.weight)
      .slice(0, count)
      .map(({ text }) => ({ text, prefix: false }))
  );
}
