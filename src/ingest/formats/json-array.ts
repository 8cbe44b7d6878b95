/** One element of a top-level JSON array: its source text and the line it starts on. */
export interface ArrayElement {
  line: number;
  text: string;
}

/**
 * Splits the text of a JSON array into its elements without parsing them, so that one broken element
 * is reported on its own line and the others still import. Elements are cut at top-level commas,
 * minding strings and nesting; each is then parsed on its own by the caller. An element left open at
 * the end (a truncated file) is returned as is and fails to parse there.
 */
export function splitJsonArray(text: string, firstLine = 1): ArrayElement[] {
  const elements: ArrayElement[] = [];
  let line = firstLine;
  let depth = 0;
  let inString = false;
  let start = -1;
  let startLine = line;
  const close = (end: number): void => {
    const element = text.slice(start, end).trim();
    if (element !== '') elements.push({ line: startLine, text: element });
    start = -1;
  };
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '\n') line++;
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
      continue;
    }
    if (depth === 1 && start < 0 && char !== undefined && !/[\s,\]]/.test(char)) {
      start = i;
      startLine = line;
    }
    if (char === '"') inString = true;
    else if (char === '[' || char === '{') depth++;
    else if (char === ']' || char === '}') {
      depth--;
      if (depth === 0) {
        if (start >= 0) close(i);
        break;
      }
    } else if (char === ',' && depth === 1 && start >= 0) close(i);
  }
  if (start >= 0) close(text.length);
  return elements;
}
