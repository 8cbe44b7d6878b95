/** Paperboy papers in the shapes of the Hugging Face papers API (see schemas.ts). Pure functions. */
import type { Paper, Submitter } from '../model/paper.js';
import type { HfDailyItem, HfPaper, HfPaperDetail, HfUser } from './schemas.js';

/**
 * A UTC ISO-8601 timestamp ending in `Z` with milliseconds (`2024-05-24T17:34:15.000Z`), which the
 * huggingface_hub client requires (`+00:00` breaks it). Undefined for missing or unreadable values.
 */
export function toTimestamp(value: string | null): string | undefined {
  if (!value) return undefined;
  // A bare day is midnight UTC; Date.parse reads date-only ISO strings as UTC already.
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

export function toHfUser(submitter: Submitter): HfUser {
  return {
    user: submitter.user,
    name: submitter.user,
    fullname: submitter.fullname,
    ...(submitter.avatarUrl ? { avatarUrl: submitter.avatarUrl } : {}),
    type: 'user',
  };
}

/** Drops keys whose value is unknown: Hugging Face leaves such keys out instead of sending null. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null)) as T;
}

/** Fields the client reads from both the paper object and the daily item's top level. */
function extras(paper: Paper) {
  return {
    githubRepo: paper.codeUrl ?? undefined,
    githubStars: paper.githubStars ?? undefined,
    projectPage: paper.projectUrl ?? undefined,
    ai_summary: paper.aiSummary ?? undefined,
    ai_keywords: paper.aiKeywords.length > 0 ? paper.aiKeywords : undefined,
    organization: paper.organization ? { name: paper.organization, fullname: paper.organization } : undefined,
  };
}

/** The paper object inside a daily item. */
export function toHfPaper(paper: Paper): HfPaper {
  return defined({
    id: paper.id,
    authors: paper.authors.map((name) => ({ name, hidden: false })),
    publishedAt: toTimestamp(paper.publishedAt),
    title: paper.title,
    summary: paper.abstract,
    upvotes: paper.upvotes,
    discussionId: paper.id,
    submittedOnDailyAt: feedTimestamp(paper),
    submittedOnDailyBy: paper.submittedBy ? toHfUser(paper.submittedBy) : undefined,
    ...extras(paper),
  });
}

/** `GET /api/papers/:id`: the paper object plus its comment count, which the client reads top-level. */
export function toHfPaperDetail(paper: Paper): HfPaperDetail {
  return { ...toHfPaper(paper), numComments: paper.numComments };
}

/** When the paper entered the feed: Paperboy keeps the day, so midnight UTC of that day. */
function feedTimestamp(paper: Paper): string {
  return toTimestamp(paper.feedDate) ?? `${paper.feedDate}T00:00:00.000Z`;
}

/** An item of `GET /api/daily_papers` and `GET /api/papers/search`. */
export function toDailyItem(paper: Paper): HfDailyItem {
  return defined({
    paper: toHfPaper(paper),
    id: paper.id,
    title: paper.title,
    summary: paper.abstract,
    publishedAt: feedTimestamp(paper),
    numComments: paper.numComments,
    submittedBy: paper.submittedBy ? toHfUser(paper.submittedBy) : undefined,
    ...extras(paper),
  });
}
