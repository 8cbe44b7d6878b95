/**
 * The instance export format (`paperboy export`, restored by `paperboy import`): JSON Lines, a header line,
 * one line per record tagged with its kind, and an end line with the count of each kind, so that a
 * truncated file is told from a complete one. Records name each other by stable keys (a paper's id, a
 * username, a subscriber's email), never by row ids, so they load into a database whose ids differ. Rows
 * whose ids are signed into links already handed out (accounts, mail subscribers and confirmations) or shown
 * in URLs (comments, collections) also carry their id, which a restore keeps when the target has it free.
 */
import { z } from 'zod';

export const INSTANCE_FORMAT = 'paperboy-instance';
export const INSTANCE_FORMAT_VERSION = 1;

export type Backend = 'sqlite' | 'postgres';

export interface InstanceHeader {
  format: typeof INSTANCE_FORMAT;
  version: number;
  source: Backend;
  exportedAt: string;
}

const text = z.string();
const maybeText = z.string().nullable();
const count = z.number().int().min(0);
const rowId = z.number().int().positive();

function isCalendarDay(day: string): boolean {
  const date = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(day);
}

const paper = z.object({
  kind: z.literal('paper'),
  id: z.string().min(1),
  version: count.nullable(),
  title: text,
  authors: z.array(text),
  abstract: text,
  categories: z.array(text),
  publishedAt: maybeText,
  updatedAt: maybeText,
  // A real calendar day: PostgreSQL keeps feed days as `date`.
  feedDate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .refine(isCalendarDay, 'not a calendar day'),
  comment: maybeText,
  journalRef: maybeText,
  doi: maybeText,
  codeUrl: maybeText,
  projectUrl: maybeText,
  upvotes: count,
  submittedBy: z.object({ user: text, fullname: text, avatarUrl: maybeText }).nullable(),
  githubStars: count.nullable(),
  aiSummary: maybeText,
  aiKeywords: z.array(text),
  organization: maybeText,
  hiddenAt: maybeText,
});

const user = z.object({
  kind: z.literal('user'),
  id: rowId,
  username: z.string().min(1),
  email: z.string().min(1),
  passwordHash: z.string().min(1),
  fullname: text,
  isAdmin: z.boolean(),
  suspendedAt: maybeText,
  createdAt: text,
});

/** A user's mark on a paper: an upvote, or "not interested" for recommendations. */
const mark = { user: z.string().min(1), paper: z.string().min(1), createdAt: text };
const vote = z.object({ kind: z.literal('vote'), ...mark });
const notInterested = z.object({ kind: z.literal('not-interested'), ...mark });

/** A comment is known by its paper, author and time; a reply names its parent (on the same paper) so. */
const comment = z.object({
  kind: z.literal('comment'),
  id: rowId,
  paper: z.string().min(1),
  user: z.string().min(1),
  parent: z.object({ user: z.string().min(1), createdAt: text }).nullable(),
  body: text,
  createdAt: text,
  editedAt: maybeText,
  deletedAt: maybeText,
  hiddenAt: maybeText,
});

const collection = z.object({
  kind: z.literal('collection'),
  id: rowId,
  owner: z.string().min(1),
  name: z.string().min(1),
  isPublic: z.boolean(),
  createdAt: text,
});

const collectionItem = z.object({
  kind: z.literal('collection-item'),
  owner: z.string().min(1),
  collection: z.string().min(1),
  paper: z.string().min(1),
  addedAt: text,
});

const auditEntry = z.object({
  kind: z.literal('audit-entry'),
  at: text,
  /** The acting account's username (null when it had none); `actor` is the name the log shows. */
  actorUser: maybeText,
  actor: text,
  action: text,
  target: text,
  reason: text,
});

const harvestCheckpoint = z.object({
  kind: z.literal('harvest-checkpoint'),
  set: text,
  lastDatestamp: maybeText,
  pendingToken: maybeText,
  pendingFrom: maybeText,
  pendingUntil: maybeText,
  pendingPages: count,
  updatedAt: text,
});

const harvestRun = z.object({
  kind: z.literal('harvest-run'),
  set: text,
  from: maybeText,
  until: maybeText,
  resumed: z.boolean(),
  owner: maybeText,
  startedAt: text,
  finishedAt: maybeText,
  status: z.enum(['running', 'completed', 'failed', 'interrupted']),
  pages: count,
  records: count,
  inserted: count,
  updated: count,
  unchanged: count,
  deleted: count,
  skipped: count,
  error: maybeText,
});

const mailSubscriber = z.object({
  kind: z.literal('mail-subscriber'),
  id: rowId,
  email: z.string().min(1),
  status: z.enum(['pending', 'active', 'unsubscribed', 'bouncing']),
  createdAt: text,
  statusChangedAt: text,
  bounceReason: maybeText,
});

const mailTopic = z.object({
  kind: z.literal('mail-topic'),
  email: z.string().min(1),
  topic: z.string().min(1),
  digest: z.enum(['daily', 'weekly', 'alerts', 'personal']),
  createdAt: text,
});

