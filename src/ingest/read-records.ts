import type { PaperInput } from '../model/paper.js';
import { detectJsonFormat, detectLayout, type ImportFormat, type JsonFormat } from './detect.js';
import { fromArxivListing } from './formats/arxiv-listing.js';
import { fromArxivSnapshot } from './formats/arxiv-snapshot.js';
import { fromHfDaily } from './formats/hf-daily.js';
import { splitJsonArray } from './formats/json-array.js';
import { ListingError, ListingTextParser, type ListingOptions } from './formats/listing-text.js';
import { RecordError, type ParsedRecord } from './formats/record.js';
import { readLines } from './read-lines.js';

const RECORD_READERS: Record<JsonFormat, (value: unknown) => PaperInput> = {
  'arxiv-jsonl': fromArxivListing,
  'hf-daily': fromHfDaily,
  'arxiv-snapshot': fromArxivSnapshot,
};

export interface ReadOptions {
  format?: ImportFormat | 'auto';
  /** Year of a listing's date line (see ListingTextParser); `today` pins "now" for the default. */
  listingYear?: number;
  today?: Date;
}

export interface ParseRequest {
  path: string;
  options: ReadOptions;
  batchSize: number;
  /** Batches a worker sends ahead of the store: enough to keep both threads busy, few enough to bound memory. */
  inFlight: number;
}

export interface RecordBatch {
  records: ParsedRecord[];
  /** File bytes read so far, for progress. */
  bytesRead: number;
}

/** A file as a whole cannot be imported; the message is for a person. */
export class FileError extends Error {}

// Records read before giving up on telling a JSON file's format.
const DETECTION_RECORDS = 100;

/** The first batch's size: the store starts writing while the parser's code is still cold. */
const FIRST_BATCH_SIZE = 64;

/**
 * A file's records in batches growing from FIRST_BATCH_SIZE to `batchSize`; an error ends the stream after
 * the last partial batch.
 */
export async function* readRecordBatches(request: ParseRequest): AsyncGenerator<RecordBatch> {
  let bytesRead = 0;
  let records: ParsedRecord[] = [];
  let size = Math.min(FIRST_BATCH_SIZE, request.batchSize);
  try {
    for await (const record of readRecords(request.path, request.options, (bytes) => (bytesRead = bytes))) {
      records.push(record);
      if (records.length >= size) {
        yield { records, bytesRead };
        records = [];
        size = Math.min(size * 2, request.batchSize);
      }
    }
  } catch (err) {
    // Records read before a file turns out corrupt or truncated are still good: they are imported too.
    if (records.length > 0) yield { records, bytesRead };
    throw err;
  }
  if (records.length > 0) yield { records, bytesRead };
}

/** Every record of a file, in its format (given, or told from the content), with its line number. */
export async function* readRecords(
  path: string,
  options: ReadOptions,
  onBytes: (bytes: number) => void,
): AsyncGenerator<ParsedRecord> {
  const lines = readLines(path, onBytes)[Symbol.asyncIterator]();
  const rest = { [Symbol.asyncIterator]: () => lines };
  try {
    let lineNumber = 0;
    let first: string | undefined;
    // Not a for-await loop: leaving one early would close the file.
    for (let next = await lines.next(); !next.done; next = await lines.next()) {
      lineNumber++;
      if (next.value.trim() !== '') {
        first = next.value;
        break;
      }
    }
    if (first === undefined) return;
    const layout = detectLayout(first);
    const format = options.format === 'auto' ? undefined : options.format;
    if (format === 'listing' || (format === undefined && layout === 'text')) {
      yield* readListing(first, lineNumber, rest, { year: options.listingYear, today: options.today });
      return;
    }
    const reader = new JsonRecordReader(path, format);
    if (layout === 'json-array') {
      // A JSON array is one day's API response: small enough to hold, and not splittable into lines.
      const parts = [first];
      for await (const line of rest) parts.push(line);
      for (const element of splitJsonArray(parts.join('\n'), lineNumber)) {
        yield* reader.take(element.text, element.line);
      }
    } else {
      yield* reader.take(first, lineNumber);
      for await (const line of rest) yield* reader.take(line, ++lineNumber);
    }
    reader.end();
  } finally {
    await lines.return?.(undefined);
  }
}

async function* readListing(
  first: string,
  firstLine: number,
  rest: AsyncIterable<string>,
  options: ListingOptions,
): AsyncGenerator<ParsedRecord> {
  const parser = new ListingTextParser(options);
  let lineNumber = firstLine;
  try {
    yield* parser.push(first, lineNumber);
    for await (const line of rest) yield* parser.push(line, ++lineNumber);
    yield* parser.end();
  } catch (err) {
    if (err instanceof ListingError) throw new FileError(err.message);
    throw err;
  }
}

/**
 * Decodes JSON records (lines, or elements of an array) into papers. Without a given format, records
 * wait until one is recognisable (see detectJsonFormat), so a broken first line cannot hide the format.
 */
class JsonRecordReader {
  private read: ((value: unknown) => PaperInput) | undefined;
  private pending: { line: number; decoded: Decoded }[] = [];

  constructor(
    private readonly path: string,
    format: JsonFormat | undefined,
  ) {
    this.read = format ? RECORD_READERS[format] : undefined;
  }

  *take(text: string, line: number): Generator<ParsedRecord> {
    if (text.trim() === '') return;
    const decoded = decode(text);
    if (this.read) {
      yield this.toRecord(line, decoded, this.read);
      return;
    }
    this.pending.push({ line, decoded });
    const format = 'value' in decoded ? detectJsonFormat(decoded.value) : null;
    if (!format) {
      if (this.pending.length >= DETECTION_RECORDS) throw this.unknownFormat();
      return;
    }
    const read = RECORD_READERS[format];
    this.read = read;
    for (const held of this.pending) yield this.toRecord(held.line, held.decoded, read);
    this.pending = [];
  }

  end(): void {
    if (this.pending.length > 0) throw this.unknownFormat();
  }

  private toRecord(line: number, decoded: Decoded, read: (value: unknown) => PaperInput): ParsedRecord {
    if ('error' in decoded) return { line, error: decoded.error };
    try {
      return { line, paper: read(decoded.value) };
    } catch (err) {
      if (err instanceof RecordError) return { line, error: err.message };
      throw err;
    }
  }

  private unknownFormat(): FileError {
    return new FileError(
      `cannot tell the format of ${this.path} from its first records; pass --format arxiv-jsonl, hf-daily or arxiv-snapshot`,
    );
  }
}

type Decoded = { value: unknown } | { error: string };

function decode(text: string): Decoded {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (err) {
    return { error: `invalid JSON: ${(err as Error).message}` };
  }
}

const FILE_ERROR_CODES: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'is a directory, not a file',
  Z_DATA_ERROR: 'corrupt gzip data',
  Z_BUF_ERROR: 'the gzip file is truncated',
};

/** What went wrong with a file, for a person; null when the error is not the file's (e.g. the store's). */
export function fileErrorMessage(err: unknown): string | null {
  if (err instanceof FileError) return err.message;
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (!code || !(err instanceof Error)) return null;
  if (code.startsWith('SQLITE')) return null;
  return FILE_ERROR_CODES[code] ?? `cannot read it (${err.message})`;
}
