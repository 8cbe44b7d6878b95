/**
 * Request and response schemas of the JSON API. The same schemas validate requests and describe the
 * API in /api/openapi.json. Response shapes follow the Hugging Face papers API (see shared/README.md):
 * keys the client reads only at the top level (title, numComments, githubRepo, …) are there, and
 * unknown values are left out rather than sent as null, as Hugging Face does.
 */
import { z } from '@hono/zod-openapi';
import { atMostOnePeriod, periodFields } from '../web/feed-period.js';
import { SEARCH_TOTAL_CAP } from '../store/store.js';
import { wholeNumber } from '../web/validation.js';

export const MAX_LIMIT = 100;
export const DEFAULT_LIMIT = 50;

const Timestamp = z.string().openapi({ format: 'date-time', example: '2024-05-24T17:34:15.000Z' });

export const HfUserSchema = z
  .object({
    user: z.string().openapi({ description: 'Username (the huggingface_hub client reads this key)' }),
    name: z.string().openapi({ description: 'Username again, as Hugging Face sends it in submittedBy' }),
    fullname: z.string(),
    avatarUrl: z.string().optional(),
    type: z.literal('user'),
  })
  .openapi('User');

export const HfAuthorSchema = z.object({ name: z.string(), hidden: z.boolean() }).openapi('Author');

export const HfOrganizationSchema = z
  .object({ name: z.string(), fullname: z.string() })
  .openapi('Organization');

export const HfPaperSchema = z
  .object({
    id: z.string().openapi({
      example: '2406.09414',
      description: 'arXiv id without version, or a Paperboy id (pb-…) for a paper not on arXiv',
    }),
    authors: z.array(HfAuthorSchema),
    publishedAt: Timestamp.optional().openapi({ description: 'First submission to arXiv' }),
    title: z.string().openapi({ description: 'LaTeX as written' }),
    summary: z.string().openapi({ description: 'The abstract; paragraphs separated by a blank line' }),
    upvotes: z.number().int().openapi({ description: 'Imported upvotes plus upvotes on Paperboy' }),
    discussionId: z.string().openapi({ description: 'Comments on Paperboy are keyed by the paper id' }),
    githubRepo: z.string().optional().openapi({ description: 'Code repository URL' }),
    githubStars: z.number().int().optional(),
    projectPage: z.string().optional().openapi({ description: 'Project page URL' }),
    submittedOnDailyAt: Timestamp.openapi({ description: 'When the paper entered the feed' }),
    submittedOnDailyBy: HfUserSchema.optional(),
    ai_summary: z.string().optional(),
    ai_keywords: z.array(z.string()).optional(),
    organization: HfOrganizationSchema.optional(),
  })
  .openapi('Paper');

export const HfPaperDetailSchema = HfPaperSchema.extend({ numComments: z.number().int() }).openapi(
  'PaperDetail',
);

export const HfDailyItemSchema = z
  .object({
    paper: HfPaperSchema,
    id: z.string().openapi({ description: 'Same as paper.id' }),
    title: z
      .string()
      .openapi({ description: 'Same as paper.title; the huggingface_hub client reads it here' }),
    summary: z.string().openapi({ description: 'Same as paper.summary' }),
    publishedAt: Timestamp.openapi({ description: 'When the paper entered the daily feed' }),
    numComments: z.number().int().openapi({ description: 'Comments on Paperboy' }),
    submittedBy: HfUserSchema.optional(),
    githubRepo: z.string().optional(),
    githubStars: z.number().int().optional(),
    projectPage: z.string().optional(),
    ai_summary: z.string().optional(),
    ai_keywords: z.array(z.string()).optional(),
    organization: HfOrganizationSchema.optional(),
  })
  .openapi('DailyPaper');

export const ErrorSchema = z.object({ error: z.string() }).openapi('Error');

