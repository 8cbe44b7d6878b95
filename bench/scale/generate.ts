/**
 * A scale corpus: N papers (1,000,000 by default) in the arXiv listing JSON Lines format, made from the real
 * listing in ../shared (74,728 papers) with a fixed seed, so every run makes the same file.
 *
 * Each paper takes its parts from different real papers: a title spliced from two real titles, an abstract of
 * real sentences (as many as a real abstract has), authors drawn from all real author names (so prolific
 * names stay prolific), the category list and comment of a real paper. Word frequencies therefore follow the
 * real corpus. Ids are new-style arXiv ids, about 12,000 a month from January 2020, each listed on a day of
 * its month. One thing is not realistic: the vocabulary is the real corpus's, so it does not grow with N as a
 * real million papers' would (rare words have longer posting lists than they would).
 *
 *   npx tsx bench/scale/generate.ts [--papers 1000000] [--out DIR]
 *
 * Writes DIR/papers-N.jsonl.gz (DIR defaults to $TMPDIR/paperboy-scale) unless it exists already.
 */
import { createWriteStream, existsSync, mkdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createGzip } from 'node:zlib';
import { arxivListingLines } from '../../test/support/hostile.js';
import { seeded } from '../../test/support/random.js';

export const DEFAULT_SCALE_DIR = join(tmpdir(), 'paperboy-scale');
export const SEED = 1_000_003;

interface ListingRecord {
  id: string;
  pdf?: string;
  abs?: string;
  authors: string[];
  title: string;
  categories: string[];
  comment: string | null;
  summary: string;
  _listing_date: string;
}

interface Pools {
  records: ListingRecord[];
  titleWords: string[][];
  sentences: string[];
  /** Sentences per real abstract, one entry per paper: sampling it gives the real distribution. */
  sentenceCounts: number[];
  authors: string[];
}

const SENTENCE_END = /(?<=[.!?])\s+(?=[A-Z(])/;

function pools(): Pools {
  const records = arxivListingLines().map((line) => JSON.parse(line) as ListingRecord);
  const sentences: string[] = [];
  const sentenceCounts: number[] = [];
  for (const record of records) {
    const parts = record.summary
      .replace(/\s*\n\s*/g, ' ')
      .trim()
      .split(SENTENCE_END)
      .filter((s) => s.length > 0);
    sentenceCounts.push(Math.max(1, parts.length));
    for (const part of parts) sentences.push(part);
  }
  return {
    records,
    titleWords: records.map((r) => r.title.replace(/\s+/g, ' ').trim().split(' ')),
    sentences,
    sentenceCounts,
    authors: records.flatMap((r) => r.authors),
  };
}

/** The month (`YYMM`) and number of paper `index`, about 12,000 a month from 2001 (January 2020). */
function arxivId(index: number, papers: number): { id: string; day: string } {
  const months = 84;
  const perMonth = Math.ceil(papers / months);
  const month = Math.floor(index / perMonth);
  const number = (index % perMonth) + 1;
  const year = 2020 + Math.floor(month / 12);
  const monthOfYear = (month % 12) + 1;
  const yymm = `${String(year % 100).padStart(2, '0')}${String(monthOfYear).padStart(2, '0')}`;
  // Listing days spread over the month in order of number, as announcements are.
  const day = 1 + Math.min(27, Math.floor(((number - 1) / perMonth) * 28));
  return {
    id: `${yymm}.${String(number).padStart(5, '0')}`,
    day: `${year}-${String(monthOfYear).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
  };
}

export function scaleCorpusPath(papers: number, dir = DEFAULT_SCALE_DIR): string {
  return join(dir, `papers-${papers}.jsonl.gz`);
}

/** Writes the corpus (unless the file exists) and returns its path. */
export async function generateScaleCorpus(papers: number, dir = DEFAULT_SCALE_DIR): Promise<string> {
  const file = scaleCorpusPath(papers, dir);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const random = seeded(SEED);
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)] as T;
  const source = pools();
  const draft = `${file}.${process.pid}.part`;
  const gzip = createGzip({ level: 3 });
  const output = gzip.pipe(createWriteStream(draft));
  let buffer = '';
  for (let i = 0; i < papers; i++) {
    const { id, day } = arxivId(i, papers);
    const first = pick(source.titleWords);
    const second = pick(source.titleWords);
    const cut = Math.max(1, Math.floor(first.length / 2));
    const title = [...first.slice(0, cut), ...second.slice(Math.floor(second.length / 2))].join(' ');
    const sentences = Array.from({ length: pick(source.sentenceCounts) }, () => pick(source.sentences));
    const authorCount = pick(source.records).authors.length || 1;
    const shape = pick(source.records);
    const record: ListingRecord = {
      id,
      pdf: `https://arxiv.org/pdf/${id}`,
      abs: `https://arxiv.org/abs/${id}`,
      authors: Array.from({ length: authorCount }, () => pick(source.authors)),
      title,
      categories: shape.categories,
      comment: pick(source.records).comment,
      summary: sentences.join(' '),
      _listing_date: day,
    };
    buffer += JSON.stringify(record) + '\n';
    if (buffer.length > 1 << 20) {
      if (!gzip.write(buffer)) await once(gzip, 'drain');
      buffer = '';
    }
  }
  gzip.end(buffer);
  await once(output, 'finish');
  renameSync(draft, file);
  return file;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      papers: { type: 'string', default: '1000000' },
      out: { type: 'string', default: DEFAULT_SCALE_DIR },
    },
  });
  const started = performance.now();
  const file = await generateScaleCorpus(Number(values.papers), values.out);
  console.log(
    JSON.stringify({
      benchmark: 'generate',
      file,
      seconds: Math.round((performance.now() - started) / 100) / 10,
    }),
  );
}
