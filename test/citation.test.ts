/**
 * Citation tools: Google Scholar meta tags as a browser parses them, `/papers/:id.bib` read back by a real
 * BibTeX parser, `/papers/:id.md`, and the "Copy BibTeX" button in real Chromium.
 */
import { parse as parseBibtex } from '@retorquere/bibtex-parser';
import { type Browser, type Page } from 'playwright-core';
import { launchChromium } from './support/browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { testPaper } from './support/temp-app.js';
import { createTestDatabase, type TestDatabase } from './support/test-store.js';

const TITLE = 'Curly {braces}, 100% & "naïve" Café <b>: costs $5 #1 per_token';
const AUTHORS = ['Zoë Ørsted', 'Jürgen Müller', 'Research and Development Team'];

let database: TestDatabase | undefined;
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  database = await createTestDatabase();
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    ...database.env,
    PAPERBOY_DEMO: '0',
    PAPERBOY_BASE_URL: 'https://papers.example.org',
  });
  server = await startServer(config, createLogger('silent'));
  await server.store.upsertPapers([
    testPaper('2503.11731', TITLE, '2025-03-14', {
      version: 2,
      authors: AUTHORS,
      abstract: 'We study <script>alert(1)</script> & braces {x}.\n\nSecond paragraph with $\\alpha_1$.',
      categories: ['cs.LG', 'cs.AI'],
      publishedAt: '2025-03-12T17:59:46Z',
      doi: '10.1000/xyz_123',
      codeUrl: 'https://github.com/example/repo',
      upvotes: 7,
    }),
    testPaper('astro-ph/0601001', 'An old-style paper', '2006-01-02', {
      publishedAt: '2006-01-01T00:00:00Z',
    }),
    testPaper('pb-0123456789ab', 'A paper not on arXiv', '2025-03-14', { categories: [] }),
  ]);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await database?.close();
});

async function openPage(paperPath: string): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext();
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  await page.goto(server.url + paperPath);
  return { page, errors };
}

async function metaContents(page: Page, name: string): Promise<string[]> {
  return page
    .locator(`meta[name="${name}"]`)
    .evaluateAll((els) => els.map((el) => el.getAttribute('content') ?? ''));
}

