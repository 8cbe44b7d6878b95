/**
 * Every importer under hostile input: the record readers of each file format, the listing-text parser,
 * the JSON-array splitter, the XML parsers of harvest and look-up, and importFiles on real temp files.
 * Bad input is reported (a record error with its line, a file error with a message), never thrown.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryToPaper, parseArxivFeed } from '../src/ingest/arxiv-api.js';
import { ArxivRecordError, arxivRecordToPaper } from '../src/ingest/arxiv-oai.js';
import { MalformedXmlError } from '../src/ingest/arxiv-xml.js';
import { IMPORT_FORMATS } from '../src/ingest/detect.js';
import { fromArxivListing } from '../src/ingest/formats/arxiv-listing.js';
import { fromArxivSnapshot } from '../src/ingest/formats/arxiv-snapshot.js';
import { fromHfDaily } from '../src/ingest/formats/hf-daily.js';
import { splitJsonArray } from '../src/ingest/formats/json-array.js';
import { ListingError, ListingTextParser } from '../src/ingest/formats/listing-text.js';
import { RecordError } from '../src/ingest/formats/record.js';
import { importFiles } from '../src/ingest/import.js';
import { OaiPmhError, parseOaiResponse } from '../src/ingest/oai-pmh.js';
import type { PaperInput } from '../src/model/paper.js';
import { arxivListingLines, hostileString } from './support/hostile.js';
import { sharedPath } from './support/shared.js';
import { createTestDatabase } from './support/test-store.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'paperboy-hostile-import-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A JSON value that may be anything, including deep nesting and odd numbers. */
const anyJson = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  hostileString,
  fc.constantFrom(null, -1, 1e308, Number.MAX_SAFE_INTEGER + 2, '', [], {}, '2025-13-40', '../../etc/passwd'),
);

/** A real record with fields replaced, removed or added. */
function mutated(record: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(record);
  return fc
    .array(
      fc.record({
        key: fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 8 })),
        value: fc.option(anyJson, { nil: undefined }),
      }),
      { minLength: 1, maxLength: 4 },
    )
    .map((changes) => {
      const copy: Record<string, unknown> = structuredClone(record);
      for (const { key, value } of changes) {
        if (value === undefined) delete copy[key];
        else copy[key] = value;
      }
      return copy;
    });
}

function jsonLine(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(file, 'utf8').split('\n')[0] ?? '') as Record<string, unknown>;
}

const READERS: [string, (value: unknown) => PaperInput, () => Record<string, unknown>][] = [
  [
    'arxiv-jsonl',
    fromArxivListing,
    () => JSON.parse(arxivListingLines()[0] ?? '') as Record<string, unknown>,
  ],
  [
    'hf-daily',
    fromHfDaily,
    () => {
      const file = sharedPath('fixtures', 'hf-daily-papers-api', '2024-06-14.json');
      return (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>[])[0] ?? {};
    },
  ],
  [
    'arxiv-snapshot',
    fromArxivSnapshot,
    () => jsonLine(path.resolve(import.meta.dirname, 'fixtures/arxiv-snapshot-sample.jsonl')),
  ],
];

