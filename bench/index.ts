/**
 * `npm run bench`: the walking skeleton's figures on the 74,728-paper arXiv listings file, as one JSON object:
 * import rate (papers/s) and search latency (p50/p99 over the fixed query mix of bench/search.ts).
 * Targets: import ≥ 10,000 papers/s; search p99 ≤ 50 ms (ordinary queries), ≤ 300 ms (pasted abstracts).
 */
import { cpus } from 'node:os';
import { runImportBench } from './import.js';
import { runSearchBench } from './search.js';

const importResult = await runImportBench();
const searchResult = await runSearchBench();
console.log(
  JSON.stringify(
    {
      machine: { cores: cpus().length, node: process.version },
      date: new Date().toISOString(),
      import: importResult,
      search: searchResult,
    },
    null,
    2,
  ),
);
