/** `/trending?window=day|week|month` and `/about/ranking`, which explains the score with live numbers. */
import type { Hono } from 'hono';
import { z } from 'zod';
import type { AppDeps } from '../../app.js';
import type { Paper } from '../../model/paper.js';
import {
  COMMENTER_WEIGHT,
  DAYS_PER_TENFOLD,
  TRENDING_EPOCH_DAY,
  TRENDING_WINDOWS,
  type TrendingBreakdown,
  type TrendingWindow,
  trendingBreakdown,
  trendingWindowRange,
} from '../../rank/trending.js';
import { formatDay } from '../../web/feed-period.js';
import { Pagination, renderError, urlWith } from '../../web/layout.js';
import { PaperCard, PaperList, paperPath } from '../../web/paper-card.js';
import { describeIssues, nonEmptyParams, wholeNumber } from '../../web/validation.js';
import { upvoteButtons } from '../components.js';
import { page } from './common.js';

const PAGE_SIZE = 30;

const TrendingParams = z.object({
  window: z.enum(['day', 'week', 'month'], { message: 'must be day, week or month' }).default('week'),
  page: wholeNumber(1, 100_000).default(1),
});

const fixed = (n: number, digits = 3) => n.toFixed(digits);

/** `log10(41.5) + 1897 / 7 = 1.618 + 271.000 = 272.618` */
export function scoreArithmetic(b: TrendingBreakdown): string {
  return `log10(${b.points}) + ${b.days} / ${DAYS_PER_TENFOLD} = ${fixed(b.votesTerm)} + ${fixed(b.timeTerm)} = ${fixed(b.score)}`;
}

function breakdownOf(paper: Paper, commenters: number): TrendingBreakdown {
  return trendingBreakdown({ upvotes: paper.upvotes, commenters, feedDate: paper.feedDate });
}

