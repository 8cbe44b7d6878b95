import { hostname } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { isDeadLocalOwner, JobBusyError, Lease } from './lease.js';

describe('mail job leases', () => {
  let store: SqliteStore;
  beforeEach(() => {
    store = new SqliteStore(':memory:');
  });
  afterEach(() => store.close());

  it('lets one holder at a time send a job, and the next one after release', async () => {
    const first = await Lease.acquire(store, 'digest:daily:2026-11-26');
    await expect(Lease.acquire(store, 'digest:daily:2026-11-26')).rejects.toBeInstanceOf(JobBusyError);
    await Lease.acquire(store, 'digest:weekly:2026-W48');
    await first.release(true);
    expect((await store.getMailJob('digest:daily:2026-11-26'))?.finishedAt).not.toBeNull();
    await expect(Lease.acquire(store, 'digest:daily:2026-11-26')).resolves.toBeInstanceOf(Lease);
  });

  it('takes over at once from a dead process of this machine, and after expiry from anyone', async () => {
    const now = new Date();
    const dead = `${hostname()}:999999999:abcd`;
    expect(isDeadLocalOwner(dead)).toBe(true);
    await store.acquireMailJob('a', dead, 60_000, now);
    await expect(Lease.acquire(store, 'a')).resolves.toBeInstanceOf(Lease);

    const alive = `${hostname()}:${process.ppid}:abcd`;
    expect(isDeadLocalOwner(alive)).toBe(false);
    await store.acquireMailJob('b', alive, 60_000, now);
    await expect(Lease.acquire(store, 'b')).rejects.toThrow(/being sent by another process/);
    await store.acquireMailJob('c', 'other-host:1:abcd', 60_000, new Date(now.getTime() - 120_000));
    await expect(Lease.acquire(store, 'c')).resolves.toBeInstanceOf(Lease);
  });
});
