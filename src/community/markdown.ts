import MarkdownIt, { type MarkdownIt as Markdown, type StateInline } from 'markdown-it';
import { renderInline } from '../web/render-abstract.js';

/**
 * Comment bodies: Markdown with LaTeX, rendered to HTML that is safe to insert as is.
 *
 * Safety comes from construction, not from filtering afterwards: raw HTML in the source is never passed
 * through (markdown-it `html: false` escapes it), link targets are limited to http(s), mailto and
 * site-relative URLs, images are off (no tracking pixels), and math goes through the same KaTeX
 * renderer as abstracts (`trust: false`, bounded expansion), whose output contains only KaTeX's markup.
 */

const MATH_DELIMITERS = [
  { open: '$$', close: '$$' },
  { open: '\\[', close: '\\]' },
  { open: '\\(', close: '\\)' },
] as const;

/** Finds `close` after `from`, skipping backslash-escaped occurrences; -1 when there is none. */
function findClose(src: string, close: string, from: number, end: number): number {
  for (let i = src.indexOf(close, from); i !== -1 && i < end; i = src.indexOf(close, i + 1)) {
    if (src[i - 1] !== '\\') return i;
  }
  return -1;
}

/**
 * Inline rule for `$…$`, `$$…$$`, `\(…\)` and `\[…\]`. It runs before markdown's own rules so that `_`
 * and `*` inside math are not read as emphasis. A single `$` follows Pandoc: it opens only before a
 * non-space and closes only after a non-space not followed by a digit, so "$5 and $10" stays text.
 */
function mathRule(state: StateInline, silent: boolean): boolean {
  const { src, pos, posMax } = state;
  let end = -1;
  let closeLength = 0;
  for (const { open, close } of MATH_DELIMITERS) {
    if (!src.startsWith(open, pos)) continue;
    const at = findClose(src, close, pos + open.length, posMax);
    if (at > pos + open.length && src.slice(pos + open.length, at).trim()) {
      end = at;
      closeLength = close.length;
      break;
    }
  }
  if (end === -1 && src[pos] === '$' && src[pos + 1] !== '$' && /\S/.test(src[pos + 1] ?? ' ')) {
    for (let i = src.indexOf('$', pos + 1); i !== -1 && i < posMax; i = src.indexOf('$', i + 1)) {
      if (src[i - 1] === '\\') continue;
      if (!/\s/.test(src[i - 1] ?? ' ') && !/\d/.test(src[i + 1] ?? '')) {
        end = i;
        closeLength = 1;
      }
      break;
    }
  }
  if (end === -1) return false;
  if (!silent) state.push('math', '', 0).content = src.slice(pos, end + closeLength);
  state.pos = end + closeLength;
  return true;
}

const SAFE_LINK = /^(?:https?:\/\/|mailto:|\/(?!\/)|#)/i;

function createRenderer(): Markdown {
  const md = new MarkdownIt({ html: false, linkify: true, breaks: true, typographer: false });
  md.disable(['image', 'heading', 'lheading']);
  md.inline.ruler.before('escape', 'math', mathRule);
  md.renderer.rules.math = (tokens, idx) => renderInline(tokens[idx]?.content ?? '');
  // Only http(s), mailto and same-site links; markdown-it's default list still allows other schemes.
  md.validateLink = (url) => SAFE_LINK.test(url.trim());
  md.renderer.rules.link_open = (tokens, idx, options, _env, self) => {
    tokens[idx]?.attrSet('rel', 'nofollow ugc noopener');
    return self.renderToken(tokens, idx, options);
  };
  return md;
}

const renderer = createRenderer();

/** Longest comment accepted, in characters. */
export const MAX_COMMENT_LENGTH = 10_000;

export function renderCommentHtml(body: string): string {
  return renderer.render(body);
}
