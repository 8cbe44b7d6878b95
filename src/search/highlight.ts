import { positiveWords, type ParsedQuery } from './query.js';
import { opening, stem, wordSpans, type WordSpan } from './terms.js';

/**
 * Matches are marked with these private-use characters instead of HTML, so that the text can be
 * escaped first and the marks turned into <mark> afterwards: no marked text is ever trusted as HTML.
 */
export const HIGHLIGHT_START = '\uE000';
export const HIGHLIGHT_END = '\uE001';

export interface TextRun {
  text: string;
  highlighted: boolean;
}

/** Splits marked text into runs for a renderer to escape and wrap. Stray marks are dropped. */
export function highlightRuns(marked: string): TextRun[] {
  const runs: TextRun[] = [];
  let highlighted = false;
  for (const part of marked.split(/([\uE000\uE001])/u)) {
    if (part === HIGHLIGHT_START) highlighted = true;
    else if (part === HIGHLIGHT_END) highlighted = false;
    else if (part) runs.push({ text: part, highlighted });
  }
  return runs;
}

/** Whether an index term (see search/terms) matches one of the query's positive words. */
export interface TermMatcher {
  (term: string): boolean;
  /** Openings (see search/terms) of the terms that can match; null when any term may. */
  readonly openings: ReadonlySet<string> | null;
}

/** Matches a query's words and prefixes the way the engine does: on stems, prefixes stemmed as typed. */
export function termMatcher(query: ParsedQuery): TermMatcher {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const word of positiveWords(query)) {
    if (word.prefix) prefixes.push(stem(word.text));
    else exact.add(stem(word.text));
  }
  const all = [...exact, ...prefixes];
  const matches = (term: string) => exact.has(term) || prefixes.some((prefix) => term.startsWith(prefix));
  return Object.assign(matches, {
    openings: all.some((term) => term.length < 2) ? null : new Set(all.map(opening)),
  });
}

function isMatch(span: WordSpan, matches: TermMatcher): boolean {
  return span.terms.some(matches);
}

function markSpans(text: string, spans: readonly WordSpan[], from: number, to: number): string {
  let out = '';
  let at = from;
  for (const span of spans) {
    out += text.slice(at, span.start) + HIGHLIGHT_START + text.slice(span.start, span.end) + HIGHLIGHT_END;
    at = span.end;
  }
  return out + text.slice(at, to);
}

/** Marks already in a text would be taken for ours. */
function withoutMarks(text: string): string {
  return text.replace(/[\uE000\uE001]/gu, '');
}

/** The whole text with matching words marked. */
export function highlightText(raw: string, matches: TermMatcher): string {
  const text = withoutMarks(raw);
  return markSpans(
    text,
    wordSpans(text, matches.openings).filter((span) => isMatch(span, matches)),
    0,
    text.length,
  );
}

const ELLIPSIS = '…';

/**
 * The passage of at most `maxWords` words that holds the most distinct matching terms (then the most
 * matches, then the earliest), with matches marked and an ellipsis where text was cut.
 */
export function snippetText(raw: string, matches: TermMatcher, maxWords: number): string {
  const text = withoutMarks(raw);
  const spans = wordSpans(text, matches.openings);
  if (spans.length <= maxWords) return highlightText(text, matches);
  const hits = spans.flatMap((span, i) => (isMatch(span, matches) ? [i] : []));
  let best = { start: 0, distinct: -1, count: -1 };
  // A window worth having starts at a match or a couple of words before it, for context.
  const starts = new Set(hits.map((i) => Math.max(0, Math.min(i - 2, spans.length - maxWords))));
  starts.add(0);
  for (const start of [...starts].sort((a, b) => a - b)) {
    const inWindow = hits.filter((i) => i >= start && i < start + maxWords);
    const distinct = new Set(inWindow.flatMap((i) => spans[i]?.terms.filter(matches) ?? [])).size;
    if (distinct > best.distinct || (distinct === best.distinct && inWindow.length > best.count)) {
      best = { start, distinct, count: inWindow.length };
    }
  }
  const last = best.start + maxWords - 1;
  const from = best.start === 0 ? 0 : (spans[best.start]?.start ?? 0);
  const to = last >= spans.length - 1 ? text.length : (spans[last]?.end ?? text.length);
  const marked = spans.slice(best.start, last + 1).filter((span) => isMatch(span, matches));
  return (
    (best.start > 0 ? ELLIPSIS : '') + markSpans(text, marked, from, to) + (to < text.length ? ELLIPSIS : '')
  );
}
