/**
 * Row shapes that every adapter stores the same way, and their mapping to the Store's records. Both
 * schemas keep a paper's lists as delimited text and its keywords as JSON, so one mapping serves both
 * (SQLite returns 0/1 where PostgreSQL returns booleans, hence the `number | boolean` flags).
 */
import type {
  HarvestCheckpoint,
  HarvestCounts,
  HarvestRun,
  HarvestRunStatus,
} from '../ingest/harvest-state.js';
import { isArxivId } from '../model/arxiv-id.js';
import type { Paper, PaperInput } from '../model/paper.js';

export interface PaperRow {
  pk: number;
  id: string;
  is_arxiv: number | boolean;
  version: number | null;
  title: string;
  /** Names joined by newlines. */
  authors: string;
  abstract: string;
  /** Space-separated, primary first. */
  categories: string;
  published_at: string | null;
  updated_at: string | null;
  feed_date: string;
  comment: string | null;
  journal_ref: string | null;
  doi: string | null;
  code_url: string | null;
  project_url: string | null;
  upvotes: number;
  submitter_user: string | null;
  submitter_fullname: string | null;
  submitter_avatar: string | null;
  github_stars: number | null;
  ai_summary: string | null;
  /** JSON array of strings. */
  ai_keywords: string;
  organization: string | null;
  num_comments: number;
  hidden_at: string | null;
}

/** The columns an upsert writes, in the order of paperParams. */
export const PAPER_COLUMNS = `id, is_arxiv, version, title, authors, abstract, categories, published_at, updated_at,
  feed_date, comment, journal_ref, doi, code_url, project_url, upvotes, submitter_user, submitter_fullname,
  submitter_avatar, github_stars, ai_summary, ai_keywords, organization`;

function splitList(text: string, separator: string): string[] {
  return text === '' ? [] : text.split(separator);
}

export function rowToPaper(row: PaperRow): Paper {
  return {
    id: row.id,
    isArxiv: Boolean(row.is_arxiv),
    version: row.version,
    title: row.title,
    authors: splitList(row.authors, '\n'),
    abstract: row.abstract,
    categories: splitList(row.categories, ' '),
    publishedAt: row.published_at,
    updatedAt: row.updated_at,
    feedDate: row.feed_date,
    comment: row.comment,
    journalRef: row.journal_ref,
    doi: row.doi,
    codeUrl: row.code_url,
    projectUrl: row.project_url,
    upvotes: row.upvotes,
    submittedBy: row.submitter_user
      ? {
          user: row.submitter_user,
          fullname: row.submitter_fullname ?? row.submitter_user,
          avatarUrl: row.submitter_avatar,
        }
      : null,
    githubStars: row.github_stars,
    aiSummary: row.ai_summary,
    aiKeywords: JSON.parse(row.ai_keywords) as string[],
    organization: row.organization,
    numComments: row.num_comments,
  };
}

/** Values of PAPER_COLUMNS for a paper. */
export function paperParams(p: PaperInput): unknown[] {
  return [
    p.id,
    isArxivId(p.id) ? 1 : 0,
    p.version,
    p.title,
    p.authors.join('\n'),
    p.abstract,
    p.categories.join(' '),
    p.publishedAt,
    p.updatedAt,
    p.feedDate,
    p.comment,
    p.journalRef,
    p.doi,
    p.codeUrl,
    p.projectUrl,
    p.upvotes,
    p.submittedBy?.user ?? null,
    p.submittedBy?.fullname ?? null,
    p.submittedBy?.avatarUrl ?? null,
    p.githubStars,
    p.aiSummary,
    JSON.stringify(p.aiKeywords),
    p.organization,
  ];
}

export interface HarvestCheckpointRow {
  set_spec: string;
  last_datestamp: string | null;
  pending_token: string | null;
  pending_from: string | null;
  pending_until: string | null;
  pending_pages: number;
}

export function rowToHarvestCheckpoint(row: HarvestCheckpointRow): HarvestCheckpoint {
  return {
    set: row.set_spec,
    lastDatestamp: row.last_datestamp,
    pending:
      row.pending_token === null
        ? null
        : {
            from: row.pending_from,
            until: row.pending_until,
            resumptionToken: row.pending_token,
            pages: row.pending_pages,
          },
  };
}

export interface HarvestRunRow extends HarvestCounts {
  id: number;
  set_spec: string;
  from_date: string | null;
  until_date: string | null;
  resumed: number | boolean;
  owner: string | null;
  started_at: string;
  finished_at: string | null;
  status: HarvestRunStatus;
  error: string | null;
}

export function rowToHarvestRun(r: HarvestRunRow): HarvestRun {
  return {
    id: r.id,
    set: r.set_spec,
    from: r.from_date,
    until: r.until_date,
    resumed: Boolean(r.resumed),
    owner: r.owner,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    status: r.status,
    error: r.error,
    pages: r.pages,
    records: r.records,
    inserted: r.inserted,
    updated: r.updated,
    unchanged: r.unchanged,
    deleted: r.deleted,
    skipped: r.skipped,
  };
}
