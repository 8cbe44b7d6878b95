/** `/` — the feed of a day, an ISO week or a month, newest day by default. */
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import type { AppDeps } from '../../app.js';
import { FeedLinks } from '../../feeds/links.js';
import type { FeedSort, Store } from '../../store/store.js';
import {
  type FeedPeriod,
  type PeriodKind,
  addDays,
  atMostOnePeriod,
  formatPeriod,
  periodContaining,
  periodFields,
  periodFromParams,
} from '../feed-period.js';
import { Flash, Layout, type NavSection, Pagination, renderError, renderPage, urlWith } from '../layout.js';
import { pageCache } from '../page-cache.js';
import { PaperCard, PaperList } from '../paper-card.js';
import { upvoteButtons } from '../../community/components.js';
import { plural } from '../text.js';
import { describeIssues, nonEmptyParams, wholeNumber } from '../validation.js';

export const FEED_PAGE_SIZE = 30;

const FeedParamsSchema = z
  .object({
    ...periodFields,
    period: z.enum(['day', 'week', 'month'], { message: 'must be day, week or month' }).optional(),
    sort: z.enum(['upvotes', 'newest'], { message: 'must be upvotes or newest' }).default('upvotes'),
    page: wholeNumber(1, 100_000).default(1),
  })
  .refine(...atMostOnePeriod);

const NOUN: Record<PeriodKind, { adjective: string; unit: string; nav: NavSection }> = {
  day: { adjective: 'Daily', unit: 'day', nav: 'daily' },
  week: { adjective: 'Weekly', unit: 'week', nav: 'weekly' },
  month: { adjective: 'Monthly', unit: 'month', nav: 'monthly' },
};

/** The URL of a period's feed; the latest day is plain `/` so the home page has one address. */
function periodUrl(period: FeedPeriod, extra: { sort?: FeedSort; page?: number } = {}): string {
  const sort = extra.sort === 'upvotes' ? undefined : extra.sort;
  const page = extra.page === 1 ? undefined : extra.page;
  const key = period.kind === 'day' ? 'date' : period.kind;
  return urlWith('/', { [key]: period.key, sort, page });
}

export function registerFeed(web: Hono, { store }: AppDeps): void {
  // The home page is what most visitors open: kept rendered for those not signed in (see pageCache).
  const cached = pageCache(store);
  web.get('/', (c) => cached(c, () => renderFeed(c, store)));
}

