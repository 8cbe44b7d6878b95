/**
 * A lease on a named mail job (one digest issue, the confirmation outbox), so that two processes — the
 * schedule inside `serve` and a `paperboy digest send` run by hand, or two nodes — never send the same queue
 * at once. A holder renews it while it works; one that dies stops renewing and the lease expires. A holder on
 * this machine whose process is gone is taken over at once, so a run restarted after a crash need not wait.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Store } from '../store/store.js';

export class JobBusyError extends Error {}

const LEASE_MS = 60_000;

/** `host:pid:nonce`, so a holder can be recognised as a process of this machine. */
export function ownerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/** True when `owner` names a process of this machine that no longer runs. */
export function isDeadLocalOwner(owner: string): boolean {
  const [host, pidText] = owner.split(':');
  const pid = Number(pidText);
  if (host !== hostname() || !Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export class Lease {
  private renewedAt: number;

  private constructor(
    private readonly store: Store,
    readonly name: string,
    readonly owner: string,
    private readonly now: () => Date,
  ) {
    this.renewedAt = now().getTime();
  }

  /** Takes the lease or throws JobBusyError naming its live holder. */
  static async acquire(store: Store, name: string, now: () => Date = () => new Date()): Promise<Lease> {
    const owner = ownerId();
    let job = await store.acquireMailJob(name, owner, LEASE_MS, now());
    if (job.owner !== owner && job.owner && isDeadLocalOwner(job.owner)) {
      job = await store.acquireMailJob(name, owner, LEASE_MS, now(), job.owner);
    }
    if (job.owner !== owner) {
      throw new JobBusyError(
        `${name} is being sent by another process (${job.owner}); its lease runs until ${job.leaseExpiresAt?.toISOString()}`,
      );
    }
    return new Lease(store, name, owner, now);
  }

  /** Extends the lease when a third of it has passed; throws if another process took it meanwhile. */
  async renew(): Promise<void> {
    const at = this.now();
    if (at.getTime() - this.renewedAt < LEASE_MS / 3) return;
    const job = await this.store.acquireMailJob(this.name, this.owner, LEASE_MS, at);
    if (job.owner !== this.owner) throw new JobBusyError(`lost the lease on ${this.name} to ${job.owner}`);
    this.renewedAt = at.getTime();
  }

  async release(finished: boolean): Promise<void> {
    await this.store.releaseMailJob(this.name, this.owner, finished, this.now());
  }
}

/** Waits `ms`, keeping the lease alive, and returns early when `signal` aborts. */
export async function pause(ms: number, lease: Lease, signal?: AbortSignal): Promise<void> {
  const until = Date.now() + ms;
  while (!signal?.aborted) {
    const left = until - Date.now();
    if (left <= 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, Math.min(left, 5_000));
      function done(): void {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    });
    await lease.renew();
  }
}
