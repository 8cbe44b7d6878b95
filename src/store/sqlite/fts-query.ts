import type { ParsedQuery, QueryWord } from '../../search/query.js';

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
