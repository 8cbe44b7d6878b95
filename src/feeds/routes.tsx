/**
 * Atom and RSS feeds: `/feeds/daily`, `/feeds/trending`, `/feeds/category/:cat` and `/feeds/search?q=`,
 * each as `.atom` and `.rss`, with conditional GET; and `/feeds`, a page listing them.
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppDeps } from '../app.js';
import type { Paper } from '../model/paper.js';
import { TRENDING_WINDOWS, trendingWindowRange } from '../rank/trending.js';
import { isSearchable, parseQuery } from '../search/query.js';
import type { Store } from '../store/store.js';
import { Layout, renderPage, urlWith } from '../web/layout.js';
import { describeIssues, nonEmptyParams } from '../web/validation.js';
import { sendCacheable } from './conditional-get.js';
import { type Feed, type FeedFormat, FEED_CONTENT_TYPES, buildFeed, dayTimestamp } from './feed.js';
import { renderAtom } from './atom.js';
import { type FeedSubject, FeedLinks, feedPath, feedTitle } from './links.js';
import { renderRss } from './rss.js';

/** Entries per feed: a day of a busy feed, without making every poll download the archive. */
export const FEED_SIZE = 100;
/** Readers poll often; a quarter of an hour of staleness costs nobody anything. */
const MAX_AGE_SECONDS = 900;
/** Categories listed on /feeds. */
const LISTED_CATEGORIES = 40;

/** arXiv category names: `cs.LG`, `hep-th`, `astro-ph.CO`, `cond-mat.mes-hall`. */
const CategorySchema = z
  .string()
  .max(64, { message: 'is too long' })
  .regex(/^[a-z][a-z-]*(\.[A-Za-z][A-Za-z-]*)?$/, { message: 'must be an arXiv category such as cs.LG' });

const SearchFeedParams = z.object({
  q: z
    .string()
    .trim()
    .min(1, { message: 'is required: the words to search for' })
    .max(1000, { message: 'is too long' }),
  category: CategorySchema.optional(),
});

const EPOCH = '1970-01-01T00:00:00.000Z';

interface FeedContent {
  papers: Paper[];
  subtitle: string;
  htmlPath: string;
}

async function feedContent(store: Store, subject: FeedSubject, latest: string | null): Promise<FeedContent> {
  switch (subject.kind) {
    case 'daily': {
      const papers = latest
        ? (await store.listFeed({ from: latest, to: latest, sort: 'upvotes', offset: 0, limit: FEED_SIZE }))
            .items
        : [];
      return { papers, subtitle: 'The newest day’s papers, most upvoted first.', htmlPath: '/' };
    }
    case 'trending': {
      const range = latest ? trendingWindowRange('week', latest) : null;
      const papers = range
        ? (await store.listFeed({ ...range, sort: 'trending', offset: 0, limit: FEED_SIZE })).items
        : [];
      return {
        papers,
        subtitle: `Papers of the last ${TRENDING_WINDOWS.week.days} days by trending score: upvotes and discussion, newer first.`,
        htmlPath: '/trending',
      };
    }
    case 'category': {
      // All time, not a recent window: a category quiet for a while (or an instance not harvesting) still
      // lists its newest papers. Newest first stops early for busy categories; rare ones are small.
      const papers = await store.newestPapersInCategory(
        subject.category,
        '0000-01-01',
        '9999-12-31',
        FEED_SIZE,
      );
      return {
        papers,
        subtitle: `The newest papers in ${subject.category} on Paperboy.`,
        // There is no category page; the feeds page lists every category's feed.
        htmlPath: '/feeds',
      };
    }
    case 'search': {
      const query = parseQuery(subject.q);
      const papers = isSearchable(query)
        ? (
            await store.search({
              query,
              filters: { category: subject.category },
              sort: 'newest',
              offset: 0,
              limit: FEED_SIZE,
            })
          ).items.map((hit) => hit.paper)
        : [];
      return {
        papers,
        subtitle: `The newest papers matching “${subject.q}”${subject.category ? ` in ${subject.category}` : ''}.`,
        htmlPath: urlWith('/search', { q: subject.q, category: subject.category, sort: 'newest' }),
      };
    }
  }
}

