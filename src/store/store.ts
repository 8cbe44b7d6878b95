import type {
  AuditEntry,
  Collection,
  Comment,
  CreateUserResult,
  Moderation,
  NewComment,
  NewSession,
  NewUser,
  RateLimitHit,
  SessionWithUser,
  SubmitResult,
  User,
  VoteResult,
} from '../community/model.js';
import type {
  HarvestCheckpoint,
  HarvestCounts,
  HarvestRun,
  HarvestRunStatus,
  PaperRevision,
} from '../ingest/harvest-state.js';
import type { Paper, PaperInput } from '../model/paper.js';
import type {
  DeliveryChange,
  DeliveryFilter,
  DeliveryStatus,
  DigestRecipient,
  MailSubscriber,
  NewDelivery,
  QueuedDelivery,
} from '../mail/records.js';
import type { DigestKind, Topic } from '../mail/topics.js';
import type { JobLease } from '../ops/lease.js';
import type { ParsedQuery } from '../search/query.js';
import type {
  CandidateRequest,
  MonthlyCounts,
  PaperText,
  RecommendationFeedback,
} from '../recommend/records.js';
import type { InstanceRecord } from './instance/records.js';
import type { RestoreSummary } from './instance/restore.js';

/** Counts of what an upsert did. */
export interface UpsertSummary {
  inserted: number;
  updated: number;
  unchanged: number;
}

/** `trending` orders by the stored trending score (see rank/trending.ts). */
export type FeedSort = 'upvotes' | 'newest' | 'trending';

export interface FeedQuery {
  /** Inclusive range of feed days, YYYY-MM-DD. */
  from: string;
  to: string;
  sort: FeedSort;
  offset: number;
  limit: number;
  /** Only papers submitted by this user. */
  submitter?: string;
  /**
   * False when the caller does not show the total (the JSON API): counting every paper of a long range
   * reads a whole index. `total` is then the papers up to the end of this page (offset + items).
   */
  count?: boolean;
}

export interface PageOf<T> {
  items: T[];
  total: number;
}

export interface SearchFilters {
  category?: string;
  /** Inclusive range of feed days, YYYY-MM-DD. */
  from?: string;
  to?: string;
  hasCode?: boolean;
}

export type SearchSort = 'relevance' | 'newest' | 'upvotes';

export interface SearchRequest {
  query: ParsedQuery;
  filters: SearchFilters;
  sort: SearchSort;
  offset: number;
  limit: number;
}

/**
 * Search totals are counted up to this many matches: past it a page says "10,000+ results". Counting every
 * match of a common word would read its whole posting list (a second per search at a million papers).
 */
export const SEARCH_TOTAL_CAP = 10_000;

export interface SearchPage extends PageOf<SearchHit> {
  /** The count stopped at SEARCH_TOTAL_CAP (`total`): more papers match. */
  totalCapped: boolean;
}

export interface SearchHit {
  paper: Paper;
  /** Relevance score, higher is better; only comparable within one result list; 0 when sorted otherwise. */
  score: number;
  /** Title and abstract excerpt with matches wrapped in HIGHLIGHT_START / HIGHLIGHT_END (see search/highlight). */
  titleHighlighted: string;
  snippet: string;
}

/** Neighbouring feed days that have papers, for previous/next navigation. */
export interface FeedNeighbours {
  previous: string | null;
  next: string | null;
}

/**
 * Everything Paperboy keeps. One interface, one adapter per database; all methods are async so that
 * network databases fit behind it as well as embedded SQLite.
 */
export interface Store {
  /** Inserts new papers and merges known ones (see mergePaper), in one transaction per call. */
  upsertPapers(papers: PaperInput[]): Promise<UpsertSummary>;
  getPaper(id: string): Promise<Paper | null>;
  countPapers(): Promise<number>;
  /**
   * Changes whenever what readers see may have changed (a commit by this process or another), so caches of
   * rendered pages tell that they are stale without a clock. Cheap: called on every cached request.
   */
  dataVersion(): Promise<string>;
  /** The newest feed day that has papers, or null when the store is empty. */
  latestFeedDay(): Promise<string | null>;
  /** The nearest days before `from` and after `to` that have papers. */
  feedNeighbours(from: string, to: string): Promise<FeedNeighbours>;
  listFeed(query: FeedQuery): Promise<PageOf<Paper>>;
  search(request: SearchRequest): Promise<SearchPage>;
  /** Up to `limit` papers most like the given one (never itself), best first; [] for an unknown or hidden id. */
  similarPapers(id: string, limit: number): Promise<Paper[]>;
  /** Every category with its paper count, most papers first. */
  categories(): Promise<{ category: string; count: number }[]>;
  /**
   * Starts, in the background, what answering searches will need, so that the first visitors of a server
   * do not wait for it (SQLite at scale: the count of every indexed term). Commands that do not serve skip it.
   */
  prepareToServe(): void;
  close(): Promise<void>;

