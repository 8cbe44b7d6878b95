/**
 * Index terms as the full-text engine sees them: the words of `tokenize`, Porter-stemmed. Used to
 * plan queries from document frequencies, to highlight matches and to pick a paper's distinctive terms.
 */
import { porterStem } from './porter.js';
import { tokenize } from './query.js';

// Vocabularies are large but bounded (≈ 150,000 distinct words over all of arXiv's abstracts).
const MAX_CACHED_STEMS = 200_000;
const stems = new Map<string, string>();

/** The index term of one lower-case word. */
export function stem(word: string): string {
  let result = stems.get(word);
  if (result === undefined) {
    result = porterStem(word);
    if (stems.size >= MAX_CACHED_STEMS) stems.clear();
    stems.set(word, result);
  }
  return result;
}

export interface WordSpan {
  /** Offsets in the original text. */
  start: number;
  end: number;
  /**
   * Index terms of the span: usually one; a ligature or a compatibility character may yield more;
   * none for a word that was known not to match (see wordSpans).
   */
  terms: string[];
}

// Marks are included so that decomposed accents stay inside their word, as NFKC composition would do.
const RAW_WORD = /[\p{L}\p{N}\p{M}]+/gu;
const ASCII_WORD = /^[A-Za-z0-9]+$/;

function termsOf(rawWord: string): string[] {
  // Most words are plain ASCII, which needs none of tokenize's Unicode normalisation.
  return ASCII_WORD.test(rawWord) ? [stem(rawWord.toLowerCase())] : tokenize(rawWord).map(stem);
}

/**
 * Words of a text with their positions, for marking matches in the text as written. With `openings`
 * (see `opening`), a plain word that opens otherwise is not stemmed and gets no terms: it cannot match.
 */
export function wordSpans(text: string, openings: ReadonlySet<string> | null = null): WordSpan[] {
  const spans: WordSpan[] = [];
  for (const match of text.matchAll(RAW_WORD)) {
    const word = match[0];
    const plain = openings !== null && ASCII_WORD.test(word) && !openings.has(opening(word.toLowerCase()));
    const terms = plain ? [] : termsOf(word);
    if (plain || terms.length > 0) spans.push({ start: match.index, end: match.index + word.length, terms });
  }
  return spans;
}

// A run of lower-case ASCII letters and digits that is a whole word, or else any word.
const LOWER_ASCII_OR_ANY_WORD = /([a-z0-9]+)(?![\p{L}\p{N}\p{M}])|[\p{L}\p{N}\p{M}]+/gu;

/**
 * The first two letters of a word, which Porter stemming keeps, except that a second-letter `y` may
 * become `i` ("eyed" → "ei"). A word can only have a term that opens as it does.
 */
export function opening(word: string): string {
  return word[0] + (word[1] === 'y' ? 'i' : (word[1] ?? ''));
}

/**
 * How many terms a text has, and how often each of `wanted` occurs in it. Hot (re-scoring reads a
 * hundred abstracts per query), hence the shortcut: only words that open like a wanted term are stemmed.
 */
export function countTerms(
  text: string,
  wanted: ReadonlySet<string>,
): { length: number; counts: Map<string, number> } {
  const counts = new Map<string, number>();
  // One-letter stems ("oed" → "o") open with one letter only: then every word is stemmed.
  const openings = [...wanted].some((term) => term.length < 2) ? null : new Set([...wanted].map(opening));
  const count = (term: string) => {
    if (wanted.has(term)) counts.set(term, (counts.get(term) ?? 0) + 1);
  };
  let length = 0;
  for (const match of text.toLowerCase().matchAll(LOWER_ASCII_OR_ANY_WORD)) {
    const ascii = match[1];
    if (ascii === undefined) {
      const terms = termsOf(match[0]);
      length += terms.length;
      terms.forEach(count);
      continue;
    }
    length++;
    if (!openings || openings.has(opening(ascii))) count(stem(ascii));
  }
  return { length, counts };
}
