import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import { HarvestBusyError, HarvestError, runHarvest, type HarvestReport } from './harvest.js';

export interface HarvestScheduleDeps {
  store: Store;
  config: Pick<Config, 'arxiv'>;
  logger: Logger;
}

export interface HarvestSchedule {
  /** When the next run starts; null when the schedule is off. */
  nextRunAt(): Date | null;
  /** Runs a harvest now unless one is running (then resolves with null). */
  runNow(): Promise<HarvestReport | null>;
  /** Cancels the timer and stops a running harvest at its next wait or page (it resumes next time). */
  stop(): Promise<void>;
}

/** The next moment at `HH:MM` UTC strictly after `after`. */
export function nextDailyRun(after: Date, at: string): Date {
  const [hours, minutes] = at.split(':').map(Number);
  const next = new Date(after);
  next.setUTCHours(hours ?? 0, minutes ?? 0, 0, 0);
  if (next <= after) next.setUTCDate(next.getUTCDate() + 1);
  return next;
}

// setTimeout holds at most 2^31-1 ms (~24.8 days); a day fits, but clamp so a bad clock cannot overflow it.
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Harvests once a day at PAPERBOY_HARVEST_AT (UTC) inside `paperboy serve`, so one process keeps itself
 * current. Each run continues from the checkpoint like `paperboy harvest`; a failed run is logged and
 * recorded (see lastHarvestRuns), and the next day's run resumes it. Off when harvestAt is null. Every node
 * may run the schedule: the set's lease lets one harvest, and the others skip that day's run.
 */
export function startHarvestSchedule(
  deps: HarvestScheduleDeps,
  now: () => Date = () => new Date(),
): HarvestSchedule {
  const { store, logger } = deps;
  const { harvestAt, harvestSet, oaiUrl, requestDelayMs } = deps.config.arxiv;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<HarvestReport | null> | null = null;
  let next: Date | null = null;
  let stopped = false;
  const shutdown = new AbortController();

  const runNow = (): Promise<HarvestReport | null> => {
    if (running || stopped) return Promise.resolve(null);
    running = runHarvest(
      { store, logger, oaiUrl, http: { delayMs: requestDelayMs }, signal: shutdown.signal },
      { set: harvestSet },
    )
      .catch((err: unknown) => {
        // A run that stopped is already logged and recorded by the harvest; one that never started is not.
        if (err instanceof HarvestBusyError) {
          logger.info({ reason: err.message }, 'scheduled harvest left to the process running one');
        } else if (!(err instanceof HarvestError)) logger.error({ err }, 'scheduled harvest crashed');
        return null;
      })
      .finally(() => {
        running = null;
      });
    return running;
  };

  const schedule = (): void => {
    if (stopped || harvestAt === null) return;
    next = nextDailyRun(now(), harvestAt);
    timer = setTimeout(
      () => {
        void runNow().then(schedule);
      },
      Math.min(Math.max(next.getTime() - now().getTime(), 0), MAX_TIMER_MS),
    );
    // The web server keeps the process alive; a pending harvest alone should not.
    timer.unref();
    logger.info({ nextRunAt: next.toISOString(), set: harvestSet ?? '(all)' }, 'daily harvest scheduled');
  };

  schedule();
  return {
    nextRunAt: () => (stopped ? null : next),
    runNow,
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      shutdown.abort();
      next = null;
      await running;
    },
  };
}
