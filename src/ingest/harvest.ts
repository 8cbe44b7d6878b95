import type { Logger } from '../log.js';
import type { PaperInput } from '../model/paper.js';
import { JobBusyError, Lease } from '../ops/lease.js';
import type { Store } from '../store/store.js';
import { ArxivUnavailableError, politeGet, type PoliteHttpOptions } from './arxiv-http.js';
import {
  ARXIV_METADATA_PREFIX,
  ArxivRecordError,
  arxivIdFromOaiIdentifier,
  arxivRecordToPaper,
} from './arxiv-oai.js';
import { MalformedXmlError } from './arxiv-xml.js';
import {
  emptyCounts,
  type HarvestCheckpoint,
  type HarvestCounts,
  type PaperRevision,
} from './harvest-state.js';
import {
  OaiPmhError,
  listRecordsUrl,
  parseOaiResponse,
  type OaiRecord,
  type OaiResponse,
} from './oai-pmh.js';

/** How far back the very first incremental run of a set reaches, when no --from is given. */
export const FIRST_RUN_DAYS = 7;

export interface HarvestRequest {
  /** OAI-PMH set (`cs`, `physics:hep-th`); null or '' harvests the whole repository. */
  set?: string | null;
  /** YYYY-MM-DD, inclusive. Without from/until: continue from the checkpoint (or resume a stopped run). */
  from?: string | null;
  until?: string | null;
}

export interface HarvestProgress extends HarvestCounts {
  /** Since the run started. */
  elapsedMs: number;
  /** The repository's count of records in the whole list, when it says. */
  completeListSize: number | null;
}

export interface HarvestDeps {
  store: Store;
  logger: Logger;
  /** OAI-PMH endpoint (ARXIV_OAI_URL). */
  oaiUrl: string;
  http: PoliteHttpOptions;
  onProgress?: (progress: HarvestProgress) => void;
  /** Stops the run at the next page boundary or wait (shutdown); the checkpoint lets the next run resume. */
  signal?: AbortSignal;
  /** Today, for the window of a first run; a parameter so tests can fix it. */
  now?: () => Date;
}

export interface HarvestReport extends HarvestCounts {
  runId: number;
  set: string;
  from: string | null;
  until: string | null;
  resumed: boolean;
}

/** A harvest that stopped. Everything committed before it stays; the next run resumes from there. */
export class HarvestError extends Error {
  constructor(
    message: string,
    /** What the run did before it stopped; null when it never started. */
    readonly report: HarvestReport | null,
  ) {
    super(message);
    this.name = 'HarvestError';
  }
}

/** Another process (this node or another) is harvesting the same set; this run did not start. */
export class HarvestBusyError extends HarvestError {
  constructor(message: string) {
    super(message, null);
    this.name = 'HarvestBusyError';
  }
}

/** The lease that lets one process at a time harvest a set (see ops/lease.ts). */
export function harvestJobName(set: string): string {
  return `harvest:${set || '(all)'}`;
}

/** Takes the set's lease, or throws HarvestBusyError naming the holder. */
async function acquireHarvestLease(store: Store, set: string): Promise<Lease> {
  try {
    return await Lease.acquire(store, harvestJobName(set));
  } catch (err) {
    if (!(err instanceof JobBusyError)) throw err;
    throw new HarvestBusyError(
      `another harvest of ${set ? `set ${set}` : 'all sets'} is running (process ${err.holder}, ` +
        `lease until ${err.until?.toISOString()}); wait for it to finish`,
    );
  }
}

interface Plan {
  set: string;
  from: string | null;
  until: string | null;
  /** Resume a stopped run of the same window. */
  token: string | null;
  pagesBefore: number;
}

