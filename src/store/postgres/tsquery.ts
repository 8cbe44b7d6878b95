import type { ParsedQuery, QueryWord } from '../../search/query.js';

/**
 * Compiles a parsed query into the text of a PostgreSQL `to_tsquery` expression. No user text reaches
 * the tsquery syntax: every word becomes a quoted operand (letters and digits only, as the query parser
 * yields them, with quotes and backslashes escaped regardless), and every operator comes from here.
 * `to_tsquery` then runs each operand through the index's text search configuration, so the words are
 * stemmed and unaccented exactly as the indexed text was.
 *
 * Free words are OR'ed; with required phrases present they still narrow the match to papers having at
 * least one of them (as in the SQLite adapter). Phrases join their words with `<->`, exclusions are
 * negated, and a trailing `*` becomes a `:*` prefix match.
 */
export function toTsQuery(query: ParsedQuery): string | null {
  const positive: string[] = [];
  if (query.should.length > 0) positive.push(`(${query.should.map(operand).join(' | ')})`);
  for (const phrase of query.must) positive.push(phraseExpr(phrase));
  if (positive.length === 0) return null;
  return [...positive, ...query.not.map((phrase) => `!${phraseExpr(phrase)}`)].join(' & ');
}

function operand(word: QueryWord): string {
  return `'${word.text.replaceAll('\\', '\\\\').replaceAll("'", "''")}'${word.prefix ? ':*' : ''}`;
}

function phraseExpr(words: QueryWord[]): string {
  return `(${words.map(operand).join(' <-> ')})`;
}

/**
 * The free words as one phrase of exact word forms, for ranking papers that contain the query as typed
 * above those that only match its stems (`masked diffusion` above `masking diffusion`); null when the
 * query has no such phrase (one word, prefixes, or too many words to occur together).
 */
export function toExactPhrase(query: ParsedQuery, maxWords = 4): string | null {
  const words = query.should;
  if (words.length < 2 || words.length > maxWords || words.some((w) => w.prefix)) return null;
  return words.map(operand).join(' <-> ');
}

/** One word as a tsquery operand matching it in titles and abstracts only (labels A and B, see migrations). */
export function titleOrAbstractWord(text: string): string {
  return `${operand({ text, prefix: false })}:AB`;
}