  // --- harvest (arXiv ingestion) ---
  /** Version, last update and feed day of the stored papers among `ids` (absent ones are left out). */
  paperRevisions(ids: string[]): Promise<Map<string, PaperRevision>>;
  harvestCheckpoint(set: string): Promise<HarvestCheckpoint | null>;
  /** Records a new run as running; runs of the same set still marked running were killed: interrupted. */
  startHarvestRun(run: {
    set: string;
    from: string | null;
    until: string | null;
    resumed: boolean;
    owner: string;
  }): Promise<number>;
  /**
   * After a page's papers are upserted: deletes the papers the page marked deleted, stores the checkpoint
   * and the run's totals, in one transaction, so a killed harvest resumes right after the last page.
   */
  commitHarvestPage(page: {
    runId: number;
    deletedIds: string[];
    checkpoint: HarvestCheckpoint;
    counts: HarvestCounts;
  }): Promise<void>;
  finishHarvestRun(
    runId: number,
    outcome: { status: Exclude<HarvestRunStatus, 'running'>; error: string | null },
  ): Promise<void>;
  /** The latest runs, newest first. */
  lastHarvestRuns(limit: number): Promise<HarvestRun[]>;

  // --- community (accounts, votes, comments, collections) ---
  /** Creates an account; usernames and emails are unique regardless of case. */
  createUser(user: NewUser): Promise<CreateUserResult>;
  getUser(id: number): Promise<User | null>;
  /** By username, case-insensitively. */
  findUser(username: string): Promise<User | null>;
  /** By username or email, case-insensitively, with the password hash, for logging in. */
  findUserForLogin(login: string): Promise<{ user: User; passwordHash: string } | null>;
  listUsers(): Promise<User[]>;
  /** Replaces the password hash and ends every session of the user. */
  setPasswordHash(userId: number, passwordHash: string): Promise<void>;
  /** Changes the account's email; false when another account has it (regardless of case). */
  setUserEmail(userId: number, email: string): Promise<boolean>;
  setAdmin(userId: number, isAdmin: boolean): Promise<void>;
  /** True when papers name `username` as their submitter (e.g. imported from Hugging Face). */
  isKnownSubmitter(username: string): Promise<boolean>;

  createSession(session: NewSession): Promise<void>;
  /** The live session with this id hash and its (not suspended) user, or null. */
  getSession(idHash: string, now: Date): Promise<SessionWithUser | null>;
  extendSession(idHash: string, expiresAt: string): Promise<void>;
  deleteSession(idHash: string): Promise<void>;

  /**
   * Counts one hit against `key` in a window that starts at the key's first hit and lasts `windowMs`; a hit
   * after the window starts a new one. Atomic, so concurrent requests and several nodes count correctly.
   */
  hitRateLimit(key: string, windowMs: number, now: Date): Promise<RateLimitHit>;
  /** Forgets windows and sessions that ended before `now`. */
  pruneExpired(now: Date): Promise<void>;

  /**
   * Turns the user's vote on the paper on or off and updates the paper's upvotes (and so its trending
   * score) in the same transaction. Null when the paper does not exist or is hidden.
   */
  toggleVote(userId: number, paperId: string, now: Date): Promise<VoteResult | null>;
  /** Which of `paperIds` the user has voted for. */
  votedPaperIds(userId: number, paperIds: string[]): Promise<Set<string>>;

  /**
   * Puts a paper on the feed of `feedDate` with its submitter, unless someone already submitted it.
   * The paper must exist (insert it with upsertPapers first).
   */
  submitPaper(paperId: string, submitter: User, feedDate: string): Promise<SubmitResult | null>;

