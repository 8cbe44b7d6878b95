import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testPaper } from '../../../test/support/temp-app.js';
import { SqliteStore } from './sqlite-store.js';
import { WalCheckpointer } from './wal-checkpointer.js';

let dir: string;
let path: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'paperboy-checkpoint-'));
  path = join(dir, 'paperboy.db');
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A connection that never checkpoints by itself, as a bulk upsert's is. */
function writer(): { db: Database.Database; write: (pages: number) => void } {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('wal_autocheckpoint = 0');
  db.exec('CREATE TABLE blobs (data BLOB)');
  const insert = db.prepare('INSERT INTO blobs VALUES (randomblob(3500))');
  const write = db.transaction((pages: number) => {
    for (let i = 0; i < pages; i++) insert.run();
  });
  return { db, write: (pages) => write.immediate(pages) };
}

const fileSize = (file: string): number => statSync(file, { throwIfNoEntry: false })?.size ?? 0;

async function eventually(check: () => boolean): Promise<void> {
  for (let waited = 0; !check(); waited += 20) {
    if (waited > 10_000) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('WalCheckpointer', () => {
  it('copies what was committed into the database file, on a thread of its own', async () => {
    const { db, write } = writer();
    write(500);
    const before = fileSize(path);
    const checkpointer = new WalCheckpointer(path);
    checkpointer.request();
    await checkpointer.close();
    expect(fileSize(path)).toBeGreaterThan(before + 500 * 3500);
    db.close();
  });

  it('past its limit, holds the next write until the log is copied, so that the write starts it over', async () => {
    const { db, write } = writer();
    const checkpointer = new WalCheckpointer(path, 100);
    write(200);
    checkpointer.request();
    await eventually(() => checkpointer.logFrames >= 200);
    write(150); // starts the log over: everything before was copied
    checkpointer.request();
    await checkpointer.beforeWrite();
    write(10);
    checkpointer.request();
    await checkpointer.close();
    // Had the write not waited for the 150 frames to be copied, it would have added to them.
    expect(checkpointer.logFrames).toBeLessThan(100);
    db.close();
  });
});

describe('WalCheckpointer that cannot work', () => {
  it('says so, so that the writer checkpoints for itself again', async () => {
    const checkpointer = new WalCheckpointer(join(dir, 'missing', 'paperboy.db'));
    expect(checkpointer.usable).toBe(true);
    checkpointer.request();
    await eventually(() => !checkpointer.usable);
    await checkpointer.close();
  });
});

describe('SqliteStore: checkpoints of bulk upserts', () => {
  it('leaves them to the checkpointer, then checkpoints in its own commits again', async () => {
    const store = new SqliteStore(path);
    try {
      const papers = Array.from({ length: 600 }, (_, i) =>
        testPaper(`pb-${(0x1000 + i).toString(16)}`, `Study ${i}`, '2025-01-02', {
          abstract: `Words ${i} `.repeat(800),
        }),
      );
      const before = fileSize(path);
      await store.upsertPapers(papers);
      // Over SQLite's 1,000-page threshold: a commit that checkpointed would have grown the file already.
      expect(fileSize(`${path}-wal`)).toBeGreaterThan(1000 * 4096);
      expect(fileSize(path)).toBe(before);
      await eventually(() => fileSize(path) > before + 600 * 8000);
      expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    } finally {
      await store.close();
    }
  });
});
