import type { PaperInput } from './paper.js';

/**
 * Merges a freshly imported record into the stored one. Sources overlap (an arXiv listing, then the
 * Hugging Face feed for the same paper), so a merge must never lose what either knew:
 * - a newer arXiv version replaces the descriptive metadata (title, abstract, authors, ...);
 * - otherwise unknown fields are filled in and known ones kept;
 * - the paper keeps the first day it entered the feed; imported upvotes only grow.
 * Returns null when the incoming record adds nothing, so callers can count it as unchanged.
 */
export function mergePaper(stored: PaperInput, incoming: PaperInput): PaperInput | null {
  const newer = (incoming.version ?? 0) > (stored.version ?? 0);
  const pick = <K extends keyof PaperInput>(key: K): PaperInput[K] => {
    const mine = stored[key];
    const theirs = incoming[key];
    if (newer && !isUnknown(theirs)) return theirs;
    return isUnknown(mine) ? theirs : mine;
  };
  const merged: PaperInput = {
    id: stored.id,
    version: newer ? incoming.version : (stored.version ?? incoming.version),
    title: pick('title'),
    authors: pick('authors'),
    abstract: pick('abstract'),
    categories: pick('categories'),
    publishedAt: earliest(stored.publishedAt, incoming.publishedAt),
    updatedAt: latest(stored.updatedAt, incoming.updatedAt),
    feedDate: stored.feedDate <= incoming.feedDate ? stored.feedDate : incoming.feedDate,
    comment: pick('comment'),
    journalRef: pick('journalRef'),
    doi: pick('doi'),
    codeUrl: stored.codeUrl ?? incoming.codeUrl,
    projectUrl: stored.projectUrl ?? incoming.projectUrl,
    upvotes: Math.max(stored.upvotes, incoming.upvotes),
    submittedBy: stored.submittedBy ?? incoming.submittedBy,
    githubStars: incoming.githubStars ?? stored.githubStars,
    aiSummary: stored.aiSummary ?? incoming.aiSummary,
    aiKeywords: stored.aiKeywords.length > 0 ? stored.aiKeywords : incoming.aiKeywords,
    organization: stored.organization ?? incoming.organization,
  };
  return samePaper(stored, merged) ? null : merged;
}

function isUnknown(value: unknown): boolean {
  return value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

function earliest(a: string | null, b: string | null): string | null {
  if (a === null || b === null) return a ?? b;
  return a <= b ? a : b;
}

function latest(a: string | null, b: string | null): string | null {
  if (a === null || b === null) return a ?? b;
  return a >= b ? a : b;
}

function samePaper(a: PaperInput, b: PaperInput): boolean {
  return (Object.keys(b) as (keyof PaperInput)[]).every(
    (key) => JSON.stringify(a[key]) === JSON.stringify(b[key]),
  );
}