async function renderFeed(c: Context, store: Store): Promise<Response> {
  const input = nonEmptyParams(c.req.query());
  const parsed = FeedParamsSchema.safeParse(input);
  if (!parsed.success) {
    return renderError(c, 400, 'Invalid feed address', describeIssues(parsed.error, input));
  }
  const params = parsed.data;
  const latest = await store.latestFeedDay();
  if (!latest) {
    return renderPage(
      c,
      <Layout title="" active="daily">
        <section class="empty-state">
          <h1>No papers yet</h1>
          <p>
            Import some with <code>paperboy import FILE…</code>, or start Paperboy on an empty database to
            load the demo corpus.
          </p>
        </section>
      </Layout>,
    );
  }
  const period = periodFromParams(params) ?? periodContaining(params.period ?? 'day', latest);
  const offset = (params.page - 1) * FEED_PAGE_SIZE;
  // The day after a period's end, so feedNeighbours(…).previous is the period's last day with papers.
  const after = addDays(period.to, 1);
  const [feed, neighbours, lastInPeriod] = await Promise.all([
    store.listFeed({ from: period.from, to: period.to, sort: params.sort, offset, limit: FEED_PAGE_SIZE }),
    store.feedNeighbours(period.from, period.to),
    store.feedNeighbours(after, after),
  ]);
  // --- community: upvote buttons for the page's papers (a log-in link for visitors).
  const votes = await upvoteButtons(c, store, feed.items);
  // Empty periods are skipped: "previous" is the nearest earlier period that has papers.
  const previous = neighbours.previous ? periodContaining(period.kind, neighbours.previous) : null;
  const next = neighbours.next ? periodContaining(period.kind, neighbours.next) : null;
  const pageCount = Math.max(1, Math.ceil(feed.total / FEED_PAGE_SIZE));
  const noun = NOUN[period.kind];
  // Switching between day, week and month keeps the reader near the same dates.
  const anchorDay =
    lastInPeriod.previous && lastInPeriod.previous >= period.from ? lastInPeriod.previous : period.to;
  const heading = formatPeriod(period);
  const isHome = period.kind === 'day' && period.key === latest && !params.date;

  return renderPage(
    c,
    <Layout
      title={isHome ? '' : `${noun.adjective} papers: ${heading}`}
      active={noun.nav}
      head={<FeedLinks feeds={[{ kind: 'daily' }, { kind: 'trending' }]} />}
    >
      <section class="feed-head">
        <p class="eyebrow">{noun.adjective} papers</p>
        <h1>{heading}</h1>
        <p class="feed-count">
          {plural(feed.total, 'paper')}
          {feed.total > 0 ? `, ${params.sort === 'upvotes' ? 'most upvoted first' : 'newest first'}` : ''}
        </p>
      </section>

      <nav class="period-nav" aria-label={`Other ${noun.unit}s`}>
        {previous ? (
          <a class="period-step" href={periodUrl(previous, { sort: params.sort })} rel="prev">
            <span>
              <span aria-hidden="true">←</span> Previous {noun.unit}
            </span>
            <span class="period-step-label">{formatPeriod(previous)}</span>
          </a>
        ) : (
          <span class="period-step disabled">
            <span>
              <span aria-hidden="true">←</span> Previous {noun.unit}
            </span>
          </span>
        )}
        {next ? (
          <a class="period-step period-step-next" href={periodUrl(next, { sort: params.sort })} rel="next">
            <span>
              Next {noun.unit} <span aria-hidden="true">→</span>
            </span>
            <span class="period-step-label">{formatPeriod(next)}</span>
          </a>
        ) : (
          <span class="period-step period-step-next disabled">
            <span>
              Next {noun.unit} <span aria-hidden="true">→</span>
            </span>
          </span>
        )}
      </nav>

      <div class="toolbar">
        <div class="segmented" role="group" aria-label="Period">
          {(['day', 'week', 'month'] as const).map((kind) => (
            <a
              href={periodUrl(periodContaining(kind, anchorDay), { sort: params.sort })}
              aria-current={kind === period.kind ? 'true' : undefined}
            >
              {NOUN[kind].unit.charAt(0).toUpperCase() + NOUN[kind].unit.slice(1)}
            </a>
          ))}
        </div>
        <div class="segmented" role="group" aria-label="Sort">
          {(
            [
              ['upvotes', 'Top'],
              ['newest', 'Newest'],
            ] as const
          ).map(([sort, label]) => (
            <a href={periodUrl(period, { sort })} aria-current={sort === params.sort ? 'true' : undefined}>
              {label}
            </a>
          ))}
        </div>
      </div>

      {feed.total === 0 ? (
        <Flash kind="info">
          No papers on {heading}.{' '}
          {previous ? <a href={periodUrl(previous)}>See the previous {noun.unit} with papers.</a> : null}
        </Flash>
      ) : feed.items.length === 0 ? (
        <Flash kind="info">
          Page {params.page} is past the end of this {noun.unit}.{' '}
          <a href={periodUrl(period, { sort: params.sort })}>Back to the first page.</a>
        </Flash>
      ) : (
        <PaperList start={offset + 1}>
          {feed.items.map((paper) => (
            <li>
              <PaperCard paper={paper} showDate={period.kind !== 'day'} vote={votes.get(paper.id)} />
            </li>
          ))}
        </PaperList>
      )}

      <Pagination
        page={params.page}
        pageCount={pageCount}
        href={(page) => periodUrl(period, { sort: params.sort, page })}
      />
    </Layout>,
  );
}
