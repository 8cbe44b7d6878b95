import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { Flash, Layout, Pagination, renderPage, urlWith } from './layout.js';

async function render(node: unknown): Promise<string> {
  return (node as { toString(): string | Promise<string> }).toString();
}

describe('Layout', () => {
  it('shows header actions that middleware set for the request', async () => {
    const app = new Hono();
    app.use(async (c, next) => {
      c.set('headerActions', <a href="/login">Sign in</a>);
      await next();
    });
    app.get('/', (c) => renderPage(c, <Layout title="Hello">content</Layout>));
    const html = await (await app.request('/')).text();
    expect(html).toContain('<div class="header-actions"><a href="/login">Sign in</a></div>');
    expect(html).toContain('<title>Hello · Paperboy</title>');
  });

  it('leaves the header actions out when nothing sets them, and escapes the title', async () => {
    const app = new Hono();
    app.get('/', (c) => renderPage(c, <Layout title="<b>x</b>">content</Layout>, 418));
    const res = await app.request('/');
    expect(res.status).toBe(418);
    const html = await res.text();
    expect(html).not.toContain('header-actions');
    expect(html).toContain('<title>&lt;b&gt;x&lt;/b&gt; · Paperboy</title>');
  });
});

describe('Flash', () => {
  it('announces errors at once and other messages politely', async () => {
    expect(await render(<Flash kind="error">Bad</Flash>)).toBe(
      '<div class="flash flash-error" role="alert">Bad</div>',
    );
    expect(await render(<Flash kind="success">Saved</Flash>)).toContain('role="status"');
  });
});

describe('Pagination', () => {
  const href = (page: number) => `/?page=${page}`;

  it('shows nothing for a single page', async () => {
    expect(await render(<div>{Pagination({ page: 1, pageCount: 1, href })}</div>)).toBe('<div></div>');
  });

  it('shows the ends, a window around the current page and gaps between', async () => {
    const html = await render(<Pagination page={6} pageCount={20} href={href} />);
    const pages = [...html.matchAll(/>(\d+)</g)].map((m) => Number(m[1]));
    expect(pages).toEqual([1, 4, 5, 6, 7, 8, 20]);
    expect(html).toContain('<span aria-current="page">6</span>');
    expect(html.match(/class="gap"/g)).toHaveLength(2);
    expect(html).toContain('href="/?page=5" rel="prev"');
    expect(html).toContain('href="/?page=7" rel="next"');
  });

  it('disables the steps at the ends', async () => {
    const html = await render(<Pagination page={1} pageCount={3} href={href} />);
    expect(html).toContain('<span class="page-step disabled">← Previous</span>');
    expect(html).toContain('href="/?page=2" rel="next"');
  });
});

describe('urlWith', () => {
  it('leaves out empty values and encodes the rest', () => {
    expect(
      urlWith('/search', { q: 'c++ & "x"', page: 2, code: true, sort: undefined, from: '', off: false }),
    ).toBe('/search?q=c%2B%2B+%26+%22x%22&page=2&code=1');
    expect(urlWith('/', {})).toBe('/');
  });
});