describe('Google Scholar meta tags', () => {
  it('describe an arXiv paper, as a browser reads them', async () => {
    const { page, errors } = await openPage('/papers/2503.11731');
    expect(await metaContents(page, 'citation_title')).toEqual([TITLE]);
    expect(await metaContents(page, 'citation_author')).toEqual(AUTHORS);
    expect(await metaContents(page, 'citation_publication_date')).toEqual(['2025/03/12']);
    expect(await metaContents(page, 'citation_arxiv_id')).toEqual(['2503.11731']);
    expect(await metaContents(page, 'citation_pdf_url')).toEqual(['https://arxiv.org/pdf/2503.11731']);
    expect(await metaContents(page, 'citation_doi')).toEqual(['10.1000/xyz_123']);
    expect(await metaContents(page, 'citation_abstract_html_url')).toEqual([
      'https://papers.example.org/papers/2503.11731',
    ]);
    expect((await metaContents(page, 'citation_abstract'))[0]).toMatch(
      /^We study <script>alert\(1\)<\/script> & braces/,
    );
    expect(await page.locator('link[rel="canonical"]').getAttribute('href')).toBe(
      'https://papers.example.org/papers/2503.11731',
    );
    expect(await page.locator('link[type="application/x-bibtex"]').getAttribute('href')).toBe(
      '/papers/2503.11731.bib',
    );
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('leave the arXiv tags out for a paper that is not on arXiv', async () => {
    const { page } = await openPage('/papers/pb-0123456789ab');
    expect(await metaContents(page, 'citation_title')).toEqual(['A paper not on arXiv']);
    expect(await metaContents(page, 'citation_publication_date')).toEqual(['2025/03/14']);
    expect(await metaContents(page, 'citation_arxiv_id')).toEqual([]);
    expect(await metaContents(page, 'citation_pdf_url')).toEqual([]);
    await page.context().close();
  });
});

describe('Copy BibTeX', () => {
  it('copies the entry shown on the page to the clipboard', async () => {
    const { page, errors } = await openPage('/papers/2503.11731');
    const button = page.getByRole('button', { name: 'Copy BibTeX' });
    await button.click();
    await expect.poll(() => page.locator('.copy-status').innerText()).toBe('Copied to the clipboard.');
    const copied = await page.evaluate<string>('navigator.clipboard.readText()');
    expect(copied).toBe(await page.locator('#bibtex').innerText());
    expect(copied).toMatch(/^@misc\{/);
    const parsed = parseBibtex(copied, { sentenceCase: false });
    expect(parsed.errors).toEqual([]);
    expect(String(parsed.entries[0]?.fields.title).normalize('NFC')).toBe(TITLE);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('stays hidden without JavaScript, leaving the entry and the download', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(server.url + '/papers/2503.11731');
    expect(await page.getByRole('button', { name: 'Copy BibTeX' }).isVisible()).toBe(false);
    expect(await page.locator('#bibtex').innerText()).toMatch(/eprint = \{2503\.11731\}/);
    expect(await page.getByRole('link', { name: 'Download .bib' }).getAttribute('href')).toBe(
      '/papers/2503.11731.bib',
    );
    await context.close();
  });
});

describe('GET /papers/:id.bib', () => {
  it('parses back with a real BibTeX parser to the same title and authors', async () => {
    const res = await fetch(`${server.url}/papers/2503.11731.bib`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-bibtex; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('inline; filename="2503.11731.bib"');
    const bib = await res.text();
    const parsed = parseBibtex(bib, { sentenceCase: false });
    expect(parsed.errors).toEqual([]);
    const entry = parsed.entries[0]!;
    expect(entry.type).toBe('misc');
    expect(String(entry.fields.title).normalize('NFC')).toBe(TITLE);
    expect(JSON.parse(JSON.stringify(entry.fields.author).normalize('NFC'))).toEqual([
      { firstName: 'Zoë', lastName: 'Ørsted' },
      { firstName: 'Jürgen', lastName: 'Müller' },
      { name: 'Research and Development Team' },
    ]);
    expect(entry.fields).toMatchObject({
      eprint: '2503.11731',
      archiveprefix: 'arXiv',
      primaryclass: 'cs.LG',
      doi: '10.1000/xyz_123',
      url: 'https://arxiv.org/abs/2503.11731',
    });
    // Seven-bit TeX: accents as commands, specials escaped.
    expect(bib).toContain("Caf{\\'e}");
    expect(bib).toContain('100\\% \\&');
  });

  it('accepts versioned and old-style ids and answers unknown ones with 404', async () => {
    const versioned = await fetch(`${server.url}/papers/2503.11731v1.bib`);
    expect(versioned.status).toBe(200);
    expect(await versioned.text()).toContain('eprint = {2503.11731}');
    const old = await fetch(`${server.url}/papers/astro-ph/0601001.bib`);
    expect(old.status).toBe(200);
    expect(old.headers.get('content-disposition')).toBe('inline; filename="astro-ph_0601001.bib"');
    expect(await old.text()).toContain('eprint = {astro-ph/0601001}');
    const missing = await fetch(`${server.url}/papers/2503.99999.bib`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toMatch(/no paper with the id 2503\.99999/);
    expect((await fetch(`${server.url}/papers/not-an-id.bib`)).status).toBe(404);
  });

  it('answers 304 to a client that has the current version', async () => {
    const first = await fetch(`${server.url}/papers/2503.11731.bib`);
    const etag = first.headers.get('etag')!;
    const again = await fetch(`${server.url}/papers/2503.11731.bib`, { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
  });
});

describe('GET /papers/:id.md', () => {
  it('is the paper as Markdown, with HTML in the text neutralised', async () => {
    const res = await fetch(`${server.url}/papers/2503.11731.md`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    const markdown = await res.text();
    expect(markdown.split('\n')[0]).toBe(
      '# Curly {braces}, 100% & "naïve" Café &lt;b>: costs $5 #1 per_token',
    );
    expect(markdown).toContain('- **Authors:** Zoë Ørsted, Jürgen Müller, Research and Development Team');
    expect(markdown).toContain(
      '- **arXiv:** [2503.11731v2](https://arxiv.org/abs/2503.11731) · [PDF](https://arxiv.org/pdf/2503.11731)',
    );
    expect(markdown).toContain('- **Code:** <https://github.com/example/repo>');
    expect(markdown).toContain('- **Paperboy page:** <https://papers.example.org/papers/2503.11731>');
    expect(markdown).toContain(
      '## Abstract\n\nWe study &lt;script>alert(1)&lt;/script> & braces {x}.\n\nSecond paragraph with $\\alpha_1$.',
    );
    expect(markdown).toContain('```bibtex\n@misc{');
    expect(markdown).not.toContain('<script>');
  });

  it('is also what /papers/:id sends to a client that asks for text/markdown', async () => {
    const markdown = await fetch(`${server.url}/papers/2503.11731`, { headers: { Accept: 'text/markdown' } });
    expect(markdown.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    expect(await markdown.text()).toBe(await (await fetch(`${server.url}/papers/2503.11731.md`)).text());
    const browserAccept = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
    const html = await fetch(`${server.url}/papers/2503.11731`, { headers: { Accept: browserAccept } });
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('answers an unknown paper with 404', async () => {
    expect((await fetch(`${server.url}/papers/2503.99999.md`)).status).toBe(404);
  });
});
