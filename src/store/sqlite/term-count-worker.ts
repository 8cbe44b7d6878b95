import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

/** Every term of the index with its document count, as counted at one index generation. */
export interface TermCountsMessage {
  /** The index's averages record when counted (see FtsStats.refresh): tells which generation this is. */
  averages: Uint8Array;
  /** The terms, joined by newlines (no token holds one): one string crosses threads far faster than many. */
  terms: string;
  counts: Uint32Array;
}

/**
 * Counts every term's papers over a connection of its own, in one read transaction so that the counts and
 * the generation agree. At a million papers this walks the whole index (seconds), which is why it runs in
 * a worker thread beside the server rather than in it.
 */
function countTerms(path: string): TermCountsMessage {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    db.exec(`CREATE VIRTUAL TABLE temp.papers_fts_terms USING fts5vocab (main, 'papers_fts', 'row')`);
    return db.transaction(() => {
      const averages =
        (db.prepare('SELECT block FROM papers_fts_data WHERE id = 1').pluck().get() as Buffer | undefined) ??
        Buffer.alloc(0);
      const terms: string[] = [];
      const counts: number[] = [];
      for (const row of db.prepare('SELECT term, doc FROM temp.papers_fts_terms').raw().iterate()) {
        const [term, doc] = row as [string, number];
        terms.push(term);
        counts.push(doc);
      }
      return {
        averages: new Uint8Array(averages),
        terms: terms.join('\n'),
        counts: Uint32Array.from(counts),
      };
    })();
  } finally {
    db.close();
  }
}

if (parentPort) parentPort.postMessage(countTerms(workerData as string));
