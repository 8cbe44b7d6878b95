import { fileURLToPath } from 'node:url';
import type { Logger } from '../log.js';
import { JobBusyError, Lease } from '../ops/lease.js';
import type { Store } from '../store/store.js';
import { importFiles } from './import.js';

/**
 * data/demo/ at the repository root. Resolved from this module, not the working directory: the
 * sources (src/ingest/) and the compiled code (dist/ingest/) sit at the same depth.
 */
export const DEMO_DIR = fileURLToPath(new URL('../../data/demo/', import.meta.url));

export const DEMO_FILES = ['seed-listing.txt', 'hf-daily-papers-recent.jsonl.gz'].map(
  (name) => DEMO_DIR + name,
);

// The seed listing's date line says only "Mar 12". Its one paper also on Hugging Face (DepthMaster,
// arXiv 2501.02576) reached the daily feed on 2025-01-07, so the listing is from 2025-03-12 at the
// earliest; pinned so the demo shows the same days whenever it is loaded.
const SEED_LISTING_YEAR = 2025;

/**
 * Imports the demo corpus (data/demo/README.md) into a store that has no papers yet. Nodes starting together
 * on one empty database load it once: the first takes the job's lease, the others start without it.
 */
export async function loadDemoIfEmpty(store: Store, logger: Logger): Promise<void> {
  if ((await store.countPapers()) > 0) return;
  let lease: Lease;
  try {
    lease = await Lease.acquire(store, 'demo');
  } catch (err) {
    if (!(err instanceof JobBusyError)) throw err;
    logger.info({ holder: err.holder }, 'another process is loading the demo corpus');
    return;
  }
  try {
    // Loaded by a process that held the lease a moment ago.
    if ((await store.countPapers()) > 0) return;
    const started = performance.now();
    const report = await importFiles(store, DEMO_FILES, { listingYear: SEED_LISTING_YEAR });
    const seconds = Number(((performance.now() - started) / 1000).toFixed(2));
    logger.info({ papers: report.inserted, seconds }, 'loaded the demo corpus into the empty database');
    if (report.skipped.length > 0 || report.failed.length > 0) {
      logger.warn(
        { skipped: report.skipped, failed: report.failed },
        'parts of the demo corpus could not be read',
      );
    }
  } finally {
    await lease.release(true);
  }
}
