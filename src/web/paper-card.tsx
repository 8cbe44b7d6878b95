/** A paper in a list (feed, search, profiles, collections) and the small pieces it is made of. */
import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { Paper } from '../model/paper.js';
import { highlightRuns } from '../search/highlight.js';
import { formatDay } from './feed-period.js';
import { escapeHtml, renderInline } from './render-abstract.js';
import { excerpt, shortAuthors } from './text.js';

/** The page of a paper. Old-style ids keep their slash (`/papers/astro-ph/0601001`). */
export function paperPath(id: string): string {
  return `/papers/${id.split('/').map(encodeURIComponent).join('/')}`;
}

/** Engine-marked text (see search/highlight) as HTML: every run escaped, matches wrapped in <mark>. */
export function highlightHtml(marked: string): string {
  return highlightRuns(marked)
    .map((run) => {
      const text = escapeHtml(run.text.replace(/\s+/g, ' '));
      return run.highlighted ? `<mark>${text}</mark>` : text;
    })
    .join('');
}

/** The upvote count as shown on cards and paper pages; community voting replaces it with a button. */
export function VoteCount({ upvotes }: { upvotes: number }) {
  return (
    <div class="vote-count" title={`${upvotes} upvotes`}>
      <svg aria-hidden="true" viewBox="0 0 16 16" width="14" height="14">
        <path d="M8 3l6 8H2z" fill="currentColor" />
      </svg>
      <span class="vote-number">{upvotes}</span>
      <span class="visually-hidden"> upvotes</span>
    </div>
  );
}

export function CategoryList({ categories }: { categories: string[] }) {
  if (categories.length === 0) return null;
  return (
    <ul class="categories" aria-label="Categories">
      {categories.map((category, i) => (
        <li class={i === 0 ? 'chip chip-primary' : 'chip'}>{category}</li>
      ))}
    </ul>
  );
}

export interface PaperCardProps {
  paper: Paper;
  /** Title HTML to show instead of the rendered title, e.g. search highlights (see highlightHtml). */
  titleHtml?: string;
  /** Abstract HTML to show instead of the start of the abstract, e.g. a highlighted snippet. */
  snippetHtml?: string;
  /** Show the feed day (lists spanning several days). */
  showDate?: boolean;
  /** Replaces the static upvote count, e.g. with an upvote form. */
  vote?: Child;
  /** Below the metadata, e.g. why a paper is recommended and a "Not interested" button. */
  extra?: Child;
}

const EXCERPT_CHARS = 280;

export function PaperCard({ paper, titleHtml, snippetHtml, showDate, vote, extra }: PaperCardProps) {
  const href = paperPath(paper.id);
  const abstract = snippetHtml ?? escapeHtml(excerpt(paper.abstract, EXCERPT_CHARS));
  return (
    <article class="paper-card">
      <div class="card-vote">{vote ?? <VoteCount upvotes={paper.upvotes} />}</div>
      <div class="card-body">
        <h2 class="card-title">
          <a href={href}>{raw(titleHtml ?? renderInline(paper.title))}</a>
        </h2>
        {paper.authors.length > 0 ? (
          <p class="card-authors" title={paper.authors.length > 4 ? paper.authors.join(', ') : undefined}>
            {shortAuthors(paper.authors)}
          </p>
        ) : null}
        {abstract ? <p class="card-abstract">{raw(abstract)}</p> : null}
        <div class="card-meta">
          <CategoryList categories={paper.categories} />
          {paper.codeUrl ? (
            <a class="badge badge-code" href={paper.codeUrl} rel="nofollow noopener">
              <svg aria-hidden="true" viewBox="0 0 16 16" width="14" height="14">
                <path
                  d="M5.5 4L1.5 8l4 4M10.5 4l4 4-4 4"
                  fill="none"
                  stroke="currentColor"
                  stroke-width="1.6"
                  stroke-linecap="round"
                  stroke-linejoin="round"
                />
              </svg>
              Code
            </a>
          ) : null}
          {paper.numComments > 0 ? (
            <a class="meta-item" href={`${href}#comments`}>
              {paper.numComments === 1 ? '1 comment' : `${paper.numComments} comments`}
            </a>
          ) : null}
          {showDate ? (
            <time class="meta-item" datetime={paper.feedDate}>
              {formatDay(paper.feedDate)}
            </time>
          ) : null}
        </div>
        {extra}
      </div>
    </article>
  );
}

/** A list of cards; `ol` because feed and search order carry meaning. */
export function PaperList({ children, start }: { children?: Child; start?: number }) {
  return (
    <ol class="paper-list" start={start && start > 1 ? start : undefined}>
      {children}
    </ol>
  );
}
