/** `/search` — ranked full-text search with filters, highlights and pagination. */
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import type { AppDeps } from '../../app.js';
import { FeedLinks } from '../../feeds/links.js';
import { isSearchable, parseQuery } from '../../search/query.js';
import type { MonthlyCounts } from '../../recommend/records.js';
import type { SearchPage, SearchRequest, SearchSort, Store } from '../../store/store.js';
import { DaySchema } from '../feed-period.js';
import { Flash, Layout, Pagination, renderPage, urlWith } from '../layout.js';
import { pageCache } from '../page-cache.js';
import { PaperCard, PaperList, highlightHtml } from '../paper-card.js';
import { plural } from '../text.js';
import { TrendChart } from '../trend-chart.js';
import { describeIssues, nonEmptyParams, wholeNumber } from '../validation.js';

export const SEARCH_PAGE_SIZE = 20;

const SearchParamsSchema = z
  .object({
    q: z.string().default(''),
    category: z.string().max(64, { message: 'is too long' }).optional(),
    from: DaySchema.optional(),
    to: DaySchema.optional(),
    code: z.enum(['1', 'on', 'true'], { message: 'must be 1 when given' }).optional(),
    sort: z
      .enum(['relevance', 'newest', 'upvotes'], { message: 'must be relevance, newest or upvotes' })
      .default('relevance'),
    page: wholeNumber(1, 500).default(1),
  })
  .refine((p) => !p.from || !p.to || p.from <= p.to, {
    message: 'must not be before the start date',
    path: ['to'],
  });

type SearchParams = z.infer<typeof SearchParamsSchema>;

const SORTS: [SearchSort, string][] = [
  ['relevance', 'Relevance'],
  ['newest', 'Newest'],
  ['upvotes', 'Most upvoted'],
];

/** Counting categories scans the whole index; the list changes only on import, so a minute is fresh enough. */
function cachedCategories(
  store: Store,
  ttlMs = 60_000,
): () => Promise<{ category: string; count: number }[]> {
  let cached: { at: number; value: Promise<{ category: string; count: number }[]> } | null = null;
  return () => {
    if (!cached || Date.now() - cached.at > ttlMs) {
      const value = store.categories();
      cached = { at: Date.now(), value };
      value.catch(() => (cached = null));
    }
    return cached.value;
  };
}

function searchUrl(params: SearchParams, page?: number): string {
  return urlWith('/search', {
    q: params.q,
    category: params.category,
    from: params.from,
    to: params.to,
    code: params.code ? '1' : undefined,
    sort: params.sort === 'relevance' ? undefined : params.sort,
    page: page && page > 1 ? page : undefined,
  });
}

interface SearchViewProps {
  params: SearchParams;
  categories: { category: string; count: number }[];
  results: SearchPage | null;
  error?: string;
  /** True when the query had words but all were exclusions or punctuation. */
  nothingToSearch: boolean;
  /** Matches per month (first page only), for the topic trend chart. */
  trend?: MonthlyCounts | null;
  /** The trend was not counted in time (see TREND_WAIT_MS): the page says so instead of showing it. */
  trendPending?: boolean;
}

/**
 * How long a search page waits for its topic trend. A common topic's trend reads hundreds of thousands of
 * postings at a million papers, and under load its counts queue up: past this the page goes out without the
 * chart (the count goes on, and the next view shows it) rather than keeping the reader waiting.
 */
const TREND_WAIT_MS = 1_500;

