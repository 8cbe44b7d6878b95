import { describe, expect, it } from 'vitest';
import { progressLine, reportLines } from './import.js';

describe('progressLine', () => {
  it('shows records, rate, share done and time left', () => {
    expect(progressLine({ records: 25_000, bytesRead: 11_000_000, totalBytes: 44_000_000 }, 2.5)).toBe(
      'import: 25,000 records · 10,000/s · 25% · ETA 0:08',
    );
  });

  it('leaves out the share and ETA before any byte is counted', () => {
    expect(progressLine({ records: 0, bytesRead: 0, totalBytes: 0 }, 0)).toBe('import: 0 records · 0/s');
  });
});

describe('reportLines', () => {
  it('summarises and lists unreadable files, then skipped records as FILE:LINE: message', () => {
    expect(
      reportLines({
        inserted: 3,
        updated: 1,
        unchanged: 2,
        skipped: [{ file: 'a.jsonl', line: 7, message: 'no title' }],
        failed: [{ file: 'b.gz', message: 'the gzip file is truncated' }],
      }),
    ).toEqual({
      summary: 'imported 3, updated 1, unchanged 2, skipped 1, unreadable files 1',
      problems: ['b.gz: the gzip file is truncated', 'a.jsonl:7: no title'],
    });
  });
});
