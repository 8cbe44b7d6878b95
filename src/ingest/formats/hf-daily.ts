import { z } from 'zod';
import { emptyPaper, type PaperInput, type Submitter } from '../../model/paper.js';
import { extractLinks } from '../links.js';
import { collapseWhitespace, unwrapParagraphs } from '../text.js';
import {
  arxivIdField,
  dayField,
  nameList,
  optionalText,
  parseRecord,
  RecordError,
  timestampField,
} from './record.js';

const HF_ORIGIN = 'https://huggingface.co';

// `paper.submittedOnDailyBy` names the user `user`; the top-level `submittedBy` calls it `name`.
const HfUser = z.object({
  user: z.string().optional(),
  name: z.string().optional(),
  fullname: z.string().nullish(),
  avatarUrl: z.string().nullish(),
});

const HfOrganization = z.object({ name: z.string().optional(), fullname: z.string().nullish() });

/** Only web links: pages turn these into hrefs, and a `javascript:` URL there would run on click. */
const url = z
  .string()
  .nullish()
  .transform((text) => (text && isWebUrl(text.trim()) ? text.trim() : null));

function isWebUrl(text: string): boolean {
  return /^https?:\/\//i.test(text) && URL.canParse(text);
}

// Fields Hugging Face puts on the paper, the top level or both, depending on the API version.
const shared = {
  title: z.string().nullish(),
  summary: z.string().nullish(),
  githubRepo: url,
  projectPage: url,
  githubStars: z.number().int().nonnegative().nullish(),
  ai_summary: optionalText,
  ai_keywords: nameList,
  organization: HfOrganization.nullish(),
};

const HfDailyEntry = z.object({
  ...shared,
  paper: z.object({
    ...shared,
    id: arxivIdField,
    authors: z.array(z.object({ name: z.string() })).nullish(),
    publishedAt: timestampField.nullish(),
    submittedOnDailyAt: timestampField.nullish(),
    submittedOnDailyBy: HfUser.nullish(),
    upvotes: z.number().int().nonnegative().nullish(),
  }),
  publishedAt: timestampField.nullish(),
  submittedBy: HfUser.nullish(),
  _archive_date: dayField.optional(),
});

/**
 * One entry of Hugging Face's `/api/daily_papers` (an element of a day's array, or a line of the
 * archive's JSON Lines). The feed day is, in order of trust: `_archive_date` (the day page the
 * archive fetched it from), the day of `paper.submittedOnDailyAt`, the day of the top-level
 * `publishedAt` (older API versions: the time the paper entered the daily feed). `paper.publishedAt`
 * is the arXiv date.
 */
export function fromHfDaily(value: unknown): PaperInput {
  const entry = parseRecord(HfDailyEntry, value);
  const { paper } = entry;
  const title = collapseWhitespace(entry.title ?? paper.title ?? '');
  if (title === '') throw new RecordError('no title');
  const feedDate =
    entry._archive_date ?? paper.submittedOnDailyAt?.slice(0, 10) ?? entry.publishedAt?.slice(0, 10);
  if (!feedDate) throw new RecordError('missing publishedAt (the day the paper entered the feed)');
  const summary = paper.summary ?? entry.summary ?? '';
  const found = extractLinks(summary);
  const organization = entry.organization ?? paper.organization;
  return {
    ...emptyPaper(paper.id.id, title, feedDate),
    version: paper.id.version ?? 1,
    authors: (paper.authors ?? []).map((author) => collapseWhitespace(author.name)).filter(Boolean),
    abstract: unwrapParagraphs(summary),
    publishedAt: paper.publishedAt ?? null,
    codeUrl: entry.githubRepo ?? paper.githubRepo ?? found.codeUrl,
    projectUrl: entry.projectPage ?? paper.projectPage ?? found.projectUrl,
    upvotes: paper.upvotes ?? 0,
    submittedBy: toSubmitter(paper.submittedOnDailyBy ?? entry.submittedBy),
    githubStars: entry.githubStars ?? paper.githubStars ?? null,
    aiSummary: entry.ai_summary ?? paper.ai_summary,
    aiKeywords: entry.ai_keywords.length > 0 ? entry.ai_keywords : paper.ai_keywords,
    organization: organizationName(organization),
  };
}

function toSubmitter(user: z.infer<typeof HfUser> | null | undefined): Submitter | null {
  const handle = user?.user ?? user?.name;
  if (!user || !handle) return null;
  const avatar = user.avatarUrl?.trim();
  return {
    user: handle,
    fullname: user.fullname?.trim() || handle,
    // Hugging Face serves default avatars as site-relative paths, which would point at this server.
    avatarUrl:
      avatar && URL.canParse(avatar, HF_ORIGIN) && isWebUrl(new URL(avatar, HF_ORIGIN).href)
        ? new URL(avatar, HF_ORIGIN).href
        : null,
  };
}

// The model keeps the organization's display name; Hugging Face's object also has a handle and avatar.
function organizationName(organization: z.infer<typeof HfOrganization> | null | undefined): string | null {
  return organization?.fullname?.trim() || organization?.name?.trim() || null;
}
