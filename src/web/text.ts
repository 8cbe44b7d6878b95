/** Small text helpers for the pages: plain strings in, plain strings out (the JSX layer escapes). */

/** Collapses runs of whitespace (abstracts carry hard line breaks) into single spaces. */
export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * The start of a text, cut at a word boundary, with an ellipsis when anything was cut. A single word
 * longer than the limit is cut inside the word rather than producing an empty excerpt.
 */
export function excerpt(text: string, maxChars: number): string {
  const flat = collapseWhitespace(text);
  if (flat.length <= maxChars) return flat;
  let head = flat.slice(0, maxChars);
  // Unless the cut already falls after a whole word, drop the partial word at the end.
  if (/[\p{L}\p{N}]/u.test(flat[maxChars] ?? '')) {
    const lastSpace = head.lastIndexOf(' ');
    if (lastSpace > maxChars / 2) head = head.slice(0, lastSpace);
  }
  return head.replace(/[\s,;:.\-–—(]+$/u, '') + '…';
}

/** `A, B and C`, or `A, B, C et al.` for lists longer than `max`. */
export function shortAuthors(authors: string[], max = 4): string {
  if (authors.length === 0) return '';
  if (authors.length > max) return `${authors.slice(0, max - 1).join(', ')} et al.`;
  if (authors.length === 1) return authors[0] ?? '';
  return `${authors.slice(0, -1).join(', ')} and ${authors[authors.length - 1]}`;
}

/** `1 paper`, `12 papers` */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? singular : pluralForm}`;
}

/** A host name for a link label: `github.com/owner/repo` for code, the host otherwise. */
export function linkLabel(url: string): string {
  try {
    const parsed = new URL(url);
    const host = parsed.hostname.replace(/^www\./, '');
    if (host === 'github.com' || host === 'gitlab.com' || host === 'huggingface.co') {
      return `${host}${parsed.pathname.replace(/\/+$/, '')}`;
    }
    return host;
  } catch {
    return url;
  }
}