const mailConfirmation = z.object({
  kind: z.literal('mail-confirmation'),
  id: rowId,
  email: z.string().min(1),
  topics: text,
  createdAt: text,
  confirmedAt: maybeText,
});

/** A send-log row, known by its subscriber and issue. */
const mailDelivery = z.object({
  kind: z.literal('mail-delivery'),
  email: z.string().min(1),
  issue: z.string().min(1),
  mailKind: z.string().min(1),
  status: z.enum(['pending', 'sending', 'sent', 'failed', 'bounced', 'skipped']),
  content: text,
  attempts: count,
  /** Epoch ms. */
  nextAttemptAt: z.number().int(),
  lastError: maybeText,
  createdAt: text,
  sentAt: maybeText,
  smtpResponse: maybeText,
});

/** A paper a subscriber was sent (or promised) in a digest, and the send-log row (its issue) that did. */
const mailSentPaper = z.object({
  kind: z.literal('mail-sent-paper'),
  email: z.string().min(1),
  digest: z.string().min(1),
  paper: z.string().min(1),
  issue: z.string().min(1),
});

/** A job's record without its lease: a lease held in the old instance means nothing in the new one. */
const mailJob = z.object({
  kind: z.literal('mail-job'),
  name: z.string().min(1),
  startedAt: text,
  finishedAt: maybeText,
});

const instanceRecord = z.discriminatedUnion('kind', [
  paper,
  user,
  vote,
  notInterested,
  comment,
  collection,
  collectionItem,
  auditEntry,
  harvestCheckpoint,
  harvestRun,
  mailSubscriber,
  mailTopic,
  mailConfirmation,
  mailDelivery,
  mailSentPaper,
  mailJob,
]);

export type InstanceRecord = z.infer<typeof instanceRecord>;
export type RecordKind = InstanceRecord['kind'];
export type RecordOf<K extends RecordKind> = Extract<InstanceRecord, { kind: K }>;

/**
 * Every kind, in the order an export writes them: whatever a record refers to comes before it, so a restore
 * reading the file in order always finds it.
 */
export const RECORD_KINDS: readonly RecordKind[] = [
  'paper',
  'user',
  'vote',
  'not-interested',
  'comment',
  'collection',
  'collection-item',
  'audit-entry',
  'harvest-checkpoint',
  'harvest-run',
  'mail-subscriber',
  'mail-topic',
  'mail-confirmation',
  'mail-delivery',
  'mail-sent-paper',
  'mail-job',
];

export type KindCounts = Partial<Record<RecordKind, number>>;

/** The last line: how many records of each kind the file holds. */
export interface InstanceEnd {
  kind: 'end';
  counts: KindCounts;
}

const header = z.object({
  format: z.literal(INSTANCE_FORMAT),
  version: z.number().int(),
  source: z.enum(['sqlite', 'postgres']),
  exportedAt: text,
});

const end = z.object({ kind: z.literal('end'), counts: z.record(z.string(), count) });

function parseJson(line: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(line) as unknown };
  } catch (err) {
    return { ok: false, message: `not valid JSON (${(err as Error).message})` };
  }
}

/** What is wrong with a line, one `field: problem` per issue. */
function issues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || 'line'}: ${issue.message}`).join('; ');
}

/** True when a file's first line is an instance export's header (whatever its version). */
export function isInstanceHeader(line: string): boolean {
  const parsed = parseJson(line);
  return (
    parsed.ok &&
    typeof parsed.value === 'object' &&
    parsed.value !== null &&
    (parsed.value as { format?: unknown }).format === INSTANCE_FORMAT
  );
}

export function parseHeader(line: string): InstanceHeader | string {
  const parsed = parseJson(line);
  if (!parsed.ok) return parsed.message;
  const result = header.safeParse(parsed.value);
  if (!result.success) return `not an instance export header (${issues(result.error)})`;
  if (result.data.version !== INSTANCE_FORMAT_VERSION) {
    return `instance export version ${result.data.version} is not supported (this Paperboy reads version ${INSTANCE_FORMAT_VERSION})`;
  }
  return result.data;
}

/** A record or the end line, or why the line is neither. */
export function parseRecordLine(line: string): InstanceRecord | InstanceEnd | string {
  const parsed = parseJson(line);
  if (!parsed.ok) return parsed.message;
  const value = parsed.value as { kind?: unknown } | null;
  if (value !== null && typeof value === 'object' && value.kind === 'end') {
    const result = end.safeParse(value);
    return result.success ? (result.data as InstanceEnd) : `bad end line (${issues(result.error)})`;
  }
  const result = instanceRecord.safeParse(value);
  if (result.success) return result.data;
  const kind = value !== null && typeof value === 'object' ? value.kind : undefined;
  return typeof kind === 'string' && (RECORD_KINDS as string[]).includes(kind)
    ? `bad ${kind} record (${issues(result.error)})`
    : `unknown record kind ${JSON.stringify(kind ?? null)}`;
}
