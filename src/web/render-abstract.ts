/**
 * Turns abstract and title text into safe HTML: LaTeX between `$…$`, `$$…$$`, `\(…\)` or `\[…\]` is
 * rendered by KaTeX on the server, everything else is escaped, URLs become links. The result is the only
 * HTML the pages insert unescaped, so every byte of it comes from escapeHtml or from KaTeX.
 */
import katex from 'katex';

type Segment =
  { kind: 'text'; text: string } | { kind: 'math'; tex: string; source: string; display: boolean };

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch] ?? ch);
}

/** Finds `close` at or after `from`, skipping backslash-escaped occurrences. */
function findClosing(text: string, close: string, from: number): number {
  for (let i = text.indexOf(close, from); i !== -1; i = text.indexOf(close, i + 1)) {
    if (text[i - 1] !== '\\') return i;
  }
  return -1;
}

/**
 * A single `$` opens math only when followed by a non-space, and closes only when preceded by a
 * non-space and not followed by a digit (Pandoc's rule), so "costs $5 and $10" stays text.
 */
function findInlineDollarClose(text: string, from: number): number {
  for (let i = text.indexOf('$', from); i !== -1; i = text.indexOf('$', i + 1)) {
    const before = text[i - 1] ?? '';
    if (before === '\\') continue;
    if (/\s/.test(before) || /\d/.test(text[i + 1] ?? '')) return -1;
    return i;
  }
  return -1;
}

const DELIMITERS: { open: string; close: string; display: boolean }[] = [
  { open: '$$', close: '$$', display: true },
  { open: '\\[', close: '\\]', display: true },
  { open: '\\(', close: '\\)', display: false },
];

function splitMath(text: string): Segment[] {
  const segments: Segment[] = [];
  let plain = '';
  let i = 0;
  const flushPlain = (): void => {
    if (plain) segments.push({ kind: 'text', text: plain });
    plain = '';
  };
  outer: while (i < text.length) {
    if (text.startsWith('\\$', i)) {
      plain += '$';
      i += 2;
      continue;
    }
    for (const { open, close, display } of DELIMITERS) {
      if (!text.startsWith(open, i)) continue;
      const end = findClosing(text, close, i + open.length);
      const tex = end === -1 ? '' : text.slice(i + open.length, end);
      if (tex.trim()) {
        flushPlain();
        segments.push({ kind: 'math', tex, source: text.slice(i, end + close.length), display });
        i = end + close.length;
        continue outer;
      }
    }
    if (text[i] === '$' && text[i + 1] !== '$' && /\S/.test(text[i + 1] ?? ' ')) {
      const end = findInlineDollarClose(text, i + 1);
      if (end !== -1) {
        flushPlain();
        segments.push({
          kind: 'math',
          tex: text.slice(i + 1, end),
          source: text.slice(i, end + 1),
          display: false,
        });
        i = end + 1;
        continue;
      }
    }
    plain += text[i];
    i++;
  }
  flushPlain();
  return segments;
}

function renderMath(segment: Extract<Segment, { kind: 'math' }>): string {
  try {
    return katex.renderToString(segment.tex, {
      displayMode: segment.display,
      throwOnError: true,
      // Commands that could add links or HTML attributes stay disabled; abstracts are untrusted.
      trust: false,
      strict: 'ignore',
      // Bounds for hostile input: macro expansion and sizes cannot blow up a page.
      maxExpand: 500,
      maxSize: 20,
    });
  } catch {
    return `<code class="math-source">${escapeHtml(segment.source)}</code>`;
  }
}

// Punctuation that ends a sentence rather than a URL; a closing bracket counts only when unbalanced.
const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'{}|\\^`]+/g;

function trimUrl(url: string): string {
  let end = url.length;
  for (;;) {
    const last = url[end - 1] ?? '';
    const head = url.slice(0, end);
    if (/[.,;:!?*]/.test(last)) end--;
    else if (last === ')' && count(head, '(') < count(head, ')')) end--;
    else if (last === ']' && count(head, '[') < count(head, ']')) end--;
    else return url.slice(0, end);
  }
}

function count(text: string, ch: string): number {
  return text.split(ch).length - 1;
}

function renderText(text: string, links: boolean): string {
  if (!links) return escapeHtml(text);
  let html = '';
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const url = trimUrl(match[0]);
    html += escapeHtml(text.slice(last, match.index));
    html += `<a href="${escapeHtml(url)}" rel="nofollow noopener">${escapeHtml(url)}</a>`;
    last = match.index + url.length;
  }
  return html + escapeHtml(text.slice(last));
}

function renderSegments(text: string, links: boolean): string {
  return splitMath(text)
    .map((s) => (s.kind === 'math' ? renderMath(s) : renderText(s.text.replace(/\s+/g, ' '), links)))
    .join('');
}

/** An abstract as HTML paragraphs: blank lines separate paragraphs, single line breaks are spaces. */
export function renderAbstract(text: string): string {
  return text
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.trim())
    .filter(Boolean)
    .map((paragraph) => `<p>${renderSegments(paragraph, true)}</p>`)
    .join('\n');
}

/** A title (or any one-line text) as inline HTML with its math rendered; no links. */
export function renderInline(text: string): string {
  return renderSegments(text.trim(), false);
}

/** True when the text contains something renderInline would typeset, so pages can skip KaTeX otherwise. */
export function hasMath(text: string): boolean {
  return splitMath(text).some((s) => s.kind === 'math');
}