function daysBefore(date: Date, days: number): string {
  return new Date(date.getTime() - days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Decides where a run starts. A stopped run of the same window is resumed from its token. Otherwise an
 * explicit window is harvested as asked; without one, the run continues from the day of the newest
 * datestamp committed so far (that day again: `from` is inclusive and arXiv may add to it later).
 */
export function planHarvest(
  request: HarvestRequest,
  checkpoint: HarvestCheckpoint | null,
  today: Date,
): Plan {
  const set = request.set ?? '';
  const explicit = Boolean(request.from || request.until);
  const pending = checkpoint?.pending ?? null;
  if (
    pending &&
    (!explicit || (pending.from === (request.from ?? null) && pending.until === (request.until ?? null)))
  ) {
    return {
      set,
      from: pending.from,
      until: pending.until,
      token: pending.resumptionToken,
      pagesBefore: pending.pages,
    };
  }
  if (explicit)
    return { set, from: request.from ?? null, until: request.until ?? null, token: null, pagesBefore: 0 };
  const from = checkpoint?.lastDatestamp?.slice(0, 10) ?? daysBefore(today, FIRST_RUN_DAYS);
  return { set, from, until: null, token: null, pagesBefore: 0 };
}

function later(a: string | null, b: string): string {
  return a === null || b > a ? b : a;
}

/**
 * The arXiv format has no version numbers (see arxivRecordToPaper). A record revised after the stored
 * paper's last update describes a newer version than the stored one; anything else may only fill gaps.
 * A paper already on the feed keeps its feed day.
 */
export function reconcile(paper: PaperInput, stored: PaperRevision | undefined): PaperInput {
  if (!stored) return paper;
  const storedDay = stored.updatedAt?.slice(0, 10) ?? null;
  const incomingDay = paper.updatedAt?.slice(0, 10) ?? null;
  const storedVersion = stored.version ?? 1;
  const newer = storedDay !== null && incomingDay !== null && incomingDay > storedDay;
  const version = newer ? Math.max(paper.version ?? 1, storedVersion + 1) : paper.version;
  return { ...paper, version, feedDate: stored.feedDate };
}

interface PageOutcome {
  papers: PaperInput[];
  deletedIds: string[];
  skipped: number;
  newestDatestamp: string | null;
}

function readRecords(records: OaiRecord[], logger: Logger): PageOutcome {
  const outcome: PageOutcome = { papers: [], deletedIds: [], skipped: 0, newestDatestamp: null };
  for (const record of records) {
    const { identifier, datestamp, deleted } = record.header;
    if (datestamp !== '') outcome.newestDatestamp = later(outcome.newestDatestamp, datestamp);
    if (deleted) {
      const id = arxivIdFromOaiIdentifier(identifier);
      if (id) outcome.deletedIds.push(id);
      else {
        outcome.skipped++;
        logger.warn({ identifier }, 'deleted record without an arXiv identifier; nothing to delete');
      }
      continue;
    }
    try {
      outcome.papers.push(arxivRecordToPaper(record).paper);
    } catch (err) {
      if (!(err instanceof ArxivRecordError)) throw err;
      outcome.skipped++;
      logger.warn({ identifier, reason: err.message }, 'skipped a record');
    }
  }
  return outcome;
}

async function fetchPage(deps: HarvestDeps, url: string): Promise<OaiResponse> {
  const reply = await politeGet(url, { ...deps.http, logger: deps.logger, signal: deps.signal });
  try {
    return parseOaiResponse(reply.body);
  } catch (err) {
    // Some repositories send protocol errors with a 4xx status; those parse. Anything else is the HTTP error.
    if (err instanceof MalformedXmlError && reply.status !== 200) {
      throw new MalformedXmlError(`the repository answered HTTP ${reply.status}: ${err.message}`);
    }
    throw err;
  }
}

/**
 * Harvests arXiv's OAI-PMH ListRecords (metadataPrefix=arXiv) following resumption tokens to the end.
 * Each page is committed on its own: papers upserted (new ones inserted, newer versions merged), deleted
 * records' papers removed — arXiv marks a record deleted only when the paper is gone, so it leaves the
 * feed and search — and then the checkpoint saved, so a run killed at any point resumes after the last
 * committed page and a page seen twice changes nothing.
 *
 * One process at a time harvests a set, however many nodes share the database: the run holds the set's
 * lease, renewed while it runs. A run whose process died leaves the lease to expire and its run record
 * marked running; the next run takes the lease, marks that record interrupted and resumes its checkpoint.
 */
export async function runHarvest(deps: HarvestDeps, request: HarvestRequest = {}): Promise<HarvestReport> {
  const set = request.set ?? '';
  const lease = await acquireHarvestLease(deps.store, set);
  const lost = new AbortController();
  const stopRenewing = lease.keepAlive((err) => lost.abort(err));
  const signal = deps.signal ? AbortSignal.any([deps.signal, lost.signal]) : lost.signal;
  try {
    return await harvestUnderLease({ ...deps, signal }, set, request, lease.owner, lost.signal);
  } finally {
    await stopRenewing();
    await lease.release(false);
  }
}

async function harvestUnderLease(
  deps: HarvestDeps,
  set: string,
  request: HarvestRequest,
  owner: string,
  leaseLost: AbortSignal,
): Promise<HarvestReport> {
  const { store, logger } = deps;
  let checkpoint: HarvestCheckpoint = (await store.harvestCheckpoint(set)) ?? {
    set,
    lastDatestamp: null,
    pending: null,
  };
  const plan = planHarvest(request, checkpoint, deps.now?.() ?? new Date());
  const resumed = plan.token !== null;
  const runId = await store.startHarvestRun({ set, from: plan.from, until: plan.until, resumed, owner });
  const counts = emptyCounts();
  const report = (): HarvestReport => ({
    ...counts,
    runId,
    set,
    from: plan.from,
    until: plan.until,
    resumed,
  });
  const started = performance.now();
  let token = plan.token;
  let resumingStoppedRun = resumed;
  let pages = plan.pagesBefore;
  let completeListSize: number | null = null;
  logger.info({ runId, set: set || '(all)', from: plan.from, until: plan.until, resumed }, 'harvest started');
  try {
    for (;;) {
      const url = token
        ? listRecordsUrl(deps.oaiUrl, { resumptionToken: token })
        : listRecordsUrl(deps.oaiUrl, {
            metadataPrefix: ARXIV_METADATA_PREFIX,
            set: plan.set,
            from: plan.from,
            until: plan.until,
          });
      let response: OaiResponse;
      try {
        response = await fetchPage(deps, url);
      } catch (err) {
        // A stopped run's token may have expired; its window is then harvested again from the start.
        if (err instanceof OaiPmhError && err.code === 'badResumptionToken' && resumingStoppedRun) {
          logger.warn(
            { runId },
            'the stopped run cannot be resumed (token expired); harvesting its window again',
          );
          token = null;
          pages = 0;
          resumingStoppedRun = false;
          continue;
        }
        throw err;
      }
      // The last page's empty token usually leaves the list size out; the earlier pages said it.
      completeListSize = response.resumptionToken?.completeListSize ?? completeListSize;
      const page = readRecords(response.records, logger);
      const revisions = await store.paperRevisions(page.papers.map((p) => p.id));
      const summary = await store.upsertPapers(page.papers.map((p) => reconcile(p, revisions.get(p.id))));
      const next = response.resumptionToken?.token || null;
      if (next !== null && next === token) {
        throw new MalformedXmlError(
          `the repository sent the same resumption token twice (${next}); stopping`,
        );
      }
      pages++;
      counts.pages++;
      counts.records += response.records.length;
      counts.inserted += summary.inserted;
      counts.updated += summary.updated;
      counts.unchanged += summary.unchanged;
      counts.deleted += page.deletedIds.length;
      counts.skipped += page.skipped;
      checkpoint = {
        set,
        lastDatestamp:
          page.newestDatestamp === null
            ? checkpoint.lastDatestamp
            : later(checkpoint.lastDatestamp, page.newestDatestamp),
        pending: next === null ? null : { from: plan.from, until: plan.until, resumptionToken: next, pages },
      };
      await store.commitHarvestPage({ runId, deletedIds: page.deletedIds, checkpoint, counts });
      logger.debug({ runId, page: pages, records: response.records.length, next }, 'harvest page committed');
      deps.onProgress?.({
        ...counts,
        elapsedMs: performance.now() - started,
        completeListSize,
      });
      if (next === null) break;
      deps.signal?.throwIfAborted();
      token = next;
      resumingStoppedRun = false;
    }
  } catch (err) {
    if (leaseLost.aborted) {
      const message = `lost the lease on the harvest: ${describeFailure(leaseLost.reason)}`;
      await store.finishHarvestRun(runId, { status: 'interrupted', error: message });
      logger.error({ runId, ...counts }, `harvest stopped: ${message}`);
      throw new HarvestError(`the harvest was stopped (${message}); the next run resumes it`, report());
    }
    if (deps.signal?.aborted) {
      await store.finishHarvestRun(runId, { status: 'interrupted', error: 'stopped by shutdown' });
      logger.info({ runId, ...counts }, 'harvest stopped by shutdown; the next run resumes it');
      throw new HarvestError('the harvest was stopped (shutdown); the next run resumes it', report());
    }
    const message = describeFailure(err);
    await store.finishHarvestRun(runId, { status: 'failed', error: message });
    logger.error({ runId, err, ...counts }, 'harvest failed');
    if (
      err instanceof OaiPmhError ||
      err instanceof MalformedXmlError ||
      err instanceof ArxivUnavailableError
    ) {
      throw new HarvestError(message, report());
    }
    throw err;
  }
  await store.finishHarvestRun(runId, { status: 'completed', error: null });
  logger.info({ runId, ...counts, ms: Math.round(performance.now() - started) }, 'harvest completed');
  return report();
}

function describeFailure(err: unknown): string {
  if (err instanceof ArxivUnavailableError) return `arXiv is unavailable: ${err.message}`;
  if (err instanceof MalformedXmlError) return `arXiv sent a malformed page: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}