export function registerTrending(routes: Hono, deps: AppDeps): void {
  const { store } = deps;

  routes.get('/trending', async (c) => {
    const input = nonEmptyParams(c.req.query());
    const parsed = TrendingParams.safeParse(input);
    if (!parsed.success)
      return renderError(c, 400, 'Invalid trending address', describeIssues(parsed.error, input));
    const { window, page: pageNumber } = parsed.data;
    const latest = await store.latestFeedDay();
    const range = latest ? trendingWindowRange(window, latest) : null;
    const list = range
      ? await store.listFeed({
          ...range,
          sort: 'trending',
          offset: (pageNumber - 1) * PAGE_SIZE,
          limit: PAGE_SIZE,
        })
      : { items: [], total: 0 };
    const [inputs, votes] = await Promise.all([
      store.trendingInputs(list.items.map((p) => p.id)),
      upvoteButtons(c, store, list.items),
    ]);
    const href = (w: TrendingWindow, n = 1) =>
      urlWith('/trending', { window: w === 'week' ? undefined : w, page: n === 1 ? undefined : n });
    return page(
      c,
      `Trending · ${TRENDING_WINDOWS[window].label}`,
      <section>
        <h1>Trending</h1>
        <p>
          {range ? (
            <>
              Papers that entered the feed{' '}
              {range.from === range.to
                ? `on ${formatDay(range.to)}`
                : `from ${formatDay(range.from)} to ${formatDay(range.to)}`}
              , ranked by votes and discussion with a time decay.{' '}
            </>
          ) : null}
          <a href="/about/ranking">How the ranking works</a>
        </p>
        <nav class="segmented" aria-label="Window">
          {(Object.keys(TRENDING_WINDOWS) as TrendingWindow[]).map((w) => (
            <a href={href(w)} aria-current={w === window ? 'true' : undefined}>
              {TRENDING_WINDOWS[w].label}
            </a>
          ))}
        </nav>
        {list.items.length > 0 ? (
          <PaperList start={(pageNumber - 1) * PAGE_SIZE + 1}>
            {list.items.map((paper) => (
              <li>
                <PaperCard paper={paper} showDate vote={votes.get(paper.id)} />
                <p class="score-line">
                  score {scoreArithmetic(breakdownOf(paper, inputs.get(paper.id)?.commenters ?? 0))}
                </p>
              </li>
            ))}
          </PaperList>
        ) : (
          <p class="muted">No papers in this window.</p>
        )}
        <Pagination
          page={pageNumber}
          pageCount={Math.ceil(list.total / PAGE_SIZE)}
          href={(n) => href(window, n)}
        />
      </section>,
    );
  });

  routes.get('/about/ranking', async (c) => {
    // A worked example, computed by the same function that defines the stored score.
    const examples = [
      { name: 'A', upvotes: 40, commenters: 3, feedDate: '2025-03-12' },
      { name: 'B', upvotes: 10, commenters: 0, feedDate: '2025-03-19' },
      { name: 'C', upvotes: 4, commenters: 2, feedDate: '2025-03-18' },
    ].map((e) => ({ ...e, breakdown: trendingBreakdown(e) }));
    const ranked = [...examples].sort((a, b) => b.breakdown.score - a.breakdown.score);
    const latest = await store.latestFeedDay();
    const live = latest
      ? (
          await store.listFeed({
            ...trendingWindowRange('week', latest),
            sort: 'trending',
            offset: 0,
            limit: 3,
          })
        ).items
      : [];
    const liveInputs = await store.trendingInputs(live.map((p) => p.id));
    return page(
      c,
      'How trending works',
      <article>
        <h1>How trending works</h1>
        <p>
          Paperboy ranks trending papers with one public formula. Nothing else goes in: no personalisation, no
          hidden boosts.
        </p>
        <pre class="formula">
          score = log10(max(1, upvotes + {COMMENTER_WEIGHT} × commenters)) + days / {DAYS_PER_TENFOLD}
        </pre>
        <ul>
          <li>
            <strong>upvotes</strong>: the paper’s votes (one per person; imported papers keep the votes they
            arrived with).
          </li>
          <li>
            <strong>commenters</strong>: how many different people wrote a visible comment. A comment counts
            half a vote, and ten comments by one person count once.
          </li>
          <li>
            <strong>days</strong>: days from {TRENDING_EPOCH_DAY} to the day the paper entered the feed.
          </li>
        </ul>
        <h2>Why this formula</h2>
        <ul>
          <li>
            <strong>Logarithm of the votes.</strong> The first 10 votes weigh as much as the next 90: early
            interest counts, and one runaway paper cannot bury the rest.
          </li>
          <li>
            <strong>Time decay of a factor ten per week.</strong> A paper needs ten times the points of one a
            week newer to rank above it (twice the points for about two days). Papers arrive in daily batches,
            so days are the natural unit.
          </li>
          <li>
            <strong>It never changes by itself.</strong> Every paper ages at the same rate, so the order
            between two papers changes only when someone votes or comments. Paperboy stores the score and
            updates it with each vote, which keeps <a href="/trending">/trending</a> fast on any number of
            papers. (Hacker News’s (P−1)/(T+2)^1.8 must be recomputed for every paper on every request.)
          </li>
          <li>With equal votes and comments, the newer paper ranks higher.</li>
        </ul>
        <p>
          Trending lists the papers that entered the feed in the chosen window (the latest day, week or 30
          days with papers) by this score. For the most upvoted papers of a period regardless of age, sort the{' '}
          <a href="/">feed</a> by upvotes.
        </p>
        <h2>A worked example</h2>
        <table class="data-table">
          <thead>
            <tr>
              <th>Paper</th>
              <th>Upvotes</th>
              <th>Commenters</th>
              <th>Entered the feed</th>
              <th>Points</th>
              <th>Score</th>
            </tr>
          </thead>
          <tbody>
            {examples.map((e) => (
              <tr>
                <td>{e.name}</td>
                <td>{e.upvotes}</td>
                <td>{e.commenters}</td>
                <td>{e.feedDate}</td>
                <td>
                  {e.upvotes} + {COMMENTER_WEIGHT} × {e.commenters} = {e.breakdown.points}
                </td>
                <td>{scoreArithmetic(e.breakdown)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p>
          Ranked: {ranked.map((e) => e.name).join(', then ')}. B is a week newer than A with a quarter of A’s
          points; a week is worth a factor of ten, so B wins. C is only a day older than B, but with 5 points
          against 10 it would need about {fixed(10 ** (1 / DAYS_PER_TENFOLD) * 10, 1)} points to catch up.
        </p>
        {live.length > 0 ? (
          <>
            <h2>Check it yourself</h2>
            <p>
              The top of this week’s trending list right now, with the stored score and the same formula
              applied:
            </p>
            <ul>
              {live.map((paper) => {
                const stored = liveInputs.get(paper.id);
                return (
                  <li>
                    <a href={paperPath(paper.id)}>{paper.title}</a>: {paper.upvotes} upvotes,{' '}
                    {stored?.commenters ?? 0} commenters, entered {paper.feedDate} →{' '}
                    {scoreArithmetic(breakdownOf(paper, stored?.commenters ?? 0))} (stored:{' '}
                    {fixed(stored?.score ?? 0)})
                  </li>
                );
              })}
            </ul>
          </>
        ) : null}
      </article>,
    );
  });
}
