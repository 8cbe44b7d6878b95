/**
 * User search syntax, parsed here so that no user input ever reaches an engine's own query
 * language: the store adapters compile this structure, never the raw text.
 *
 *   masked diffusion        ranked OR of the words (stopwords dropped)
 *   "masked diffusion"      phrase, required
 *   +diffusion              required word
 *   -vision  -"image gen"   excluded word or phrase
 *   diffus*                 prefix
 */
import { STOPWORDS } from './stopwords.js';

export interface QueryWord {
  text: string;
  prefix: boolean;
}

export interface ParsedQuery {
  /** Ranked OR: a match needs at least one of these unless `must` is non-empty. */
  should: QueryWord[];
  /** Each entry is a phrase (one or more words) that every match must contain. */
  must: QueryWord[][];
  /** Phrases no match may contain. */
  not: QueryWord[][];
}

/** Longer inputs are cut: a pasted abstract needs no more words than this to be found. */
export const MAX_QUERY_WORDS = 256;

const WORD = /[\p{L}\p{N}]+/gu;

/**
 * A prefix needs three letters or digits: the engine reads the posting list of every word it starts,
 * and `a*` starts a large part of the vocabulary. Shorter ones search the word itself.
 */
const PREFIX = /(?:^|[^\p{L}\p{N}])[\p{L}\p{N}]{3,}\*$/u;

/** Splits text into lower-case words the way the search engines' tokenizers do (letters and digits). */
export function tokenize(text: string): string[] {
  return (text.normalize('NFKC').toLowerCase().match(WORD) ?? []).map(stripDiacritics);
}

function stripDiacritics(word: string): string {
  return word.normalize('NFD').replace(/\p{M}+/gu, '');
}

interface Token {
  sign: '' | '+' | '-';
  phrase: boolean;
  text: string;
  prefix: boolean;
}

function lex(input: string): Token[] {
  const tokens: Token[] = [];
  // A quoted phrase (the closing quote may be missing) or a bare run of non-space characters.
  const pattern = /([+-]?)"([^"]*)"?|(\S+)/g;
  for (const match of input.matchAll(pattern)) {
    if (match[2] !== undefined) {
      tokens.push({ sign: (match[1] ?? '') as Token['sign'], phrase: true, text: match[2], prefix: false });
      continue;
    }
    const raw = match[3] ?? '';
    const sign = raw[0] === '-' || raw[0] === '+' ? (raw[0] as Token['sign']) : '';
    const body = sign ? raw.slice(1) : raw;
    tokens.push({ sign, phrase: false, text: body, prefix: PREFIX.test(body) });
  }
  return tokens;
}

export function parseQuery(input: string): ParsedQuery {
  const parsed: ParsedQuery = { should: [], must: [], not: [] };
  const stopped: QueryWord[] = [];
  let budget = MAX_QUERY_WORDS;
  for (const token of lex(input.slice(0, 20_000))) {
    if (budget <= 0) break;
    const words = tokenize(token.text).slice(0, budget);
    if (words.length === 0) continue;
    budget -= words.length;
    if (token.phrase || token.sign) {
      const phrase = words.map((text, i) => ({ text, prefix: token.prefix && i === words.length - 1 }));
      (token.sign === '-' ? parsed.not : parsed.must).push(phrase);
      continue;
    }
    // `c++` or `state-of-the-art` yield several words; outside quotes each counts on its own.
    words.forEach((text, i) => {
      const word = { text, prefix: token.prefix && i === words.length - 1 };
      (STOPWORDS.has(text) && !word.prefix ? stopped : parsed.should).push(word);
    });
  }
  // A query made only of stopwords ("the who") still searches for them rather than for nothing.
  if (parsed.should.length === 0 && parsed.must.length === 0) parsed.should = stopped;
  parsed.should = dedupe(parsed.should);
  return parsed;
}

function dedupe(words: QueryWord[]): QueryWord[] {
  const seen = new Set<string>();
  return words.filter((w) => {
    const key = w.text + (w.prefix ? '*' : '');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** True when the query can match something (exclusions alone cannot). */
export function isSearchable(query: ParsedQuery): boolean {
  return query.should.length > 0 || query.must.length > 0;
}

/** Every word a match may contain, for highlighting. */
export function positiveWords(query: ParsedQuery): QueryWord[] {
  return [...query.should, ...query.must.flat()];
}
