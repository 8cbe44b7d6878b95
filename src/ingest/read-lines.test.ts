import { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitLines } from './read-lines.js';

async function collect(lines: AsyncIterable<string>): Promise<string[]> {
  const all: string[] = [];
  for await (const line of lines) all.push(line);
  return all;
}

/** `bytes` cut at the given offsets, as a stream delivers them. */
function chunked(bytes: Buffer, cuts: number[]): Buffer[] {
  const offsets = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const offset of [...offsets, bytes.length]) {
    if (offset > start) chunks.push(bytes.subarray(start, offset));
    start = Math.max(start, offset);
  }
  return chunks;
}

describe('splitLines', () => {
  it('splits like node:readline, wherever the chunks are cut (even inside a character)', async () => {
    const text = fc
      .array(fc.constantFrom('a', 'é', '😀', ' ', '\n', '\r', '\r\n', '{"x": 1}'), { maxLength: 40 })
      .map((parts) => parts.join(''));
    await fc.assert(
      fc.asyncProperty(text, fc.array(fc.nat(), { maxLength: 8 }), async (content, cuts) => {
        const bytes = Buffer.from(content);
        const expected = await collect(
          createInterface({ input: Readable.from([bytes]), crlfDelay: Infinity }),
        );
        expect(await collect(splitLines(chunked(bytes, cuts)))).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps a line that spans many chunks whole', async () => {
    const long = 'x'.repeat(100_000);
    const bytes = Buffer.from(`first\n${long}\nlast`);
    const cuts = Array.from({ length: 50 }, (_, i) => 3 + i * 2_000);
    expect(await collect(splitLines(chunked(bytes, cuts)))).toEqual(['first', long, 'last']);
  });
});
