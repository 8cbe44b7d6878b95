import { hostname } from 'node:os';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { isDeadLocalOwner, JobBusyError, Lease } from './lease.js';

describe('job leases', () => {
  let store: SqliteStore;
  beforeEach(() => {
    store = new SqliteStore(':memory:');
  });
  afterEach(() => store.close());

  it('lets one holder at a time run a job, and the next one after release', async () => {
    const first = await Lease.acquire(store, 'digest:daily:2026-11-26');
    await expect(Lease.acquire(store, 'digest:daily:2026-11-26')).rejects.toBeInstanceOf(JobBusyError);
    await Lease.acquire(store, 'harvest:cs');
    await first.release(true);
    expect((await store.getJobLease('digest:daily:2026-11-26'))?.finishedAt).not.toBeNull();
    await expect(Lease.acquire(store, 'digest:daily:2026-11-26')).resolves.toBeInstanceOf(Lease);
  });

  it('takes over at once from a dead process of this machine, and after expiry from anyone', async () => {
    const now = new Date();
    const dead = `${hostname()}:999999999:abcd`;
    expect(isDeadLocalOwner(dead)).toBe(true);
    await store.acquireJobLease('a', dead, 60_000, now);
    await expect(Lease.acquire(store, 'a')).resolves.toBeInstanceOf(Lease);

    const alive = `${hostname()}:${process.ppid}:abcd`;
    expect(isDeadLocalOwner(alive)).toBe(false);
    await store.acquireJobLease('b', alive, 60_000, now);
    await expect(Lease.acquire(store, 'b')).rejects.toThrow(/^b is held by another process/);
    await store.acquireJobLease('c', 'other-host:1:abcd', 60_000, new Date(now.getTime() - 120_000));
    await expect(Lease.acquire(store, 'c')).resolves.toBeInstanceOf(Lease);
  });

  it('keeps a lease alive in the background, and reports losing it', async () => {
    let clock = new Date('2026-11-26T10:00:00Z');
    const lease = await Lease.acquire(store, 'harvest:cs', () => clock);
    vi.useFakeTimers();
    try {
      const lost: unknown[] = [];
      const stop = lease.keepAlive((err) => lost.push(err));
      // 50 s on: without renewals the lease would run out 10 s later; with them it runs a minute from now.
      clock = new Date(clock.getTime() + 50_000);
      await vi.advanceTimersByTimeAsync(50_000);
      expect((await store.getJobLease('harvest:cs'))?.leaseExpiresAt).toEqual(
        new Date(clock.getTime() + 60_000),
      );
      // Another process takes it (as after a stall longer than the lease); the next renewal notices.
      await store.acquireJobLease(
        'harvest:cs',
        'other-host:1:abcd',
        60_000,
        new Date(clock.getTime() + 61_000),
      );
      clock = new Date(clock.getTime() + 20_000);
      await vi.advanceTimersByTimeAsync(20_000);
      expect(lost).toHaveLength(1);
      expect(lost[0]).toBeInstanceOf(JobBusyError);
      await stop();
      await lease.release(false);
      expect((await store.getJobLease('harvest:cs'))?.owner).toBe('other-host:1:abcd');
    } finally {
      vi.useRealTimers();
    }
  });
});
