/**
 * Import benchmark: papers per second for `paperboy import` of the 74,728-paper arXiv listings file
 * (../shared/corpus/arxiv-listings-2025-2026.jsonl.gz) into a fresh SQLite database, then the same file
 * again (every paper already stored, so nothing changes).
 *
 *   npx tsx bench/import.ts
 *
 * Prints one JSON object. `seconds` is wall time; `cpuSeconds` (all threads of this process) and the
 * load average tell whether other work on the machine slowed the run down.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { importFiles } from '../src/ingest/import.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { Store } from '../src/store/store.js';
import { sharedPath } from '../test/support/shared.js';

export interface ImportBenchResult {
  papers: number;
  seconds: number;
  papersPerSecond: number;
  cpuSeconds: number;
  reimport: { seconds: number; papersPerSecond: number };
  loadAverage: number;
}

function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

const round = (value: number, digits = 2): number => Number(value.toFixed(digits));

/** Imports the listings file into `store` (expected empty), then again, timing both; works for either adapter. */
export async function timeImport(store: Store): Promise<Omit<ImportBenchResult, 'loadAverage'>> {
  const file = sharedPath('corpus/arxiv-listings-2025-2026.jsonl.gz');
  const cpuBefore = cpuSeconds();
  let started = performance.now();
  const first = await importFiles(store, [file]);
  const seconds = (performance.now() - started) / 1000;
  const cpu = cpuSeconds() - cpuBefore;
  if (first.skipped.length > 0 || first.failed.length > 0)
    throw new Error('the benchmark file did not import cleanly');
  started = performance.now();
  const again = await importFiles(store, [file]);
  const reimportSeconds = (performance.now() - started) / 1000;
  return {
    papers: await store.countPapers(),
    seconds: round(seconds),
    papersPerSecond: Math.round(first.inserted / seconds),
    cpuSeconds: round(cpu),
    reimport: {
      seconds: round(reimportSeconds),
      papersPerSecond: Math.round(again.unchanged / reimportSeconds),
    },
  };
}

export async function runImportBench(): Promise<ImportBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-bench-import-'));
  const store = new SqliteStore(join(dir, 'paperboy.db'));
  try {
    return { ...(await timeImport(store)), loadAverage: round(loadavg()[0] ?? 0) };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await runImportBench()));
}