function render(feed: Feed, format: FeedFormat): string {
  return format === 'atom' ? renderAtom(feed) : renderRss(feed);
}

function FeedRow({ subject }: { subject: FeedSubject }) {
  return (
    <li>
      {feedTitle(subject)}: <a href={feedPath(subject, 'atom')}>Atom</a> ·{' '}
      <a href={feedPath(subject, 'rss')}>RSS</a>
    </li>
  );
}

function FeedsPage({ categories }: { categories: { category: string; count: number }[] }) {
  const main: FeedSubject[] = [{ kind: 'daily' }, { kind: 'trending' }];
  return (
    <Layout title="Feeds" head={<FeedLinks feeds={main} />} description="Atom and RSS feeds of Paperboy.">
      <section>
        <h1>Feeds</h1>
        <p>
          Follow Paperboy in any feed reader. Every feed comes as Atom and as RSS 2.0; paste its address into
          your reader.
        </p>
        <ul>
          {main.map((subject) => (
            <FeedRow subject={subject} />
          ))}
        </ul>

        <h2>Any search</h2>
        <p>
          The newest papers matching a search: <code>/feeds/search.atom?q=diffusion+language+models</code>,
          with the same syntax as the search page, which links the feed of the search you are looking at.
        </p>
        <form class="search-form" action="/feeds/search.atom" method="get">
          <div class="search-main">
            <label for="feed-q" class="visually-hidden">
              Search words
            </label>
            <input
              id="feed-q"
              type="search"
              name="q"
              required
              maxlength={1000}
              placeholder='"vision transformer" -survey'
            />
            <button type="submit" class="button button-primary">
              Open the Atom feed
            </button>
          </div>
        </form>

        {categories.length > 0 ? (
          <>
            <h2>Categories</h2>
            <p>
              The newest papers of a category, e.g. <code>/feeds/category/cs.LG.rss</code>.
            </p>
            <ul>
              {categories.map(({ category }) => (
                <FeedRow subject={{ kind: 'category', category }} />
              ))}
            </ul>
          </>
        ) : null}
      </section>
    </Layout>
  );
}

export function feedRoutes({ store, config }: AppDeps): Hono {
  const routes = new Hono();

  const respond = async (c: Context, subject: FeedSubject, format: FeedFormat): Promise<Response> => {
    const latest = await store.latestFeedDay();
    const content = await feedContent(store, subject, latest);
    const feed = buildFeed(
      {
        title: `Paperboy: ${feedTitle(subject)}`,
        subtitle: content.subtitle,
        htmlPath: content.htmlPath,
        selfPath: feedPath(subject, format),
        fallbackUpdated: latest ? dayTimestamp(latest) : EPOCH,
      },
      content.papers,
      config.baseUrl,
    );
    return sendCacheable(c, {
      body: render(feed, format),
      contentType: FEED_CONTENT_TYPES[format],
      maxAgeSeconds: MAX_AGE_SECONDS,
    });
  };

  routes.get('/feeds', async (c) => {
    const categories = (await store.categories()).slice(0, LISTED_CATEGORIES);
    return renderPage(c, <FeedsPage categories={categories} />);
  });

  routes.get('/feeds/:file{(?:daily|trending|search)\\.(?:atom|rss)}', async (c) => {
    const [name, format] = c.req.param('file').split('.') as [string, FeedFormat];
    if (name !== 'search') return respond(c, { kind: name as 'daily' | 'trending' }, format);
    const input = nonEmptyParams(c.req.query());
    const parsed = SearchFeedParams.safeParse(input);
    if (!parsed.success) return c.text(describeIssues(parsed.error, input), 400);
    return respond(c, { kind: 'search', ...parsed.data }, format);
  });

  routes.get('/feeds/category/:file{[^/]+\\.(?:atom|rss)}', async (c) => {
    const file = c.req.param('file');
    const dot = file.lastIndexOf('.');
    const input = { category: file.slice(0, dot) };
    const parsed = z.object({ category: CategorySchema }).safeParse(input);
    if (!parsed.success) return c.text(describeIssues(parsed.error, input), 400);
    return respond(
      c,
      { kind: 'category', category: parsed.data.category },
      file.slice(dot + 1) as FeedFormat,
    );
  });

  return routes;
}