  /** Adds a comment and updates the paper's comment counts; null when the paper is missing or hidden. */
  addComment(comment: NewComment): Promise<Comment | null>;
  getComment(id: number): Promise<Comment | null>;
  /** A paper's comments, oldest first, deleted and hidden ones included (pages decide what to show). */
  listComments(paperId: string): Promise<Comment[]>;
  editComment(id: number, body: string, now: Date): Promise<void>;
  /** Soft delete: the body is erased, the thread keeps its shape, counts drop. */
  deleteComment(id: number, now: Date): Promise<void>;

  createCollection(c: {
    ownerId: number;
    name: string;
    isPublic: boolean;
    now: Date;
  }): Promise<Collection | null>;
  getCollection(id: number): Promise<Collection | null>;
  /** A user's collections by name; only the public ones unless `includePrivate`. */
  listCollections(ownerId: number, includePrivate: boolean): Promise<Collection[]>;
  /** False when the new name is taken by another of the owner's collections. */
  updateCollection(id: number, changes: { name?: string; isPublic?: boolean }): Promise<boolean>;
  deleteCollection(id: number): Promise<void>;
  /** False when the paper does not exist. Adding a paper twice keeps one. */
  addToCollection(collectionId: number, paperId: string, now: Date): Promise<boolean>;
  removeFromCollection(collectionId: number, paperId: string): Promise<void>;
  /** The collection's visible papers, most recently added first. */
  collectionPapers(collectionId: number): Promise<Paper[]>;
  /** Ids of the user's collections holding the paper. */
  collectionsWithPaper(ownerId: number, paperId: string): Promise<number[]>;

  /**
   * Applies a moderation action and writes it to the audit log in one transaction. False when the target
   * does not exist.
   */
  moderate(action: Moderation): Promise<boolean>;
  /** The audit log, newest first. */
  auditLog(offset: number, limit: number): Promise<AuditEntry[]>;
  /** Hidden papers, for admins to review (getPaper, feeds and search leave them out). */
  hiddenPapers(): Promise<Paper[]>;
  /** Distinct visible commenters and the stored trending score of each of `paperIds`. */
  trendingInputs(paperIds: string[]): Promise<Map<string, { commenters: number; score: number }>>;

