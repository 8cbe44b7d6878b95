/** The `/recommended` page: a user's recommendations with the reason for each, or how to get some. */
import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { Paper } from '../model/paper.js';
import { CsrfField } from '../web/csrf.js';
import { Flash, Layout, Pagination, urlWith } from '../web/layout.js';
import { PaperCard, PaperList, paperPath } from '../web/paper-card.js';
import { renderInline } from '../web/render-abstract.js';
import { plural } from '../web/text.js';
import type { Explanation } from './explain.js';
import type { Recommendation } from './recommender.js';

export const RECOMMEND_PAGE_SIZE = 20;
/** Past this, recommendations are too weak to be worth a page. */
export const RECOMMEND_MAX_PAGES = 5;

export const RECOMMEND_WINDOWS = {
  all: { label: 'All time', days: null },
  year: { label: 'Past year', days: 365 },
  month: { label: 'Past month', days: 30 },
  week: { label: 'Past week', days: 7 },
} as const;
export type RecommendWindowName = keyof typeof RECOMMEND_WINDOWS;

export function recommendedUrl(window: RecommendWindowName, page = 1): string {
  return urlWith('/recommended', {
    window: window === 'all' ? undefined : window,
    page: page > 1 ? page : undefined,
  });
}

/** "Because you saved <title>; shared terms: masked, diffusion". */
export function ExplanationLine({ explanation }: { explanation: Explanation }) {
  const { because, sharedWords } = explanation;
  if (!because) return null;
  return (
    <p class="muted recommend-why">
      Because you {because.kind} <a href={paperPath(because.paperId)}>{raw(renderInline(because.title))}</a>
      {sharedWords.length > 0 ? <>; shared terms: {sharedWords.join(', ')}</> : null}
    </p>
  );
}

/** Marks a paper "not interested" (or takes that back); a plain form that returns to `next`. */
export function NotInterestedButton({
  paperId,
  csrf,
  next,
  undo = false,
}: {
  paperId: string;
  csrf: string;
  next: string;
  undo?: boolean;
}) {
  return (
    <form class="inline-form not-interested" method="post" action={`${paperPath(paperId)}/not-interested`}>
      <CsrfField token={csrf} />
      <input type="hidden" name="next" value={next} />
      {undo ? <input type="hidden" name="undo" value="1" /> : null}
      <button type="submit" class="link-button">
        {undo ? 'Undo' : 'Not interested'}
      </button>
    </form>
  );
}

export function AnonymousView({ loginHref, signupHref }: { loginHref: string; signupHref: string }) {
  return (
    <Layout title="Recommended for you">
      <h1>Recommended for you</h1>
      <p>
        Paperboy learns what you like from the papers you save to your collections and upvote, and finds more
        papers like them — each with the reason it was picked. Papers you mark “not interested” teach it what
        to leave out.
      </p>
      <p>
        <a href={loginHref}>Log in</a> or <a href={signupHref}>sign up</a> to get your recommendations.
      </p>
    </Layout>
  );
}

export interface RecommendedViewProps {
  window: RecommendWindowName;
  page: number;
  items: Recommendation[];
  /** Items before this page's, for numbering. */
  offset: number;
  hasMore: boolean;
  positives: number;
  negatives: number;
  /** Upvote buttons by paper id. */
  votes: Map<string, Child>;
  csrf: string;
  /** Papers the user marked not interested, newest first, for taking the mark back. */
  declined: Paper[];
}

export function RecommendedView(props: RecommendedViewProps) {
  const { window, page, items, positives, negatives, csrf } = props;
  const here = recommendedUrl(window, page);
  return (
    <Layout title="Recommended for you">
      <section class="feed-head">
        <p class="eyebrow">For you</p>
        <h1>Recommended for you</h1>
        {positives > 0 ? (
          <p class="feed-count">
            Learned from {plural(positives, 'paper')} you saved or upvoted
            {negatives > 0 ? ` and ${plural(negatives, 'paper')} you marked not interested` : ''}.{' '}
            <a href="/digest/personal">Get them by email every week</a>
          </p>
        ) : null}
      </section>
      {positives === 0 ? (
        <Flash kind="info">
          Save papers to a collection or upvote them, and papers like them appear here. Start with{' '}
          <a href="/trending">trending papers</a> or <a href="/search">search</a>.
        </Flash>
      ) : (
        <>
          <nav class="segmented" aria-label="Window">
            {(Object.keys(RECOMMEND_WINDOWS) as RecommendWindowName[]).map((name) => (
              <a href={recommendedUrl(name)} aria-current={name === window ? 'true' : undefined}>
                {RECOMMEND_WINDOWS[name].label}
              </a>
            ))}
          </nav>
          {items.length === 0 ? (
            <Flash kind="info">
              {page > 1 ? (
                <>
                  No more recommendations. <a href={recommendedUrl(window)}>Back to the first page.</a>
                </>
              ) : (
                'Nothing new like your papers in this window. Try a longer one.'
              )}
            </Flash>
          ) : (
            <PaperList start={props.offset + 1}>
              {items.map(({ paper, explanation }) => (
                <li>
                  <PaperCard
                    paper={paper}
                    showDate
                    vote={props.votes.get(paper.id)}
                    extra={
                      <div class="recommend-extra">
                        <ExplanationLine explanation={explanation} />
                        <NotInterestedButton paperId={paper.id} csrf={csrf} next={here} />
                      </div>
                    }
                  />
                </li>
              ))}
            </PaperList>
          )}
          <Pagination
            page={page}
            pageCount={props.hasMore ? page + 1 : page}
            href={(n) => recommendedUrl(window, n)}
          />
        </>
      )}
      {props.declined.length > 0 ? (
        <details class="recommend-declined">
          <summary>Papers you marked not interested ({props.declined.length})</summary>
          <ul>
            {props.declined.map((paper) => (
              <li>
                <a href={paperPath(paper.id)}>{raw(renderInline(paper.title))}</a>{' '}
                <NotInterestedButton paperId={paper.id} csrf={csrf} next={here} undo />
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </Layout>
  );
}
