/**
 * The mail jobs inside `paperboy serve`: the confirmation outbox always, and — when PAPERBOY_DIGEST_AT is set
 * (off by default) — each due digest once a day from that UTC time on. An issue whose run left messages
 * deferred is run again on later ticks until everything went out; a finished issue is not run again.
 * Several processes on one database may all run the schedule: the lease per issue lets one send it, and when
 * that one dies mid-run, another carries on once the lease is free (see ops/lease.ts).
 */
import type { AppDeps } from '../app.js';
import { JobBusyError } from '../ops/lease.js';
import { isDue, issueFor } from './calendar.js';
import { sendDigest } from './digest.js';
import { outboxFor } from './outbox.js';
import { DIGEST_KINDS } from './topics.js';
import { createMailTransport } from './transport.js';

export interface DigestSchedule {
  stop(): Promise<void>;
}

/** Whether `now` is at or after the HH:MM (UTC) of its day. */
export function pastTimeOfDay(now: Date, at: string): boolean {
  const [hours = 0, minutes = 0] = at.split(':').map(Number);
  return now.getUTCHours() * 60 + now.getUTCMinutes() >= hours * 60 + minutes;
}

export function startDigestSchedule(
  deps: AppDeps,
  options: { tickMs?: number; now?: () => Date } = {},
): DigestSchedule {
  const outbox = outboxFor(deps);
  outbox.kick();
  const at = deps.config.mail.digestAt;
  if (!at) {
    deps.logger.info('digest schedule off (set PAPERBOY_DIGEST_AT=HH:MM to send digests from serve)');
    return { stop: () => outbox.close() };
  }
  const now = options.now ?? (() => new Date());
  const abort = new AbortController();
  const transport = createMailTransport(deps.config.mail);
  const ctx = { ...deps, transport, now };
  let running: Promise<void> | null = null;

  async function tick(): Promise<void> {
    const today = now();
    if (!at || !pastTimeOfDay(today, at)) return;
    for (const kind of DIGEST_KINDS) {
      if (abort.signal.aborted || !isDue(kind, today)) continue;
      const job = await deps.store.getJobLease(`digest:${issueFor(kind, today)}`);
      if (job?.finishedAt) continue;
      try {
        await sendDigest(ctx, { kind, date: today, delivery: { signal: abort.signal } });
      } catch (err) {
        if (err instanceof JobBusyError) {
          deps.logger.debug({ kind, reason: err.message }, 'scheduled digest left to the process sending it');
          continue;
        }
        deps.logger.error({ err, kind }, 'scheduled digest failed');
      }
    }
  }

  const timer = setInterval(() => {
    running ??= tick().finally(() => (running = null));
  }, options.tickMs ?? deps.config.mail.digestTickMs);
  timer.unref();
  deps.logger.info(
    { at },
    'digest schedule on (UTC): daily on weekdays, weekly once a week, alerts every day',
  );
  return {
    async stop() {
      clearInterval(timer);
      abort.abort();
      await running;
      transport.close();
      await outbox.close();
    },
  };
}