  // --- mail (subscriptions, digests, send log) ---
  /**
   * Records a subscribe request for a normalised address (a new address becomes a pending subscriber; a known
   * one keeps its state) and queues the confirmation message, in one transaction. The topics apply only when
   * the request is confirmed.
   */
  requestMailSubscription(
    email: string,
    topics: Topic[],
    now: Date,
  ): Promise<{ subscriberId: number; confirmationId: number }>;
  /** Activates the subscriber and adds the request's topics; null for an unknown request. Idempotent. */
  confirmMailSubscription(confirmationId: number, now: Date): Promise<MailSubscriber | null>;
  /** The topics a confirmation request asks for and whether it was confirmed; null for an unknown one. */
  mailConfirmation(confirmationId: number): Promise<{ topics: Topic[]; confirmed: boolean } | null>;
  getMailSubscriber(id: number): Promise<MailSubscriber | null>;
  /**
   * The subscriber row of a normalised address, made (pending, no topics: it gets no digests) when it has
   * none, so account mail (password reset, email change) goes through the same send log.
   */
  ensureMailAddress(email: string, now: Date): Promise<number>;
  findMailSubscriber(email: string): Promise<MailSubscriber | null>;
  /** Replaces an active subscriber's topics; with none left, unsubscribes. */
  setMailTopics(subscriberId: number, topics: Topic[], now: Date): Promise<MailSubscriber | null>;
  /** Stops all mail: unsubscribed, topics removed, queued digests skipped. False for an unknown subscriber. */
  unsubscribeMail(subscriberId: number, now: Date): Promise<boolean>;
  /** A server refused the address for good: no more mail to it until it confirms a subscription again. */
  markMailBouncing(subscriberId: number, reason: string, now: Date): Promise<void>;
  /** Queues one transactional message (e.g. a link to the preferences page); false if one is queued already. */
  queueMailMessage(delivery: NewDelivery, now: Date): Promise<boolean>;
  /** Active subscribers with topics in `digest` and no send-log row for `issue`, by id, after `afterId`. */
  digestRecipients(
    digest: DigestKind,
    issue: string,
    afterId: number,
    limit: number,
  ): Promise<DigestRecipient[]>;
  /** For each subscriber, which of its candidate papers it has already been sent (or promised) in `digest`. */
  sentMailPapers(digest: DigestKind, candidates: Map<number, string[]>): Promise<Map<number, Set<string>>>;
  /**
   * Writes send-log rows and claims their papers, in one transaction. A row for a (subscriber, issue) that
   * exists already is left as it is, with its papers. Returns how many rows were new.
   */
  reserveMailDeliveries(deliveries: NewDelivery[], now: Date): Promise<number>;
  /** Send-log rows still to send (pending or in doubt) whose next attempt is due, oldest first. */
  dueMailDeliveries(filter: DeliveryFilter, now: Date, limit: number): Promise<QueuedDelivery[]>;
  /** When the earliest deferred row of `filter` falls due; null when none is left to send. */
  nextMailAttempt(filter: DeliveryFilter): Promise<Date | null>;
  /**
   * Moves rows on, in one transaction (a run commits a message's outcome together with the claim on the next).
   * A row that ends without being sent releases the papers it had claimed.
   */
  updateMailDeliveries(changes: [id: number, change: DeliveryChange][]): Promise<void>;
  /** How many rows of `filter` are in each state. */
  countMailDeliveries(filter: DeliveryFilter): Promise<Record<DeliveryStatus, number>>;
  /**
   * Takes the lease on a named job (see ops/lease.ts) if nobody holds it, it expired, or its holder is
   * `staleOwner` (known dead). Returns the holder after the attempt.
   */
  acquireJobLease(
    name: string,
    owner: string,
    leaseMs: number,
    now: Date,
    staleOwner?: string,
  ): Promise<JobLease>;
  /** Gives the lease up; `finished` records that the job's work is done. */
  releaseJobLease(name: string, owner: string, finished: boolean, now: Date): Promise<void>;
  getJobLease(name: string): Promise<JobLease | null>;
  /** Papers of a category that entered the feed between `from` and `to`, newest first. */
  newestPapersInCategory(category: string, from: string, to: string, limit: number): Promise<Paper[]>;
  /** Papers matching a saved search that entered the feed between `from` and `to`, best match first (no snippets). */
  alertPapers(query: ParsedQuery, from: string, to: string, limit: number): Promise<Paper[]>;

  // --- ops (metrics) ---
  /** Totals for /metrics: accounts, votes, and comments that readers can see. */
  communityTotals(): Promise<{ users: number; votes: number; comments: number }>;

  // --- recommend (personal recommendations, topic trend) ---
  /** What the user's reading tells: visible papers saved in any collection, upvoted, or marked not interested. */
  recommendationFeedback(userId: number): Promise<RecommendationFeedback[]>;
  /** Marks a paper as not interesting to the user, or takes the mark back; false for a missing or hidden paper. */
  setNotInterested(userId: number, paperId: string, notInterested: boolean, now: Date): Promise<boolean>;
  /** About `count` visible papers drawn uniformly at random: the same ones for the same seed and corpus. */
  samplePapers(count: number, seed: number): Promise<Paper[]>;
  /**
   * Visible papers with any of the words in their title or abstract, best first by the summed weights of
   * the words they have: a model's candidates, read from the full-text index.
   */
  recommendationCandidates(request: CandidateRequest): Promise<PaperText[]>;
  /** The user's cached recommendation model (JSON written by src/recommend), or null. */
  recommendationModel(userId: number): Promise<string | null>;
  saveRecommendationModel(userId: number, model: string, now: Date): Promise<void>;
  /** How many papers match a search in each month of the filters' range (the whole corpus by default). */
  searchMonthlyCounts(request: Pick<SearchRequest, 'query' | 'filters'>): Promise<MonthlyCounts>;

  // --- instance export and restore (src/store/instance) ---
  /**
   * Every record of the instance (see InstanceRecord), whatever refers to another after it, read from one
   * consistent snapshot a page at a time, so any size exports in bounded memory.
   */
  exportRecords(): AsyncIterable<InstanceRecord>;
  /**
   * Restores a batch of exported records: papers are merged like an import, every other record is added
   * unless the store has it already (so restoring twice changes nothing). Meant for a store nobody else is
   * writing to at the time.
   */
  importRecords(records: InstanceRecord[]): Promise<RestoreSummary>;
}
