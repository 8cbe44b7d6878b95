/** `/papers/:id` — one paper: full abstract with typeset LaTeX, authors, links, dates, metadata. */
import type { Context, Hono } from 'hono';
import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { AppDeps } from '../../app.js';
import { arxivAbsUrl, arxivPdfUrl, parseArxivId } from '../../model/arxiv-id.js';
import type { Paper } from '../../model/paper.js';
import type { Store } from '../../store/store.js';
import { formatDay } from '../feed-period.js';
import { Layout, renderError, renderPage, urlWith } from '../layout.js';
import { pageCache } from '../page-cache.js';
import { CategoryList, VoteCount, paperPath } from '../paper-card.js';
import { CitationHead, CiteSection } from './paper-citation.js';
import { PaperCommunity, upvoteButtons } from '../../community/components.js';
import { renderAbstract, renderInline } from '../render-abstract.js';
import { excerpt, linkLabel, shortAuthors } from '../text.js';

/** Local ids minted by localPaperId. */
const LOCAL_ID = /^pb-[0-9a-f]{6,64}$/;

function ExternalLink({ href, label, kind }: { href: string; label: string; kind: string }) {
  return (
    <a class={`button button-${kind}`} href={href} rel="nofollow noopener">
      {label}
    </a>
  );
}