const limit = wholeNumber(1, MAX_LIMIT)
  .optional()
  .openapi({
    type: 'integer',
    minimum: 1,
    maximum: MAX_LIMIT,
    default: DEFAULT_LIMIT,
    description: `Items per page (at most ${MAX_LIMIT})`,
  });

export const DailyPapersQuerySchema = z
  .object({
    date: periodFields.date.meta({
      format: 'date',
      example: '2024-06-14',
      description: 'One feed day, YYYY-MM-DD (UTC)',
    }),
    week: periodFields.week.meta({
      pattern: '^\\d{4}-W\\d{2}$',
      example: '2024-W24',
      description: 'An ISO week, YYYY-Www (Monday to Sunday)',
    }),
    month: periodFields.month.meta({
      pattern: '^\\d{4}-\\d{2}$',
      example: '2024-06',
      description: 'A calendar month, YYYY-MM',
    }),
    p: wholeNumber(0, 1_000_000).optional().openapi({
      type: 'integer',
      minimum: 0,
      default: 0,
      description: 'Page index from 0; past the end gives []',
    }),
    limit,
    sort: z
      .enum(['publishedAt', 'trending'], { message: 'must be publishedAt or trending' })
      .optional()
      .openapi({
        description:
          'publishedAt: newest on the feed first (default); trending: the trending score (see /about/ranking)',
      }),
    submitter: z.string().max(100).optional().openapi({ description: 'Only papers this user submitted' }),
  })
  .refine(...atMostOnePeriod);

export const SearchQuerySchema = z
  .object({
    q: z.string().max(20_000).openapi({ description: 'Search text: words, "phrases", -exclusions, prefix*' }),
    p: wholeNumber(0, SEARCH_TOTAL_CAP)
      .optional()
      .openapi({
        type: 'integer',
        minimum: 0,
        default: 0,
        description: `Page index from 0; past the last match gives [], past the first ${SEARCH_TOTAL_CAP.toLocaleString('en-US')} matches a 400`,
      }),
    limit,
  })
  // Matches are counted up to the cap (see SEARCH_TOTAL_CAP): pages past it are not served, as on /search.
  .refine((query) => (query.p ?? 0) * (query.limit ?? DEFAULT_LIMIT) < SEARCH_TOTAL_CAP, {
    message: `must not reach past the first ${SEARCH_TOTAL_CAP.toLocaleString('en-US')} matches`,
    path: ['p'],
  });

/** Headers of a search answer: how many papers match, counted up to SEARCH_TOTAL_CAP. */
export const SearchHeadersSchema = z.object({
  'X-Total-Count': z.string().openapi({
    description: `Papers matching the query, counted up to ${SEARCH_TOTAL_CAP.toLocaleString('en-US')}`,
    example: '137',
  }),
  'X-Total-Count-Capped': z.enum(['true', 'false']).openapi({
    description: 'true when counting stopped at the cap: more papers match than X-Total-Count says',
  }),
});

export const DEFAULT_SIMILAR_LIMIT = 10;

export const SimilarQuerySchema = z.object({
  limit: wholeNumber(1, MAX_LIMIT)
    .optional()
    .openapi({
      type: 'integer',
      minimum: 1,
      maximum: MAX_LIMIT,
      default: DEFAULT_SIMILAR_LIMIT,
      description: `How many similar papers (at most ${MAX_LIMIT})`,
    }),
});

export const PaperParamsSchema = z.object({
  id: z.string().openapi({
    param: { name: 'id', in: 'path' },
    example: '2406.09414',
    description: 'arXiv id, versioned or not (2406.09414v2), old style (astro-ph/0601001), or a Paperboy id',
  }),
});

export type HfUser = z.infer<typeof HfUserSchema>;
export type HfPaper = z.infer<typeof HfPaperSchema>;
export type HfPaperDetail = z.infer<typeof HfPaperDetailSchema>;
export type HfDailyItem = z.infer<typeof HfDailyItemSchema>;