describe('record readers', () => {
  for (const [name, read, sample] of READERS) {
    it(`${name}: a paper or a RecordError for any value`, () => {
      const real = sample();
      expect(read(real).title).not.toBe('');
      fc.assert(
        fc.property(fc.oneof(anyJson, mutated(real)), (value) => {
          try {
            const paper = read(value);
            // Whatever is accepted is a usable paper.
            expect(paper.id).not.toBe('');
            expect(paper.title.trim()).not.toBe('');
            expect(paper.feedDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
            // Links become hrefs on pages: only web links are kept.
            for (const link of [paper.codeUrl, paper.projectUrl, paper.submittedBy?.avatarUrl ?? null]) {
              if (link !== null) expect(link).toMatch(/^https?:\/\//i);
            }
          } catch (err) {
            expect(err).toBeInstanceOf(RecordError);
            expect((err as Error).message).not.toBe('');
          }
        }),
        { numRuns: 600 },
      );
    });
  }
});

/** Lines that cannot be a line break: readline splits on \n and \r. */
const oneLine = hostileString.map((text) => text.replace(/[\r\n]/g, ' '));

describe('listing text and JSON arrays', () => {
  it('the listing parser yields records with real line numbers or a ListingError', () => {
    const lines = fc.array(
      fc.oneof(oneLine, fc.constantFrom('', 'Mar 12', 'March 12, 2025', '2025-02-30', 'Feb 29', 'A title')),
      { maxLength: 60 },
    );
    fc.assert(
      fc.property(lines, (input) => {
        const parser = new ListingTextParser({ today: new Date('2026-03-20T00:00:00Z') });
        try {
          const records = [...input.flatMap((line, i) => parser.push(line, i + 1)), ...parser.end()];
          for (const record of records) {
            expect(record.line).toBeGreaterThanOrEqual(1);
            expect(record.line).toBeLessThanOrEqual(input.length);
            if ('paper' in record) expect(record.paper.feedDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
          }
        } catch (err) {
          expect(err).toBeInstanceOf(ListingError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('the array splitter cuts any text into elements on real lines', () => {
    const text = fc.oneof(
      fc.string({ unit: fc.constantFrom('[', ']', '{', '}', '"', '\\', ',', '\n', 'a', ' ') }),
      hostileString.map((s) => `[${s}`),
      fc.array(anyJson).map((values) => JSON.stringify(values, null, 1)),
    );
    fc.assert(
      fc.property(text, (input) => {
        const lines = input.split('\n').length;
        for (const element of splitJsonArray(input)) {
          expect(element.line).toBeGreaterThanOrEqual(1);
          expect(element.line).toBeLessThanOrEqual(lines);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

/** A document cut short, with garbage spliced in, or with a hostile string in an element. */
function damagedXml(xml: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.integer({ min: 0, max: xml.length }).map((at) => xml.slice(0, at)),
    fc
      .tuple(fc.integer({ min: 0, max: xml.length }), hostileString)
      .map(([at, junk]) => xml.slice(0, at) + junk + xml.slice(at)),
    fc
      .tuple(
        fc.constantFrom('title', 'abstract', 'id', 'datestamp', 'created', 'identifier', 'name'),
        hostileString,
      )
      .map(([tag, junk]) =>
        xml.replace(new RegExp(`<${tag}>[^<]*</${tag}>`), `<${tag}>${junk.replace(/[<&]/g, '')}</${tag}>`),
      ),
  );
}

describe('XML responses (harvest and arXiv look-ups)', () => {
  it('OAI-PMH: records or a MalformedXmlError / OaiPmhError; each record a paper or an ArxivRecordError', () => {
    const documents = ['arxiv-physics-hep-th.xml', 'sample_arxiv_record.xml', 'arxiv-single.xml'].map(
      (name) => readFileSync(sharedPath('fixtures', 'oai-pmh-arxiv', name), 'utf8'),
    );
    fc.assert(
      fc.property(fc.constantFrom(...documents).chain(damagedXml), (xml) => {
        let response;
        try {
          response = parseOaiResponse(xml);
        } catch (err) {
          expect(
            [MalformedXmlError, OaiPmhError].some((type) => err instanceof type),
            String(err),
          ).toBe(true);
          return;
        }
        for (const record of response.records) {
          if (record.header.deleted) continue;
          try {
            const { paper } = arxivRecordToPaper(record);
            expect(paper.id).not.toBe('');
          } catch (err) {
            expect(err, String(err)).toBeInstanceOf(ArxivRecordError);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('arXiv API: entries or a MalformedXmlError', () => {
    const xml = readFileSync(
      sharedPath('fixtures', 'arxiv-api', 'q_testing_s0_m10_bc5a6c384fe9.xml'),
      'utf8',
    );
    fc.assert(
      fc.property(damagedXml(xml), (damaged) => {
        try {
          const feed = parseArxivFeed(damaged);
          for (const entry of feed.entries) expect(entryToPaper(entry, '2025-03-12').id).not.toBe('');
        } catch (err) {
          expect(err, String(err)).toBeInstanceOf(MalformedXmlError);
        }
      }),
      { numRuns: 300 },
    );
  });
});

type Line = { kind: 'valid'; index: number; badBytes: boolean } | { kind: 'garbage'; bytes: Buffer };

/** Garbage that is no valid record: hostile text, broken JSON, records with a bad required field, raw bytes. */
const garbageLine: fc.Arbitrary<Buffer> = fc.oneof(
  oneLine.map((text) => Buffer.from(text)),
  fc
    .oneof(
      fc.tuple(fc.constant('id'), fc.constantFrom<unknown>(null, 7, '', '../x', 'abc', [])),
      fc.tuple(fc.constant('title'), fc.constantFrom<unknown>(null, 7, '', '  \t ', [])),
      fc.tuple(
        fc.constant('_listing_date'),
        fc.constantFrom<unknown>(null, 7, '', '2025-13-40', '2025-02-29'),
      ),
    )
    .map(([key, value]) => {
      const record = JSON.parse(arxivListingLines()[1] ?? '{}') as Record<string, unknown>;
      record[key] = value;
      return Buffer.from(JSON.stringify(record));
    }),
  fc
    .constantFrom(
      '{',
      '{"id": "2501.00001", "title": ',
      '}{',
      'null',
      '[]',
      '"just a string"',
      '{"_listing_date": 5}',
    )
    .map((text) => Buffer.from(text)),
  fc
    .uint8Array({ minLength: 1, maxLength: 40 })
    .map((bytes) => Buffer.from(bytes.map((b) => (b === 0x0a || b === 0x0d ? 0xff : b)))),
);

function fileOf(lines: Line[]): Buffer {
  const all = arxivListingLines();
  return Buffer.concat(
    lines.flatMap((line) => {
      let bytes: Buffer;
      if (line.kind === 'garbage') bytes = line.bytes;
      else {
        bytes = Buffer.from(all[line.index] ?? '');
        // A byte that is not UTF-8 inside the title: the record still imports, with U+FFFD there.
        if (line.badBytes) {
          const at = bytes.indexOf('"title": "') + '"title": "'.length;
          bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([0xff, 0xfe]), bytes.subarray(at)]);
        }
      }
      return [bytes, Buffer.from('\n')];
    }),
  );
}

function idOfLine(index: number): string {
  return (JSON.parse(arxivListingLines()[index] ?? '{}') as { id: string }).id;
}

let fileCounter = 0;
function tempFile(content: Buffer, suffix = '.jsonl'): string {
  const file = path.join(dir, `input-${++fileCounter}${suffix}`);
  writeFileSync(file, content);
  return file;
}

describe('importFiles on hostile files', () => {
  it('imports every good line and reports every bad one with its line number', async () => {
    const lines = fc
      .uniqueArray(fc.integer({ min: 0, max: 5000 }), { minLength: 1, maxLength: 30 })
      .chain((indexes) =>
        fc
          .array(garbageLine, { maxLength: 30 })
          .chain((garbage) =>
            fc.shuffledSubarray(
              [
                ...indexes
                  .slice(1)
                  .map((index): Line => ({ kind: 'valid', index, badBytes: index % 3 === 0 })),
                ...garbage.map((bytes): Line => ({ kind: 'garbage', bytes })),
              ],
              { minLength: indexes.length - 1 + garbage.length },
            ),
          )
          // The first line is a good record, so the format is known from the start.
          .map((rest): Line[] => [{ kind: 'valid', index: indexes[0] ?? 0, badBytes: false }, ...rest]),
      );
    await fc.assert(
      fc.asyncProperty(lines, fc.boolean(), async (input, gzip) => {
        const content = fileOf(input);
        const file = tempFile(gzip ? gzipSync(content) : content, gzip ? '.jsonl.gz' : '.jsonl');
        const database = await createTestDatabase();
        const { store } = database;
        try {
          const report = await importFiles(store, [file]);
          const valid = new Set(
            input.flatMap((line) => (line.kind === 'valid' ? [idOfLine(line.index)] : [])),
          ).size;
          const garbageLines = input.flatMap((line, i) =>
            line.kind === 'garbage' && line.bytes.toString('utf8').trim() !== '' ? [i + 1] : [],
          );
          expect(report.failed).toEqual([]);
          expect(report.inserted).toBe(valid);
          expect(await store.countPapers()).toBe(valid);
          expect(report.skipped.map((s) => s.line)).toEqual(garbageLines);
          for (const skip of report.skipped) expect(skip.message).not.toBe('');
        } finally {
          await database.close();
        }
      }),
      { numRuns: 60 },
    );
  });

  it('never throws on arbitrary bytes, in any format, plain or gzip, whole or cut short', async () => {
    const content = fc.oneof(
      fc.uint8Array({ maxLength: 2000 }).map((bytes) => Buffer.from(bytes)),
      fc.array(hostileString, { maxLength: 40 }).map((lines) => Buffer.from(lines.join('\n'))),
      fc
        .array(garbageLine, { maxLength: 40 })
        .map((lines) => Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')]))),
      hostileString.map((s) => Buffer.from(`[${s}`)),
    );
    await fc.assert(
      fc.asyncProperty(
        content,
        fc.constantFrom('auto' as const, ...IMPORT_FORMATS),
        fc.constantFrom('plain', 'gzip', 'truncated-gzip'),
        async (bytes, format, packing) => {
          const gz = gzipSync(Buffer.concat([bytes, Buffer.from(arxivListingLines()[2] ?? '')]));
          const file = tempFile(
            packing === 'plain'
              ? bytes
              : packing === 'gzip'
                ? gz
                : gz.subarray(0, Math.max(2, gz.length >> 1)),
          );
          const database = await createTestDatabase();
          const { store } = database;
          try {
            const report = await importFiles(store, [file], {
              format,
              today: new Date('2026-03-20T00:00:00Z'),
            });
            expect(await store.countPapers()).toBe(report.inserted);
            for (const skip of report.skipped) {
              expect(skip.line).toBeGreaterThanOrEqual(1);
              expect(skip.message).not.toBe('');
            }
            for (const failure of report.failed) expect(failure.message).not.toBe('');
            if (packing === 'truncated-gzip') expect(report.failed).toHaveLength(1);
          } finally {
            await database.close();
          }
        },
      ),
      { numRuns: 120 },
    );
  });

  it('handles a megabyte line, NUL bytes and a missing file', async () => {
    const good = arxivListingLines()[3] ?? '';
    const content = Buffer.from(
      [good, 'x'.repeat(1 << 20), `{"id": "${'9'.repeat(1 << 20)}"}`, '\u0000\u0000{"\u0000": 1}', good].join(
        '\n',
      ),
    );
    const database = await createTestDatabase();
    const { store } = database;
    try {
      const report = await importFiles(store, [tempFile(content), path.join(dir, 'does-not-exist.jsonl')]);
      expect(report.inserted).toBe(1);
      expect(report.unchanged).toBe(1);
      expect(report.skipped.map((s) => s.line)).toEqual([2, 3, 4]);
      // A message is for a person: it names the problem, it does not repeat a megabyte of input.
      for (const skip of report.skipped) expect(skip.message.length).toBeLessThan(500);
      expect(report.failed).toEqual([
        { file: path.join(dir, 'does-not-exist.jsonl'), message: 'no such file' },
      ]);
    } finally {
      await database.close();
    }
  });

  it('reports garbage in a file big enough for the parser thread with its line numbers', async () => {
    const all = arxivListingLines();
    // About 6 MB: above the size from which importFiles parses in a worker thread.
    const lines: Line[] = [];
    for (let i = 0; i < 4000; i++) {
      lines.push({ kind: 'valid', index: i, badBytes: false });
      if (i % 500 === 7) lines.push({ kind: 'garbage', bytes: Buffer.from(`{"broken": ${i}`) });
    }
    const content = fileOf(lines);
    expect(content.length).toBeGreaterThan(4 << 20);
    const database = await createTestDatabase();
    const { store } = database;
    try {
      const report = await importFiles(store, [tempFile(content)]);
      expect(report.inserted).toBe(new Set(all.slice(0, 4000).map((_, i) => idOfLine(i))).size);
      expect(report.skipped.map((s) => s.line)).toEqual(
        lines.flatMap((line, i) => (line.kind === 'garbage' ? [i + 1] : [])),
      );
    } finally {
      await database.close();
    }
  }, 60_000);
});
