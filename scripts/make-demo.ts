/**
 * Cuts the demo corpus shipped in data/demo/ from the shared data beside the repository (../shared),
 * as described in data/demo/README.md. Deterministic: the same input gives byte-identical output.
 *
 *   npx tsx scripts/make-demo.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readLines } from '../src/ingest/read-lines.js';

const SHARED = resolve(import.meta.dirname, '../../shared');
const DEMO = resolve(import.meta.dirname, '../data/demo');
const DAILY_PAPERS = resolve(SHARED, 'corpus/hf-daily-papers-2024-2026.jsonl.gz');
// The most recent days of the daily-papers archive: a season of real days with upvotes, ~1.6 MB.
const DAYS = 90;

function archiveDate(line: string): string {
  return (JSON.parse(line) as { _archive_date: string })._archive_date;
}

async function main(): Promise<void> {
  // Two passes over the archive rather than holding it: the first finds its last day.
  let last = '';
  for await (const line of readLines(DAILY_PAPERS)) {
    if (line.trim() !== '' && archiveDate(line) > last) last = archiveDate(line);
  }
  const first = new Date(Date.parse(`${last}T00:00:00Z`) - (DAYS - 1) * 86_400_000)
    .toISOString()
    .slice(0, 10);
  const kept: string[] = [];
  for await (const line of readLines(DAILY_PAPERS)) {
    // Lines are copied byte for byte, so the demo holds exactly what the archive holds.
    if (line.trim() !== '' && archiveDate(line) >= first) kept.push(line);
  }
  const output = resolve(DEMO, 'hf-daily-papers-recent.jsonl.gz');
  writeFileSync(output, gzipSync(kept.join('\n') + '\n', { level: 9 }));
  // Read and written rather than copied, so the copy is not read-only like the shared original.
  writeFileSync(resolve(DEMO, 'seed-listing.txt'), readFileSync(resolve(SHARED, 'corpus/seed-listing.txt')));
  console.log(`${output}: ${kept.length} entries from ${first} to ${last}; seed-listing.txt copied`);
}

await main();
