/**
 * The JSON API under /api, compatible with the Hugging Face papers API so that the huggingface_hub
 * client works against Paperboy (HF_ENDPOINT). Every route is declared with its zod schemas, which
 * both validate requests and generate /api/openapi.json.
 */
import { OpenAPIHono, createRoute, type z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { cors } from 'hono/cors';
import type { AppDeps } from '../app.js';
import { parseArxivId } from '../model/arxiv-id.js';
import { isSearchable, parseQuery } from '../search/query.js';
import type { FeedSort, Store } from '../store/store.js';
import { periodFromParams } from '../web/feed-period.js';
import { describeIssues } from '../web/validation.js';
import { type OpenApiDocument, renderApiDocs } from './docs-page.js';
import { toDailyItem, toHfPaperDetail } from './hf-mapping.js';
import {
  DEFAULT_LIMIT,
  DEFAULT_SIMILAR_LIMIT,
  DailyPapersQuerySchema,
  ErrorSchema,
  HfDailyItemSchema,
  HfPaperDetailSchema,
  PaperParamsSchema,
  SearchHeadersSchema,
  SearchQuerySchema,
  SimilarQuerySchema,
} from './schemas.js';

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});

const dailyPapersRoute = createRoute({
  method: 'get',
  path: '/daily_papers',
  summary: 'Papers on the feed of a day, week or month (all days when none is given)',
  request: { query: DailyPapersQuerySchema },
  responses: {
    200: json(HfDailyItemSchema.array(), 'Daily papers, newest first unless sort=trending'),
    400: json(ErrorSchema, 'Invalid parameter, e.g. date=2025-13-40'),
  },
});

const searchRoute = createRoute({
  method: 'get',
  path: '/papers/search',
  summary: 'Full-text search over titles, abstracts and authors, best match first',
  request: { query: SearchQuerySchema },
  responses: {
    200: {
      ...json(HfDailyItemSchema.array(), 'Matching papers, a page of them'),
      headers: SearchHeadersSchema,
    },
    400: json(ErrorSchema, 'Invalid parameter'),
  },
});

const paperRoute = createRoute({
  method: 'get',
  path: '/papers/{id}',
  summary: 'One paper by arXiv id (old-style ids such as astro-ph/0601001 work too) or Paperboy id',
  request: { params: PaperParamsSchema },
  responses: {
    200: json(HfPaperDetailSchema, 'The paper'),
    404: json(ErrorSchema, 'No such paper'),
  },
});

const similarRoute = createRoute({
  method: 'get',
  path: '/papers/{id}/similar',
  summary: 'Papers on the same topic as this one, most similar first',
  request: { params: PaperParamsSchema, query: SimilarQuerySchema },
  responses: {
    200: json(HfDailyItemSchema.array(), 'Similar papers'),
    400: json(ErrorSchema, 'Invalid parameter'),
    404: json(ErrorSchema, 'No such paper'),
  },
});

/** Everything the API answers is JSON, errors included: `{"error": "..."}`. */
export function apiError(c: Context, status: 400 | 404 | 500, message: string): Response {
  return c.json({ error: message }, status);
}

async function findPaper(store: Store, requested: string) {
  // Versioned ids and `arXiv:` prefixes name the same paper.
  return store.getPaper(parseArxivId(requested)?.id ?? requested);
}

export function apiRoutes(deps: AppDeps): OpenAPIHono {
  const { store } = deps;
  const api = new OpenAPIHono({
    defaultHook: (result, c) => {
      if (!result.success) {
        const input = result.target === 'param' ? c.req.param() : c.req.query();
        return apiError(c, 400, describeIssues(result.error, input));
      }
      return undefined;
    },
  });

  // A public, read-only API: any site may call it from the browser (no cookies are involved).
  api.use(
    '*',
    cors({
      origin: '*',
      allowMethods: ['GET', 'HEAD', 'OPTIONS'],
      exposeHeaders: Object.keys(SearchHeadersSchema.shape),
    }),
  );

  api.openapi(dailyPapersRoute, async (c) => {
    const query = c.req.valid('query');
    const limit = query.limit ?? DEFAULT_LIMIT;
    const period = periodFromParams(query);
    // Without a period the whole feed is listed, newest day first, as Hugging Face does.
    const sort: FeedSort = query.sort === 'trending' ? 'trending' : 'newest';
    const page = await store.listFeed({
      from: period?.from ?? '0000-01-01',
      to: period?.to ?? '9999-12-31',
      sort,
      offset: (query.p ?? 0) * limit,
      limit,
      submitter: query.submitter,
      // The answer is a bare list: nothing shows a total.
      count: false,
    });
    return c.json(page.items.map(toDailyItem), 200);
  });

  api.openapi(searchRoute, async (c) => {
    const query = c.req.valid('query');
    const parsed = parseQuery(query.q);
    const limit = query.limit ?? DEFAULT_LIMIT;
    const result = isSearchable(parsed)
      ? await store.search({
          query: parsed,
          filters: {},
          sort: 'relevance',
          offset: (query.p ?? 0) * limit,
          limit,
        })
      : { items: [], total: 0, totalCapped: false };
    return c.json(
      result.items.map((hit) => toDailyItem(hit.paper)),
      200,
      { 'X-Total-Count': String(result.total), 'X-Total-Count-Capped': String(result.totalCapped) },
    );
  });

  api.openapi(paperRoute, async (c) => {
    const { id } = c.req.valid('param');
    const paper = await findPaper(store, id);
    if (!paper) return c.json({ error: `Paper ${id} not found` }, 404);
    return c.json(toHfPaperDetail(paper), 200);
  });

  api.openapi(similarRoute, async (c) => {
    const { id } = c.req.valid('param');
    const paper = await findPaper(store, id);
    if (!paper) return c.json({ error: `Paper ${id} not found` }, 404);
    const similar = await store.similarPapers(paper.id, c.req.valid('query').limit ?? DEFAULT_SIMILAR_LIMIT);
    return c.json(similar.map(toDailyItem), 200);
  });

  // Old-style arXiv ids hold a slash (astro-ph/0601001), which a single path parameter cannot match.
  api.get('/papers/:archive{[a-z-]+(?:\\.[A-Z]{2})?}/:number{\\d{7}(?:v\\d+)?}', async (c) => {
    const id = `${c.req.param('archive')}/${c.req.param('number')}`;
    const paper = await findPaper(store, id);
    return paper ? c.json(toHfPaperDetail(paper), 200) : apiError(c, 404, `Paper ${id} not found`);
  });

  const openApiConfig = {
    openapi: '3.1.0',
    info: {
      title: 'Paperboy API',
      version: '1',
      description:
        'Research papers: daily feed, search and paper metadata, shaped like the Hugging Face papers API.',
    },
    servers: [{ url: '/api' }],
  };
  api.doc31('/openapi.json', openApiConfig);

  // The same document as a page for people; generated once, after every route above is registered.
  let doc: OpenApiDocument | null = null;
  api.get('/', (c) => {
    // The generator's types are the whole OpenAPI model; the page reads the subset OpenApiDocument names.
    doc ??= api.getOpenAPI31Document(openApiConfig) as unknown as OpenApiDocument;
    return renderApiDocs(c, doc, deps.config.baseUrl);
  });

  api.onError((err, c) => {
    deps.logger.error({ err, path: c.req.path }, 'API request failed');
    return apiError(c, 500, 'Internal error; please try again.');
  });
  return api;
}

/** JSON 404 for paths under /api that no route answers. */
export function apiNotFound(c: Context): Response {
  return apiError(c, 404, `No API endpoint at ${c.req.path}`);
}
