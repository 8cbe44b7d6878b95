/**
 * Engines mark matches with these private-use characters instead of HTML, so that the text can be
 * escaped first and the marks turned into <mark> afterwards: no engine output is ever trusted as HTML.
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
