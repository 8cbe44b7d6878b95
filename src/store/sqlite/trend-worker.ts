import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { FtsStats } from './fts-stats.js';
import { countTrend, type TrendWorkerReply, type TrendWorkerRequest } from './trend-counts.js';

// See TrendWorker: counts topic trends beside the server, over a read-only connection.
if (parentPort) {
  const port = parentPort;
  const db = new Database(workerData as string, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  // Frequencies are looked up one word at a time here: the server's own statistics count every term.
  const stats = new FtsStats(db);
  port.on('message', (request: TrendWorkerRequest) => {
    let reply: TrendWorkerReply;
    try {
      reply = { id: request.id, trend: db.transaction(() => countTrend(db, stats.refresh(), request))() };
    } catch (err) {
      reply = { id: request.id, error: err instanceof Error ? err.message : String(err) };
    }
    port.postMessage(reply);
  });
}
