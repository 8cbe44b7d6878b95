/**
 * A lease on a named job that must run in one process at a time however many run the schedule: a digest
 * issue, the confirmation outbox, the harvest of a set. Two processes — the schedule inside `serve` and the
 * same job run by hand, or two nodes on one database — never work on it at once. A holder renews the lease
 * while it works; one that dies stops renewing and the lease expires, so another process finishes the job.
 * A holder on this machine whose process is gone is taken over at once, so a run restarted after a crash
 * need not wait.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Store } from '../store/store.js';

/** The job's lease is held by another process: `holder`, until `until`. */
export class JobBusyError extends Error {
  constructor(
    message: string,
    readonly holder: string | null,
    readonly until: Date | null,
  ) {
    super(message);
  }
}

/** Who holds a named job and until when, as the store keeps it. */
export interface JobLease {
  name: string;
  owner: string | null;
  leaseExpiresAt: Date | null;
  /** When a holder last released it saying the job's work is done; null while it is not. */
  finishedAt: string | null;
}

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
    let job = await store.acquireJobLease(name, owner, LEASE_MS, now());
    if (job.owner !== owner && job.owner && isDeadLocalOwner(job.owner)) {
      job = await store.acquireJobLease(name, owner, LEASE_MS, now(), job.owner);
    }
    if (job.owner !== owner) {
      throw new JobBusyError(
        `${name} is held by another process (${job.owner}); its lease runs until ${job.leaseExpiresAt?.toISOString()}`,
        job.owner,
        job.leaseExpiresAt,
      );
    }
    return new Lease(store, name, owner, now);
  }

  /** Extends the lease when a third of it has passed; throws if another process took it meanwhile. */
  async renew(): Promise<void> {
    const at = this.now();
    if (at.getTime() - this.renewedAt < LEASE_MS / 3) return;
    const job = await this.store.acquireJobLease(this.name, this.owner, LEASE_MS, at);
    if (job.owner !== this.owner) {
      throw new JobBusyError(`lost the lease on ${this.name} to ${job.owner}`, job.owner, job.leaseExpiresAt);
    }
    this.renewedAt = at.getTime();
  }

  /**
   * Renews the lease in the background, for work that cannot stop to renew it (a harvest waiting on arXiv);
   * `onLost` hears why renewing failed, after which it stops. The returned function stops renewing and
   * waits for a renewal in flight, so that none lands after the release and takes the lease again.
   */
  keepAlive(onLost: (err: unknown) => void): () => Promise<void> {
    let renewing = Promise.resolve();
    const timer = setInterval(() => {
      renewing = this.renew().catch((err: unknown) => {
        clearInterval(timer);
        onLost(err);
      });
    }, LEASE_MS / 3);
    timer.unref();
    return async () => {
      clearInterval(timer);
      await renewing;
    };
  }

  async release(finished: boolean): Promise<void> {
    await this.store.releaseJobLease(this.name, this.owner, finished, this.now());
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
