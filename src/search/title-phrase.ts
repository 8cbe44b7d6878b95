/**
 * A keyword query names a topic, and a paper whose title says it in the very words typed is about
 * that topic: for `masked diffusion`, "Scaling up Masked Diffusion Models on Text" is a better answer
 * than papers on "masking" and "diffusion" that BM25 alone may prefer (stemming makes them the same
 * words). Such papers go first among the top results. Longer queries are sentences, which titles do
 * not repeat; there a phrase bonus only hurt (bench:relevance), so they are left to BM25.
 */
import type { ParsedQuery } from './query.js';
import { tokenize } from './query.js';
import { STOPWORDS } from './stopwords.js';

export const TITLE_PHRASE_MAX_WORDS = 4;

/** The words a title must contain, in order and as typed; null when the query is no keyword query. */
export function titlePhrase(query: ParsedQuery): string[] | null {
  const words = query.should;
  if (query.must.length > 0 || words.length < 2 || words.length > TITLE_PHRASE_MAX_WORDS) return null;
  if (words.some((word) => word.prefix)) return null;
  return words.map((word) => word.text);
}

/**
 * How much of the title is about the phrase: 0 when the title's words (stopwords left out) do not contain
 * the phrase exactly (case and accents aside), else the share of its words that are the phrase's. Among
 * titles that name the topic, "Unified Auto-Encoding with Masked Diffusion" is more about it than a long
 * title in which the phrase qualifies something else.
 */
export function titlePhraseFocus(title: string, phrase: readonly string[]): number {
  const words = tokenize(title).filter((word) => !STOPWORDS.has(word));
  for (let start = 0; start + phrase.length <= words.length; start++) {
    if (phrase.every((word, i) => words[start + i] === word)) {
      return words.filter((word) => phrase.includes(word)).length / words.length;
    }
  }
  return 0;
}
