/**
 * The page frame every HTML page shares — head, header with search and navigation, footer — plus the
 * small building blocks other areas reuse: flash messages, error pages, pagination.
 */
import type { Context } from 'hono';
import { createContext, useContext, type Child } from 'hono/jsx';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { KATEX_CSS_URL, assetUrl } from './static.js';

declare module 'hono' {
  interface ContextVariableMap {
    /**
     * Header content for every page of a request — e.g. the signed-in user's menu — set once by
     * middleware (`c.set('headerActions', <AccountMenu …/>)`) instead of by each page.
     */
    headerActions?: Child;
  }
}

/** The request being rendered, so the layout can read per-request values set by middleware. */
const RequestContext = createContext<Context | null>(null);

export type NavSection = 'daily' | 'weekly' | 'monthly' | 'search';

export interface LayoutProps {
  /** The page's own title; the site name is appended. Empty for the home page. */
  title: string;
  children?: Child;
  /** The navigation entry to mark as current. */
  active?: NavSection;
  /** Pre-fills the header's search box. */
  query?: string;
  /** False on pages with their own search form. */
  searchBox?: boolean;
  description?: string;
  /** Extra elements for <head>: feed links, citation meta tags, page-specific styles. */
  head?: Child;
  /** Right-hand side of the header; defaults to the request's `headerActions` variable. */
  headerActions?: Child;
}

const NAV: { section: NavSection; label: string; href: string }[] = [
  { section: 'daily', label: 'Daily', href: '/' },
  { section: 'weekly', label: 'Weekly', href: '/?period=week' },
  { section: 'monthly', label: 'Monthly', href: '/?period=month' },
];

export function Layout(props: LayoutProps) {
  const fullTitle = props.title ? `${props.title} · Paperboy` : 'Paperboy — daily research papers';
  const request = useContext(RequestContext);
  const headerActions = props.headerActions ?? request?.get('headerActions');
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <title>{fullTitle}</title>
        <meta
          name="description"
          content={props.description ?? 'Daily research papers, ranked by the community, searchable.'}
        />
        <link rel="icon" href={assetUrl('favicon.svg')} type="image/svg+xml" />
        <link rel="stylesheet" href={assetUrl('app.css')} />
        {/* Titles and abstracts may hold LaTeX on any page; the fonts load only when a formula uses them. */}
        <link rel="stylesheet" href={KATEX_CSS_URL} />
        <script src={assetUrl('app.js')} defer></script>
        {props.head}
      </head>
      <body>
        <a class="skip-link" href="#main">
          Skip to content
        </a>
        <header class="site-header">
          <div class="container header-inner">
            <a class="brand" href="/">
              <img src={assetUrl('favicon.svg')} alt="" width="28" height="28" />
              <span>Paperboy</span>
            </a>
            {props.searchBox === false ? null : (
              <form class="header-search" role="search" action="/search" method="get">
                <label for="site-search" class="visually-hidden">
                  Search papers
                </label>
                <input
                  id="site-search"
                  type="search"
                  name="q"
                  value={props.query ?? ''}
                  placeholder="Search papers…"
                  autocomplete="off"
                  data-hotkey="/"
                />
                <button type="submit">Search</button>
              </form>
            )}
            <nav class="site-nav" aria-label="Main">
              <ul>
                {NAV.map((item) => (
                  <li>
                    <a href={item.href} aria-current={props.active === item.section ? 'page' : undefined}>
                      {item.label}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
            {headerActions ? <div class="header-actions">{headerActions}</div> : null}
          </div>
        </header>
        <main id="main" class="container" tabindex={-1}>
          {props.children}
        </main>
        <footer class="site-footer">
          <div class="container">
            <p>
              Paperboy — an open-source, self-hostable paper hub. <a href="/api">JSON API</a> compatible with
              the Hugging Face papers API · <a href="/feeds">Atom and RSS feeds</a>.
            </p>
          </div>
        </footer>
      </body>
    </html>
  );
}

/** Sends a full HTML document. */
export async function renderPage(
  c: Context,
  page: HtmlEscapedString | Promise<HtmlEscapedString>,
  status: ContentfulStatusCode = 200,
): Promise<Response> {
  const document = <RequestContext.Provider value={c}>{await page}</RequestContext.Provider>;
  // A JSX node renders itself on toString(); async components would make that a promise.
  const html: string = await document.toString();
  return c.html(`<!DOCTYPE html>${html}`, status);
}

export type FlashKind = 'error' | 'info' | 'success';

/** A message box above content. Errors are announced to screen readers at once, others politely. */
export function Flash(props: { kind: FlashKind; children?: Child }) {
  return (
    <div class={`flash flash-${props.kind}`} role={props.kind === 'error' ? 'alert' : 'status'}>
      {props.children}
    </div>
  );
}

export interface ErrorPageProps {
  status: number;
  title: string;
  message: Child;
  query?: string;
}

export function ErrorPage(props: ErrorPageProps) {
  return (
    <Layout title={props.title} query={props.query}>
      <section class="error-page">
        <p class="eyebrow">Error {props.status}</p>
        <h1>{props.title}</h1>
        <Flash kind="error">{props.message}</Flash>
        <p>
          <a href="/">Go to today’s papers</a> or search above.
        </p>
      </section>
    </Layout>
  );
}

export function renderError(
  c: Context,
  status: ContentfulStatusCode,
  title: string,
  message: Child,
): Promise<Response> {
  return renderPage(c, <ErrorPage status={status} title={title} message={message} />, status);
}

/** The 404 page for any path nothing else answered. */
export function notFoundPage(c: Context): Promise<Response> {
  return renderError(c, 404, 'Page not found', `There is no page at ${c.req.path}.`);
}

export interface PaginationProps {
  page: number;
  pageCount: number;
  href: (page: number) => string;
}

/** Page links: previous, the first and last pages, a window around the current one, next. */
export function Pagination({ page, pageCount, href }: PaginationProps) {
  if (pageCount <= 1) return null;
  const shown = new Set([1, pageCount, page - 2, page - 1, page, page + 1, page + 2]);
  const pages = [...shown].filter((n) => n >= 1 && n <= pageCount).sort((a, b) => a - b);
  const items: Child[] = [];
  pages.forEach((n, i) => {
    const previous = pages[i - 1];
    if (previous !== undefined && n - previous > 1) {
      items.push(
        <li class="gap" aria-hidden="true">
          …
        </li>,
      );
    }
    items.push(
      <li>
        {n === page ? (
          <span aria-current="page">{n}</span>
        ) : (
          <a href={href(n)} aria-label={`Page ${n}`}>
            {n}
          </a>
        )}
      </li>,
    );
  });
  return (
    <nav class="pagination" aria-label="Pages">
      {page > 1 ? (
        <a class="page-step" href={href(page - 1)} rel="prev">
          ← Previous
        </a>
      ) : (
        <span class="page-step disabled">← Previous</span>
      )}
      <ol>{items}</ol>
      {page < pageCount ? (
        <a class="page-step" href={href(page + 1)} rel="next">
          Next →
        </a>
      ) : (
        <span class="page-step disabled">Next →</span>
      )}
    </nav>
  );
}

/** Builds `path?a=1&b=2`, leaving out empty values so URLs stay short and shareable. */
export function urlWith(path: string, params: Record<string, string | number | boolean | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === '' || value === false) continue;
    search.set(key, value === true ? '1' : String(value));
  }
  const query = search.toString();
  return query ? `${path}?${query}` : path;
}
