import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
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
 * for progress. Read and decompression errors reject the iteration.
 */
export async function* readLines(path: string, onBytes?: (bytes: number) => void): AsyncGenerator<string> {
  const gzip = await isGzipFile(path);
  const file = createReadStream(path, { highWaterMark: 1 << 20 });
  let bytes = 0;
  file.on('data', (chunk) => {
    bytes += chunk.length;
    onBytes?.(bytes);
  });
  const input = gzip ? file.pipe(createGunzip()) : file;
  if (gzip) file.on('error', (err) => input.destroy(err));
  const lines = createInterface({ input, crlfDelay: Infinity });
  let first = true;
  try {
    for await (const line of lines) {
      // A byte-order mark is not part of the first line's content.
      yield first && line.startsWith('\uFEFF') ? line.slice(1) : line;
      first = false;
    }
  } finally {
    lines.close();
    file.destroy();
    input.destroy();
  }
}
