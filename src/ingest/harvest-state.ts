/** What the harvest keeps in the store between pages and between runs (see Store's harvest methods). */

/** Where the harvest of one OAI-PMH set stands. */
export interface HarvestCheckpoint {
  /** The set harvested; '' for the whole repository. */
  set: string;
  /** Newest datestamp among committed records: the next incremental run asks from this day on. */
  lastDatestamp: string | null;
  /** A run that stopped between pages (killed, or failed): the next run resumes it with the token. */
  pending: PendingHarvest | null;
}

export interface PendingHarvest {
  /** The window the stopped run asked for; resuming it needs the same one. */
  from: string | null;
  until: string | null;
  resumptionToken: string;
  /** Pages committed so far in that list. */
  pages: number;
}

/** Running totals of one harvest run. */
export interface HarvestCounts {
  pages: number;
  /** Records received, deleted ones included. */
  records: number;
  inserted: number;
  updated: number;
  unchanged: number;
  deleted: number;
  /** Records that could not become papers (no arXiv metadata, no id, no title). */
  skipped: number;
}

export type HarvestRunStatus = 'running' | 'completed' | 'failed' | 'interrupted';

/** One run of the harvest, as the admin page lists them. */
export interface HarvestRun extends HarvestCounts {
  id: number;
  set: string;
  from: string | null;
  until: string | null;
  /** The run continued a stopped one from its resumption token. */
  resumed: boolean;
  /** `host:pid:nonce` of the process that ran it (the owner of its lease, see ops/lease.ts). */
  owner: string | null;
  startedAt: string;
  finishedAt: string | null;
  status: HarvestRunStatus;
  error: string | null;
}

/** What the harvest needs to know about stored papers to merge a record correctly. */
export interface PaperRevision {
  version: number | null;
  updatedAt: string | null;
  feedDate: string;
}

export function emptyCounts(): HarvestCounts {
  return { pages: 0, records: 0, inserted: 0, updated: 0, unchanged: 0, deleted: 0, skipped: 0 };
}
