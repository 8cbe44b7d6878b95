import { mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
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

/** A connection to `file` in WAL mode, and a transaction that writes about `pages` pages. */
function writer(file = path): { db: Database.Database; insert: (pages: number) => void } {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE IF NOT EXISTS blobs (data BLOB)');
  const insertOne = db.prepare('INSERT INTO blobs VALUES (randomblob(3500))');
  const insert = db.transaction((pages: number) => {
    for (let i = 0; i < pages; i++) insertOne.run();
  });
  return { db, insert: (pages) => insert.immediate(pages) };
}

const fileSize = (file: string): number => statSync(file, { throwIfNoEntry: false })?.size ?? 0;

async function eventually(check: () => boolean): Promise<void> {
  for (let waited = 0; !check(); waited += 20) {
    if (waited > 10_000) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('WalCheckpointer', () => {
  it('keeps the checkpoint out of the write’s commit and copies the log on a thread of its own', async () => {
    const { db, insert } = writer();
    const checkpointer = new WalCheckpointer(db);
    const before = fileSize(path);
    // Over SQLite's 1,000-page threshold: a commit that checkpointed would have grown the file already.
    await checkpointer.write(() => insert(1_200));
    expect(fileSize(path)).toBe(before);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    await checkpointer.close();
    expect(fileSize(path)).toBeGreaterThan(before + 1_200 * 3500);
    db.close();
  });

  it('past its limit, holds the next write until the log is copied, so that the write starts it over', async () => {
    const { db, insert } = writer();
    const checkpointer = new WalCheckpointer(db, 100);
    await checkpointer.write(() => insert(200));
    await eventually(() => checkpointer.logFrames >= 200);
    await checkpointer.write(() => insert(150)); // starts the log over: everything before was copied
    await checkpointer.write(() => insert(10));
    await checkpointer.close();
    // Had the last write not waited for the 150 frames to be copied, it would have added to them.
    expect(checkpointer.logFrames).toBeLessThan(100);
    db.close();
  });

  it('once its thread has failed, leaves the checkpoint in the write’s commit again', async () => {
    const real = join(dir, 'real.db');
    const link = join(dir, 'link.db');
    writer(real).db.close();
    symlinkSync(real, link);
    const { db, insert } = writer(link);
    const checkpointer = new WalCheckpointer(db);
    rmSync(link); // the worker opens the database by this name: it cannot
    await checkpointer.write(() => insert(10));
    await eventually(() => !checkpointer.usable);
    const before = fileSize(real);
    await checkpointer.write(() => insert(1_200));
    expect(fileSize(real)).toBeGreaterThan(before);
    await checkpointer.close();
    db.close();
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
