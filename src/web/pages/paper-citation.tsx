/**
 * Citing a paper: Google Scholar / Highwire `citation_*` meta tags on its page (Zotero's connector and
 * Mendeley read them), a BibTeX block with a copy button, and the paper as `/papers/:id.bib` and
 * `/papers/:id.md` (the Markdown Hugging Face serves at the same address).
 */
import type { Context, Hono } from 'hono';
import type { AppDeps } from '../../app.js';
import { paperMarkdown } from '../../api/paper-markdown.js';
import { paperToBibtex } from '../../community/bibtex.js';
import { sendCacheable } from '../../feeds/conditional-get.js';
import { arxivPdfUrl, parseArxivId } from '../../model/arxiv-id.js';
import type { Paper } from '../../model/paper.js';
import type { Store } from '../../store/store.js';
import { paperPath } from '../paper-card.js';
import { assetUrl } from '../static.js';
import { collapseWhitespace } from '../text.js';

/** Local ids minted by localPaperId. */
const LOCAL_ID = /^pb-[0-9a-f]{6,64}$/;
/** Paper metadata changes rarely (a new arXiv version, a vote); an hour is fresh enough for a citation. */
const MAX_AGE_SECONDS = 3600;

type ExportFormat = 'bib' | 'md';

const EXPORTS: Record<ExportFormat, { contentType: string; label: string }> = {
  bib: { contentType: 'application/x-bibtex; charset=utf-8', label: 'BibTeX' },
  md: { contentType: 'text/markdown; charset=utf-8', label: 'Markdown' },
};

/** `2024/06/13`, the date form Google Scholar documents; the arXiv submission, else the feed day. */
function scholarDate(paper: Paper): string {
  const ms = paper.publishedAt ? Date.parse(paper.publishedAt) : NaN;
  const day = Number.isNaN(ms) ? paper.feedDate : new Date(ms).toISOString().slice(0, 10);
  return day.replaceAll('-', '/');
}

/** Elements for the paper page's `head`. */
export function CitationHead({ paper, baseUrl }: { paper: Paper; baseUrl: string }) {
  const path = paperPath(paper.id);
  return (
    <>
      <link rel="canonical" href={`${baseUrl}${path}`} />
      <link rel="alternate" type="application/x-bibtex" title="BibTeX" href={`${path}.bib`} />
      <link rel="alternate" type="text/markdown" title="Markdown" href={`${path}.md`} />
      <meta name="citation_title" content={collapseWhitespace(paper.title)} />
      {paper.authors.map((author) => (
        <meta name="citation_author" content={collapseWhitespace(author)} />
      ))}
      <meta name="citation_publication_date" content={scholarDate(paper)} />
      {paper.isArxiv ? <meta name="citation_arxiv_id" content={paper.id} /> : null}
      {paper.isArxiv ? <meta name="citation_pdf_url" content={arxivPdfUrl(paper.id)} /> : null}
      {paper.doi ? <meta name="citation_doi" content={paper.doi} /> : null}
      {paper.categories.length > 0 ? (
        <meta name="citation_keywords" content={paper.categories.join('; ')} />
      ) : null}
      <meta name="citation_abstract_html_url" content={`${baseUrl}${path}`} />
      {paper.abstract ? <meta name="citation_abstract" content={collapseWhitespace(paper.abstract)} /> : null}
      <script src={assetUrl('citation.js')} defer></script>
    </>
  );
}

/** The "Cite" section: the BibTeX entry, a copy button (shown by citation.js), downloads. */
export function CiteSection({ paper }: { paper: Paper }) {
  const path = paperPath(paper.id);
  return (
    <section class="cite" aria-labelledby="cite-heading">
      <h2 id="cite-heading">Cite</h2>
      <pre class="bibtex">
        <code id="bibtex">{paperToBibtex(paper)}</code>
      </pre>
      <p class="cite-actions">
        {/* Hidden until citation.js shows it: without JavaScript it could not copy anything. */}
        <button type="button" class="button button-secondary" data-copy-target="bibtex" hidden>
          Copy BibTeX
        </button>
        <a class="button button-secondary" href={`${path}.bib`} download={exportFileName(paper.id, 'bib')}>
          Download .bib
        </a>
        <a class="button button-secondary" href={`${path}.md`}>
          Markdown
        </a>
        <span class="copy-status" role="status" aria-live="polite"></span>
      </p>
    </section>
  );
}

function exportFileName(id: string, format: ExportFormat): string {
  return `${id.replace('/', '_')}.${format}`;
}

function exportBody(paper: Paper, format: ExportFormat, baseUrl: string): string {
  return format === 'bib' ? paperToBibtex(paper) : paperMarkdown(paper, baseUrl);
}

/** The paper an export path names; versioned ids and `arXiv:` prefixes name the same paper. */
async function findPaper(store: Store, requested: string): Promise<Paper | null | undefined> {
  const arxiv = parseArxivId(requested);
  if (!arxiv && !LOCAL_ID.test(requested)) return undefined;
  return store.getPaper(arxiv?.id ?? requested);
}

function sendExport(c: Context, paper: Paper, format: ExportFormat, baseUrl: string): Response {
  return sendCacheable(c, {
    body: exportBody(paper, format, baseUrl),
    contentType: EXPORTS[format].contentType,
    maxAgeSeconds: MAX_AGE_SECONDS,
    headers: {
      'Content-Disposition': `inline; filename="${exportFileName(paper.id, format)}"`,
      Vary: 'Accept',
    },
  });
}

/** Whether the client asked for Markdown rather than HTML (`Accept: text/markdown`, as Hugging Face allows). */
function wantsMarkdown(c: Context): boolean {
  const accept = c.req.header('accept') ?? '';
  return /(^|,)\s*text\/markdown/i.test(accept) && !/text\/html/i.test(accept);
}

export function registerPaperCitation(web: Hono, { store, config }: AppDeps): void {
  // `.+` because old-style arXiv ids contain a slash (astro-ph/0601001.bib).
  web.get('/papers/:file{.+\\.(?:bib|md)}', async (c, next) => {
    const file = c.req.param('file');
    const dot = file.lastIndexOf('.');
    const format = file.slice(dot + 1) as ExportFormat;
    const requested = file.slice(0, dot);
    const paper = await findPaper(store, requested);
    if (paper === undefined) return next();
    if (paper === null) return c.text(`Paperboy has no paper with the id ${requested}.`, 404);
    return sendExport(c, paper, format, config.baseUrl);
  });

  web.get('/papers/:id{.+}', async (c, next) => {
    if (!wantsMarkdown(c)) return next();
    const paper = await findPaper(store, c.req.param('id'));
    if (!paper) return next();
    return sendExport(c, paper, 'md', config.baseUrl);
  });
}