function MetaRow({ term, children }: { term: string; children?: Child }) {
  return (
    <div class="meta-row">
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function isoDay(timestamp: string | null): string | null {
  if (!timestamp) return null;
  const ms = Date.parse(timestamp);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString().slice(0, 10);
}

/** How many related papers the paper page lists. */
const SIMILAR_ON_PAGE = 5;

function SimilarPapers({ papers }: { papers: Paper[] }) {
  if (papers.length === 0) return null;
  return (
    <section class="similar" aria-labelledby="similar-title">
      <h2 id="similar-title">Similar papers</h2>
      <ol class="similar-list">
        {papers.map((p) => (
          <li>
            <a href={paperPath(p.id)}>{raw(renderInline(p.title))}</a>
            <span class="similar-authors"> — {shortAuthors(p.authors, 3)}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}

export function PaperPage({
  paper,
  baseUrl,
  similar = [],
  vote,
  community,
}: {
  paper: Paper;
  baseUrl: string;
  similar?: Paper[];
  /** --- community: the upvote button, and the discussion panel (comments, collections, moderation). */
  vote?: Child;
  community?: Child;
}) {
  const published = isoDay(paper.publishedAt);
  const updated = isoDay(paper.updatedAt);
  const versioned = paper.isArxiv && paper.version ? `${paper.id}v${paper.version}` : paper.id;
  return (
    <Layout
      title={paper.title}
      description={excerpt(paper.abstract, 200)}
      head={<CitationHead paper={paper} baseUrl={baseUrl} />}
    >
      <article class="paper" aria-labelledby="paper-title">
        <p class="paper-kicker">
          <a href={urlWith('/', { date: paper.feedDate })}>{formatDay(paper.feedDate)}</a>
          {paper.isArxiv ? <span> · arXiv:{versioned}</span> : null}
        </p>
        <div class="paper-head">
          <h1 id="paper-title">{raw(renderInline(paper.title))}</h1>
          {vote ?? <VoteCount upvotes={paper.upvotes} />}
        </div>

        {paper.authors.length > 0 ? (
          <ul class="author-list" aria-label="Authors">
            {paper.authors.map((author) => (
              <li>
                <a href={urlWith('/search', { q: `"${author}"` })}>{author}</a>
              </li>
            ))}
          </ul>
        ) : null}

        <div class="paper-links">
          {paper.isArxiv ? (
            <ExternalLink href={arxivAbsUrl(paper.id)} label="arXiv page" kind="primary" />
          ) : null}
          {paper.isArxiv ? <ExternalLink href={arxivPdfUrl(versioned)} label="PDF" kind="secondary" /> : null}
          {paper.codeUrl ? (
            <ExternalLink
              href={paper.codeUrl}
              label={`Code · ${linkLabel(paper.codeUrl)}`}
              kind="secondary"
            />
          ) : null}
          {paper.projectUrl ? (
            <ExternalLink
              href={paper.projectUrl}
              label={`Project page · ${linkLabel(paper.projectUrl)}`}
              kind="secondary"
            />
          ) : null}
        </div>

        <CategoryList categories={paper.categories} />

        {paper.aiSummary ? (
          <aside class="tldr" aria-label="Short summary">
            <p>
              <strong>TL;DR</strong> {paper.aiSummary}
            </p>
          </aside>
        ) : null}

        <section class="abstract" aria-labelledby="abstract-heading">
          <h2 id="abstract-heading">Abstract</h2>
          {paper.abstract ? (
            raw(renderAbstract(paper.abstract))
          ) : (
            <p class="muted">No abstract is available for this paper.</p>
          )}
        </section>

        <section aria-labelledby="details-heading">
          <h2 id="details-heading">Details</h2>
          <dl class="meta-list">
            <MetaRow term="On the feed">
              <a href={urlWith('/', { date: paper.feedDate })}>
                <time datetime={paper.feedDate}>{formatDay(paper.feedDate)}</time>
              </a>
            </MetaRow>
            {published ? (
              <MetaRow term="Submitted">
                <time datetime={published}>{formatDay(published)}</time>
              </MetaRow>
            ) : null}
            {updated && updated !== published ? (
              <MetaRow term="Last updated">
                <time datetime={updated}>{formatDay(updated)}</time>
                {paper.version ? ` (v${paper.version})` : ''}
              </MetaRow>
            ) : null}
            {paper.submittedBy ? <MetaRow term="Submitted by">{paper.submittedBy.fullname}</MetaRow> : null}
            {paper.comment ? <MetaRow term="Comment">{paper.comment}</MetaRow> : null}
            {paper.journalRef ? <MetaRow term="Journal reference">{paper.journalRef}</MetaRow> : null}
            {paper.doi ? (
              <MetaRow term="DOI">
                <a href={`https://doi.org/${paper.doi}`} rel="nofollow noopener">
                  {paper.doi}
                </a>
              </MetaRow>
            ) : null}
            {paper.organization ? <MetaRow term="Organization">{paper.organization}</MetaRow> : null}
            {paper.aiKeywords.length > 0 ? (
              <MetaRow term="Keywords">{paper.aiKeywords.join(', ')}</MetaRow>
            ) : null}
            <MetaRow term="Paperboy id">
              <code>{paper.id}</code>
              {paper.isArxiv ? null : ' (not on arXiv)'}
            </MetaRow>
          </dl>
        </section>

        <CiteSection paper={paper} />
        <SimilarPapers papers={similar} />
        {community}
      </article>
    </Layout>
  );
}

export function registerPaper(web: Hono, { store, config }: AppDeps): void {
  // Paper pages are linked from everywhere (feeds, search, mail): kept rendered for visitors (see pageCache).
  const cached = pageCache(store, { maxEntries: 2_000 });
  // `{.+}` because old-style arXiv ids contain a slash (astro-ph/0601001).
  web.get('/papers/:id{.+}', async (c, next) => {
    const requested = c.req.param('id');
    const arxiv = parseArxivId(requested);
    // A versioned id, an `arXiv:` prefix or a pasted abs/PDF URL: one canonical address per paper.
    if (arxiv && arxiv.id !== requested) return c.redirect(paperPath(arxiv.id), 301);
    if (!arxiv && !LOCAL_ID.test(requested)) {
      // Not a paper id (e.g. `2503.11731.bib` or `/papers/x/comments`): leave it to other routes.
      return next();
    }
    return cached(c, () => renderPaper(c, store, config.baseUrl, requested));
  });
}

async function renderPaper(c: Context, store: Store, baseUrl: string, requested: string): Promise<Response> {
  const paper = await store.getPaper(requested);
  if (!paper) {
    return renderError(c, 404, 'Paper not found', `Paperboy has no paper with the id ${requested}.`);
  }
  const [[vote], similar] = await Promise.all([
    upvoteButtons(c, store, [paper]).then((votes) => [...votes.values()]),
    store.similarPapers(paper.id, SIMILAR_ON_PAGE),
  ]);
  return renderPage(
    c,
    <PaperPage
      paper={paper}
      baseUrl={baseUrl}
      similar={similar}
      vote={vote}
      community={<PaperCommunity c={c} store={store} paper={paper} />}
    />,
  );
}
