/** A person who put a paper on the feed (Hugging Face calls this `submittedOnDailyBy`). */
export interface Submitter {
  user: string;
  fullname: string;
  avatarUrl: string | null;
}

/**
 * A paper as importers and API clients produce it. Only `id`, `title` and `feedDate` are required;
 * everything else may be unknown at the source and is filled in by later imports (see mergePaper).
 */
export interface PaperInput {
  /** arXiv id without version (`2503.11731`, `astro-ph/0601001`), or a local id (`pb-…`) for non-arXiv papers. */
  id: string;
  /** Latest arXiv version known for this record (1 when unknown); null for non-arXiv papers. */
  version: number | null;
  title: string;
  authors: string[];
  abstract: string;
  /** Primary category first. */
  categories: string[];
  /** First submission to arXiv, ISO-8601 UTC. */
  publishedAt: string | null;
  /** Last update on arXiv (latest version), ISO-8601 UTC. */
  updatedAt: string | null;
  /** The day (YYYY-MM-DD) the paper entered the feed. */
  feedDate: string;
  comment: string | null;
  journalRef: string | null;
  doi: string | null;
  codeUrl: string | null;
  projectUrl: string | null;
  /** Upvotes carried by the source (e.g. Hugging Face); community votes are added on top. */
  upvotes: number;
  submittedBy: Submitter | null;
  /** Extras carried by Hugging Face's daily papers, kept so the API can return them. */
  githubStars: number | null;
  aiSummary: string | null;
  aiKeywords: string[];
  organization: string | null;
}

/** A stored paper. */
export interface Paper extends PaperInput {
  /** True for papers with a real arXiv id; false for locally minted ids. */
  isArxiv: boolean;
  numComments: number;
}

/** A PaperInput with every optional field at its "unknown" value; importers spread their fields over it. */
export function emptyPaper(id: string, title: string, feedDate: string): PaperInput {
  return {
    id,
    version: null,
    title,
    authors: [],
    abstract: '',
    categories: [],
    publishedAt: null,
    updatedAt: null,
    feedDate,
    comment: null,
    journalRef: null,
    doi: null,
    codeUrl: null,
    projectUrl: null,
    upvotes: 0,
    submittedBy: null,
    githubStars: null,
    aiSummary: null,
    aiKeywords: [],
    organization: null,
  };
}
