import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

const GZIP_MAGIC = [0x1f, 0x8b];

/** True when the file starts with gzip's magic bytes, whatever its name. */
export async function isGzipFile(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
  } finally {
    await handle.close();
  }
}

/**
 * Streams a text file line by line, gunzipping it on the fly when it is gzip, so files of any size
 * are read in constant memory. `onBytes` receives the number of file (compressed) bytes read so far,
 * for progress. Read and decompression errors reject the iteration. Lines end at LF, CRLF or a lone CR.
 */
export async function* readLines(path: string, onBytes?: (bytes: number) => void): AsyncGenerator<string> {
  const gzip = await isGzipFile(path);
  const file = createReadStream(path, { highWaterMark: 1 << 20 });
  let bytes = 0;
  file.on('data', (chunk) => {
    bytes += chunk.length;
    onBytes?.(bytes);
  });
  const input: Readable = gzip ? file.pipe(createGunzip({ chunkSize: 1 << 16 })) : file;
  if (gzip) file.on('error', (err) => input.destroy(err));
  let first = true;
  try {
    for await (const line of splitLines(input)) {
      // A byte-order mark is not part of the first line's content.
      yield first && line.startsWith('\uFEFF') ? line.slice(1) : line;
      first = false;
    }
  } finally {
    file.destroy();
    input.destroy();
  }
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * The lines of a byte stream, faster than node:readline: line ends are found with a byte search rather than
 * a regular expression over decoded text, and each line is decoded on its own, so a line without characters
 * beyond Latin-1 is a one-byte string even when its chunk holds one elsewhere. (In the arXiv listing 2,090
 * lines hold one; decoded in 16 KB chunks they made a fifth of all lines two-byte strings, on which JSON
 * parsing, regular expressions and the hand-over to SQLite are all slower.)
 */
export async function* splitLines(chunks: AsyncIterable<Buffer> | Iterable<Buffer>): AsyncGenerator<string> {
  // The start of a line that continues into the next chunk (a JSON array may be one line of megabytes).
  let pending: Buffer[] = [];
  for await (const chunk of chunks) {
    let start = 0;
    for (let end = chunk.indexOf(LF); end !== -1; end = chunk.indexOf(LF, start)) {
      const line = chunk.subarray(start, end);
      yield* crSeparated(pending.length === 0 ? line : Buffer.concat([...pending, line]));
      pending = [];
      start = end + 1;
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
  }
  if (pending.length > 0) yield* crSeparated(Buffer.concat(pending));
}

/** The text between two LFs as lines: a CR ends a line too, and one just before the LF is part of a CRLF. */
function crSeparated(bytes: Buffer): string[] {
  if (bytes.indexOf(CR) === -1) return [bytes.toString('utf8')];
  const lines = bytes.toString('utf8').split('\r');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}
