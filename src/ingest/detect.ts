export const IMPORT_FORMATS = ['listing', 'arxiv-jsonl', 'hf-daily', 'arxiv-snapshot'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];
export type JsonFormat = Exclude<ImportFormat, 'listing'>;

/** How a file is laid out, told by its first non-empty line. */
export type Layout = 'json-array' | 'json-lines' | 'text';

export function detectLayout(firstLine: string): Layout {
  const start = firstLine.trimStart()[0];
  if (start === '[') return 'json-array';
  if (start === '{') return 'json-lines';
  return 'text';
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Which JSON format a decoded record belongs to, by the keys only that format has; null if none. */
export function detectJsonFormat(record: unknown): JsonFormat | null {
  if (!isObject(record)) return null;
  if (isObject(record.paper)) return 'hf-daily';
  if (Array.isArray(record.versions) || 'authors_parsed' in record || 'update_date' in record) {
    return 'arxiv-snapshot';
  }
  if ('_listing_date' in record || (Array.isArray(record.authors) && 'summary' in record))
    return 'arxiv-jsonl';
  return null;
}