/** The promise's value, or null when it fails or takes longer than `ms`. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)));
  try {
    return await Promise.race([promise.catch(() => null), late]);
  } finally {
    clearTimeout(timer);
  }
}

function SyntaxHelp() {
  return (
    <aside class="search-help" aria-labelledby="search-help-heading">
      <h2 id="search-help-heading">Search tips</h2>
      <ul>
        <li>
          Type words or paste a whole abstract: papers matching more of them rank higher, e.g.{' '}
          <code>masked diffusion language</code>.
        </li>
        <li>
          <code>"quoted phrase"</code> must appear as written.
        </li>
        <li>
          <code>-word</code> or <code>-"a phrase"</code> leaves papers containing it out.
        </li>
        <li>
          <code>diffus*</code> matches every word starting with <code>diffus</code>.
        </li>
        <li>Titles count more than abstracts; author names are searched too.</li>
      </ul>
    </aside>
  );
}

export function SearchView({
  params,
  categories,
  results,
  error,
  nothingToSearch,
  trend,
  trendPending,
}: SearchViewProps) {
  const total = results?.total ?? 0;
  const pageCount = Math.max(1, Math.ceil(total / SEARCH_PAGE_SIZE));
  const offset = (params.page - 1) * SEARCH_PAGE_SIZE;
  const knownCategory = categories.some((c) => c.category === params.category);
  return (
    <Layout
      title={params.q ? `Search: ${params.q}` : 'Search'}
      active="search"
      searchBox={false}
      head={
        <>
          <meta name="robots" content="noindex" />
          {params.q.trim() ? (
            <FeedLinks feeds={[{ kind: 'search', q: params.q.trim(), category: params.category }]} />
          ) : null}
        </>
      }
    >
      <h1 class="visually-hidden">Search papers</h1>
      <form class="search-form" action="/search" method="get" data-autosubmit>
        <div class="search-main">
          <label for="q" class="visually-hidden">
            Search query
          </label>
          <input
            id="q"
            type="search"
            name="q"
            value={params.q}
            placeholder='masked diffusion, "vision transformer", -survey, token*'
            autocomplete="off"
            data-hotkey="/"
          />
          <button type="submit" class="button button-primary">
            Search
          </button>
        </div>
        <fieldset class="filters">
          <legend class="visually-hidden">Filters</legend>
          <label>
            <span>Category</span>
            <select name="category">
              <option value="">All categories</option>
              {params.category && !knownCategory ? (
                <option value={params.category} selected>
                  {params.category}
                </option>
              ) : null}
              {categories.map(({ category, count }) => (
                <option value={category} selected={category === params.category}>
                  {category} ({count.toLocaleString('en-US')})
                </option>
              ))}
            </select>
          </label>
          <label>
            <span>From</span>
            <input type="date" name="from" value={params.from ?? ''} />
          </label>
          <label>
            <span>To</span>
            <input type="date" name="to" value={params.to ?? ''} />
          </label>
          <label>
            <span>Sort</span>
            <select name="sort">
              {SORTS.map(([value, label]) => (
                <option value={value} selected={value === params.sort}>
                  {label}
                </option>
              ))}
            </select>
          </label>
          <label class="check">
            <input type="checkbox" name="code" value="1" checked={Boolean(params.code)} />
            <span>Has code</span>
          </label>
          <noscript>
            <button type="submit" class="button button-secondary">
              Apply filters
            </button>
          </noscript>
        </fieldset>
      </form>

      {error ? <Flash kind="error">{error}</Flash> : null}

      {results === null && !error ? (
        <SyntaxHelp />
      ) : results ? (
        <section class="results" aria-labelledby="results-heading">
          <h2 id="results-heading" class="results-count" aria-live="polite">
            {total === 0
              ? `No results for “${params.q}”`
              : results.totalCapped
                ? `${total.toLocaleString('en-US')}+ results for “${params.q}”`
                : `${plural(total, 'result')} for “${params.q}”`}
          </h2>
          {trend && total > 0 ? <TrendChart counts={trend} subject={params.q} /> : null}
          {trendPending && total > 0 ? (
            <p class="trend-pending">
              Papers per month are still being counted: reload the page to see them.
            </p>
          ) : null}
          {total === 0 ? (
            <>
              <Flash kind="info">
                {nothingToSearch
                  ? 'Your query has no words to search for — exclusions like -word only narrow a search.'
                  : params.category || params.from || params.to || params.code
                    ? 'Nothing matches with these filters. Try removing some.'
                    : 'Nothing matches. Try fewer or different words.'}
              </Flash>
              <SyntaxHelp />
            </>
          ) : results.items.length === 0 ? (
            <Flash kind="info">
              Page {params.page} is past the last result.{' '}
              <a href={searchUrl(params)}>Back to the first page.</a>
            </Flash>
          ) : (
            <PaperList start={offset + 1}>
              {results.items.map((hit) => (
                <li>
                  <PaperCard
                    paper={hit.paper}
                    titleHtml={highlightHtml(hit.titleHighlighted)}
                    snippetHtml={hit.snippet ? highlightHtml(hit.snippet) : undefined}
                    showDate
                  />
                </li>
              ))}
            </PaperList>
          )}
          <Pagination page={params.page} pageCount={pageCount} href={(page) => searchUrl(params, page)} />
        </section>
      ) : null}
    </Layout>
  );
}

export function registerSearch(web: Hono, { store }: AppDeps): void {
  const categories = cachedCategories(store);
  // Popular searches repeat: kept rendered for visitors not signed in, until the data changes (see pageCache).
  const cached = pageCache(store);
  const renderSearch = async (c: Context): Promise<Response> => {
    const input = nonEmptyParams(c.req.query());
    const parsed = SearchParamsSchema.safeParse(input);
    if (!parsed.success) {
      const fallback = SearchParamsSchema.safeParse({ q: input.q });
      const params = fallback.success ? fallback.data : { q: '', sort: 'relevance' as const, page: 1 };
      return renderPage(
        c,
        <SearchView
          params={params}
          categories={await categories()}
          results={null}
          error={describeIssues(parsed.error, input)}
          nothingToSearch={false}
        />,
        400,
      );
    }
    const params = parsed.data;
    const query = parseQuery(params.q);
    let results: SearchPage | null = null;
    let trend: MonthlyCounts | null = null;
    let trendPending = false;
    if (params.q.trim()) {
      const request: SearchRequest = {
        query,
        filters: {
          category: params.category,
          from: params.from,
          to: params.to,
          hasCode: params.code ? true : undefined,
        },
        sort: params.sort,
        offset: (params.page - 1) * SEARCH_PAGE_SIZE,
        limit: SEARCH_PAGE_SIZE,
      };
      // Counted beside the search (in a worker thread at large scale), and only waited for if it matches.
      const counting = isSearchable(query) && params.page === 1 ? store.searchMonthlyCounts(request) : null;
      counting?.catch(() => undefined);
      results = isSearchable(query)
        ? await store.search(request)
        : { items: [], total: 0, totalCapped: false };
      if (counting && results.total > 0) {
        trend = await within(counting, TREND_WAIT_MS);
        trendPending = trend === null;
        // An incomplete page is not kept, by the page cache or anyone else.
        if (trendPending) c.header('Cache-Control', 'no-store');
      }
    }
    return renderPage(
      c,
      <SearchView
        params={params}
        categories={await categories()}
        results={results}
        nothingToSearch={results !== null && !isSearchable(query)}
        trend={trend}
        trendPending={trendPending}
      />,
    );
  };
  web.get('/search', (c) => cached(c, () => renderSearch(c)));
}
