/** One line of text: every run of whitespace (hard line breaks included) becomes a single space. */
export function collapseWhitespace(text: string): string {
  // Leaves single spaces alone: replacing every space is several times slower on 75k abstracts.
  return text.replace(/\s{2,}|[^\S ]/g, ' ').trim();
}

/**
 * Turns an abstract with hard line breaks (arXiv wraps at ~80 columns) into paragraphs separated by a
 * blank line. arXiv marks a new paragraph with an indented line; a blank line also ends one. LaTeX
 * is left exactly as written: rendering it is the web's job.
 */
export function unwrapParagraphs(text: string): string {
  return text
    .trim()
    .split(/\r?\n(?:[ \t]*\r?\n)+|\r?\n(?=[ \t])/)
    .map(collapseWhitespace)
    .filter((paragraph) => paragraph !== '')
    .join('\n\n');
}
