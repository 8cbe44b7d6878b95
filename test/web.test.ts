/** The server-rendered pages, through the real app and a real store (SQLite or PostgreSQL). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localPaperId } from '../src/model/arxiv-id.js';
import { createTempApp, testPaper, type TempApp } from './support/temp-app.js';

let t: TempApp;
const SEED_ID = localPaperId('A seed paper without arXiv id');

beforeAll(async () => {
  t = await createTempApp();
  await t.store.upsertPapers([
    testPaper('2503.00001', 'Masked Diffusion Models for Text', '2025-03-20', {
      upvotes: 10,
      categories: ['cs.CL', 'cs.LG'],
      codeUrl: 'https://github.com/example/mdm',
      projectUrl: 'https://mdm.example.org/',
      abstract:
        'We train with $x^2$ loss & beat <script>alert(1)</script> baselines.\n\nA broken formula $\\frac{a$ stays.',
      authors: ['Ada Lovelace', 'Alan Turing', 'Grace Hopper', 'Edsger Dijkstra', 'Barbara Liskov'],
      comment: '12 pages, 3 figures',
      journalRef: 'NeurIPS 2025',
      doi: '10.1000/xyz123',
      publishedAt: '2025-03-14T12:00:00Z',
    }),
    testPaper('2503.00002', 'Vision Transformers at Scale', '2025-03-20', {
      upvotes: 30,
      categories: ['cs.CV'],
    }),
    testPaper('2503.00003', '<img src=x onerror=alert(1)> Robust Parsing', '2025-03-20', { upvotes: 5 }),
    testPaper('astro-ph/0601001', 'Dark Matter Halos', '2025-03-18', {
      categories: ['astro-ph'],
      upvotes: 2,
    }),
    testPaper(SEED_ID, 'A seed paper without arXiv id', '2025-03-18', { version: null, categories: [] }),
    testPaper('2503.00010', 'Masked Autoencoders Revisited', '2025-03-17', { categories: ['cs.CV'] }),
    testPaper('2502.00001', 'A February Paper', '2025-02-27'),
    ...Array.from({ length: 35 }, (_, i) =>
      testPaper(`2503.${String(20000 + i)}`, `Filler study number ${i}`, '2025-03-10', { upvotes: i }),
    ),
  ]);
});

afterAll(async () => {
  await t.close();
});

async function get(path: string): Promise<{ status: number; html: string; res: Response }> {
  const res = await t.app.request(path);
  return { status: res.status, html: await res.text(), res };
}

function cardTitles(html: string): string[] {
  return [...html.matchAll(/<h2 class="card-title"><a href="[^"]*">(.*?)<\/a><\/h2>/g)].map((m) =>
    (m[1] ?? '').replace(/<[^>]+>/g, ''),
  );
}

function h1(html: string): string {
  return (/<h1[^>]*>(.*?)<\/h1>/.exec(html)?.[1] ?? '').replace(/<[^>]+>/g, '');
}

function linkHref(html: string, rel: 'prev' | 'next', within: 'period-nav' | 'pagination'): string | null {
  const section = new RegExp(`<nav class="${within}"[\\s\\S]*?</nav>`).exec(html)?.[0] ?? '';
  return new RegExp(`href="([^"]*)" rel="${rel}"`).exec(section)?.[1]?.replace(/&amp;/g, '&') ?? null;
}

describe('the daily feed', () => {
  it('shows the latest day, most upvoted first, with a link to the previous day that has papers', async () => {
    const { status, html } = await get('/');
    expect(status).toBe(200);
    expect(h1(html)).toBe('Thursday, March 20, 2025');
    expect(html).toContain('3 papers, most upvoted first');
    expect(cardTitles(html)).toEqual([
      'Vision Transformers at Scale',
      'Masked Diffusion Models for Text',
      '&lt;img src=x onerror=alert(1)&gt; Robust Parsing',
    ]);
    // 19 March has no papers and is skipped.
    expect(linkHref(html, 'prev', 'period-nav')).toBe('/?date=2025-03-18');
    expect(linkHref(html, 'next', 'period-nav')).toBeNull();
    expect(html).toMatch(/<a href="\/" aria-current="page">Daily<\/a>/);
  });

  it('shows cards with authors, categories, upvotes, a code badge and the start of the abstract', async () => {
    const { html } = await get('/');
    const card = html.slice(html.indexOf('Masked Diffusion Models for Text') - 600);
    expect(card).toContain('Ada Lovelace, Alan Turing, Grace Hopper et al.');
    expect(card).toContain('<li class="chip chip-primary">cs.CL</li><li class="chip">cs.LG</li>');
    expect(card).toContain('<span class="vote-number">10</span>');
    expect(card).toContain('<a class="badge badge-code" href="https://github.com/example/mdm"');
    expect(card).toContain(
      'We train with $x^2$ loss &amp; beat &lt;script&gt;alert(1)&lt;/script&gt; baselines.',
    );
    expect(card).toContain('href="/papers/2503.00001"');
  });

  it('sorts by newest on request and keeps the sort in the period links', async () => {
    const { html } = await get('/?date=2025-03-18&sort=newest');
    expect(html).toContain('newest first');
    expect(linkHref(html, 'prev', 'period-nav')).toBe('/?date=2025-03-17&sort=newest');
    expect(html).toMatch(/<a href="[^"]*sort=newest[^"]*" aria-current="true">Newest<\/a>/);
  });

  it('navigates between days with papers', async () => {
    const { html } = await get('/?date=2025-03-18');
    expect(h1(html)).toBe('Tuesday, March 18, 2025');
    expect(cardTitles(html).sort()).toEqual(['A seed paper without arXiv id', 'Dark Matter Halos']);
    expect(linkHref(html, 'prev', 'period-nav')).toBe('/?date=2025-03-17');
    expect(linkHref(html, 'next', 'period-nav')).toBe('/?date=2025-03-20');
  });

  it('says so when a day has no papers', async () => {
    const { status, html } = await get('/?date=2025-03-19');
    expect(status).toBe(200);
    expect(html).toContain('No papers on Wednesday, March 19, 2025.');
    expect(linkHref(html, 'prev', 'period-nav')).toBe('/?date=2025-03-18');
  });

  it('shows an ISO week with each paper’s day', async () => {
    const { html } = await get('/?week=2025-W12');
    expect(h1(html)).toBe('Week 12, 2025 (Mar 17 – Mar 23)');
    expect(cardTitles(html)).toHaveLength(6);
    expect(html).toContain('<time class="meta-item" datetime="2025-03-17">Mar 17, 2025</time>');
    expect(linkHref(html, 'prev', 'period-nav')).toBe('/?week=2025-W11');
    expect(html).toMatch(/<a href="\/\?period=week" aria-current="page">Weekly<\/a>/);
  });

  it('shows the latest week or month from the navigation', async () => {
    expect(h1((await get('/?period=week')).html)).toBe('Week 12, 2025 (Mar 17 – Mar 23)');
    expect(h1((await get('/?period=month')).html)).toBe('March 2025');
  });

  it('pages through a month', async () => {
    const first = await get('/?month=2025-03');
    expect(first.html).toContain('41 papers');
    expect(cardTitles(first.html)).toHaveLength(30);
    expect(linkHref(first.html, 'next', 'pagination')).toBe('/?month=2025-03&page=2');
    expect(linkHref(first.html, 'prev', 'period-nav')).toBe('/?month=2025-02');
    const second = await get('/?month=2025-03&page=2');
    expect(cardTitles(second.html)).toHaveLength(11);
    expect(new Set([...cardTitles(first.html), ...cardTitles(second.html)]).size).toBe(41);
    expect(second.html).toContain('<ol class="paper-list" start="31">');
  });

  it('says so when a page is past the end', async () => {
    const { status, html } = await get('/?date=2025-03-20&page=9');
    expect(status).toBe(200);
    expect(html).toContain('Page 9 is past the end of this day.');
  });

  it.each([
    ['date=2025-13-40', 'Invalid date "2025-13-40": must be a real date written YYYY-MM-DD'],
    ['date=yesterday', 'Invalid date "yesterday"'],
    ['week=2025-W99', 'Invalid week "2025-W99": must be an ISO week written YYYY-Www'],
    ['month=2025-00', 'Invalid month "2025-00"'],
    ['date=2025-03-18&month=2025-03', 'Give only one of date, week and month'],
    ['sort=hot', 'Invalid sort "hot": must be upvotes or newest'],
    ['page=0', 'Invalid page "0"'],
    ['page=abc', 'Invalid page "abc"'],
  ])('answers ?%s with a 400 page that explains the problem', async (query, message) => {
    const { status, html } = await get(`/?${query}`);
    expect(status).toBe(400);
    expect(html).toContain('<h1>Invalid feed address</h1>');
    expect(html).toContain(message.replace(/"/g, '&quot;'));
    expect(html).not.toMatch(/at \S+\.ts:\d+/);
  });
});

describe('paper pages', () => {
  it('shows everything known about a paper, with typeset math and escaped text', async () => {
    const { status, html } = await get('/papers/2503.00001');
    expect(status).toBe(200);
    expect(h1(html)).toBe('Masked Diffusion Models for Text');
    expect(html).toContain('<title>Masked Diffusion Models for Text · Paperboy</title>');
    for (const author of [
      'Ada Lovelace',
      'Alan Turing',
      'Grace Hopper',
      'Edsger Dijkstra',
      'Barbara Liskov',
    ]) {
      expect(html).toContain(`>${author}</a></li>`);
    }
    expect(html).toContain('<annotation encoding="application/x-tex">x^2</annotation>');
    expect(html).toContain('&amp; beat &lt;script&gt;alert(1)&lt;/script&gt; baselines.');
    expect(html).toContain('<code class="math-source">$\\frac{a$</code>');
    expect(html).toContain('href="https://arxiv.org/abs/2503.00001"');
    expect(html).toContain('href="https://arxiv.org/pdf/2503.00001v1"');
    expect(html).toContain('href="https://github.com/example/mdm"');
    expect(html).toContain('href="https://mdm.example.org/"');
    expect(html).toContain('href="https://doi.org/10.1000/xyz123"');
    expect(html).toContain('12 pages, 3 figures');
    expect(html).toContain('NeurIPS 2025');
    expect(html).toContain('<time datetime="2025-03-14">Mar 14, 2025</time>');
    expect(html).toContain('<time datetime="2025-03-20">Mar 20, 2025</time>');
    expect(html).toContain('<li class="chip chip-primary">cs.CL</li>');
    expect(html).toContain('<span class="vote-number">10</span>');
  });

  it('accepts old-style arXiv ids with a slash', async () => {
    const { status, html } = await get('/papers/astro-ph/0601001');
    expect(status).toBe(200);
    expect(h1(html)).toBe('Dark Matter Halos');
    expect(html).toContain('href="https://arxiv.org/abs/astro-ph/0601001"');
  });

  it('shows papers without an arXiv id without arXiv links', async () => {
    const { status, html } = await get(`/papers/${SEED_ID}`);
    expect(status).toBe(200);
    expect(h1(html)).toBe('A seed paper without arXiv id');
    expect(html).not.toContain('arxiv.org');
    expect(html).toContain('(not on arXiv)');
  });

  it('redirects versioned ids to the paper', async () => {
    const { status, res } = await get('/papers/2503.00001v3');
    expect(status).toBe(301);
    expect(res.headers.get('location')).toBe('/papers/2503.00001');
  });

  it('answers unknown papers with a 404 page', async () => {
    const unknown = await get('/papers/2503.99999');
    expect(unknown.status).toBe(404);
    expect(unknown.html).toContain('Paperboy has no paper with the id 2503.99999.');
    const nonsense = await get('/papers/not-a-paper');
    expect(nonsense.status).toBe(404);
    expect(nonsense.html).toContain('Page not found');
  });

  it('never lets a title become markup', async () => {
    for (const path of ['/', '/papers/2503.00003', '/search?q=robust+parsing']) {
      const { html } = await get(path);
      expect(html, path).not.toContain('<img src=x');
      expect(html, path).toContain('&lt;img src=x onerror=alert(1)&gt;');
    }
  });
});

describe('search', () => {
  it('finds papers and highlights the matches', async () => {
    const { status, html } = await get('/search?q=masked');
    expect(status).toBe(200);
    expect(html).toContain('2 results for “masked”');
    expect(cardTitles(html).sort()).toEqual([
      'Masked Autoencoders Revisited',
      'Masked Diffusion Models for Text',
    ]);
    expect(html).toContain('<mark>Masked</mark> Diffusion Models for Text');
    expect(html).toContain('value="masked"');
  });

  it.each(['self-attention', 'c++', '"unterminated', 'NEAR(', '-', "don't", 'title:masked', '((('])(
    'answers %j with an ordinary results page',
    async (q) => {
      const { status, html } = await get(`/search?q=${encodeURIComponent(q)}`);
      expect(status).toBe(200);
      expect(html).toMatch(/results? for “|No results for “/);
      expect(html).not.toContain('Something went wrong');
    },
  );

  it('shows search tips for an empty query', async () => {
    const { status, html } = await get('/search?q=');
    expect(status).toBe(200);
    expect(html).toContain('Search tips');
    expect(html).not.toContain('results for');
  });

  it('explains a query made only of exclusions', async () => {
    const { html } = await get('/search?q=-masked');
    expect(html).toContain('No results for “-masked”');
    expect(html).toContain('exclusions like -word only narrow a search');
  });

  it('filters by category, code and date', async () => {
    expect(cardTitles((await get('/search?q=masked&category=cs.CV')).html)).toEqual([
      'Masked Autoencoders Revisited',
    ]);
    expect(cardTitles((await get('/search?q=masked&code=1')).html)).toEqual([
      'Masked Diffusion Models for Text',
    ]);
    expect(cardTitles((await get('/search?q=masked&from=2025-03-18')).html)).toEqual([
      'Masked Diffusion Models for Text',
    ]);
    expect(cardTitles((await get('/search?q=masked&to=2025-03-18')).html)).toEqual([
      'Masked Autoencoders Revisited',
    ]);
    const none = await get('/search?q=masked&category=math.AG');
    expect(none.html).toContain('Nothing matches with these filters.');
  });

  it('offers every category with its count and keeps the chosen one selected', async () => {
    const { html } = await get('/search?q=masked&category=cs.CV');
    expect(html).toContain('<option value="cs.CV" selected="">cs.CV (2)</option>');
    expect(html).toContain('<option value="cs.LG">cs.LG (38)</option>');
  });

  it('sorts by newest and by upvotes', async () => {
    expect(cardTitles((await get('/search?q=masked&sort=newest')).html)).toEqual([
      'Masked Diffusion Models for Text',
      'Masked Autoencoders Revisited',
    ]);
    const byVotes = cardTitles((await get('/search?q=filler&sort=upvotes')).html);
    expect(byVotes[0]).toBe('Filler study number 34');
  });

  it('pages through results', async () => {
    const first = await get('/search?q=filler');
    expect(first.html).toContain('35 results for “filler”');
    expect(cardTitles(first.html)).toHaveLength(20);
    expect(linkHref(first.html, 'next', 'pagination')).toBe('/search?q=filler&page=2');
    const second = await get('/search?q=filler&page=2');
    expect(cardTitles(second.html)).toHaveLength(15);
  });

  it('rejects bad filters with a 400 page that keeps the form', async () => {
    const reversed = await get('/search?q=masked&from=2025-03-20&to=2025-03-01');
    expect(reversed.status).toBe(400);
    expect(reversed.html).toContain('Invalid to &quot;2025-03-01&quot;: must not be before the start date.');
    expect(reversed.html).toContain('value="masked"');
    const badDate = await get('/search?q=masked&from=2025-99-01');
    expect(badDate.status).toBe(400);
    expect(badDate.html).toContain('Invalid from &quot;2025-99-01&quot;');
  });
});

describe('every page', () => {
  it('is accessible, titled, and runs no inline script', async () => {
    for (const path of [
      '/',
      '/?week=2025-W12',
      '/papers/2503.00001',
      '/search?q=masked',
      '/search',
      '/nope',
    ]) {
      const { html } = await get(path);
      expect(html.startsWith('<!DOCTYPE html><html lang="en">'), path).toBe(true);
      expect(html, path).toContain('<a class="skip-link" href="#main">');
      expect(html, path).toMatch(/<title>[^<]+<\/title>/);
      expect(html, path).toContain('<main id="main"');
      for (const script of html.match(/<script[^>]*>/g) ?? []) expect(script, path).toMatch(/ src="/);
      expect(html, path).not.toMatch(/ on[a-z]+="/);
    }
  });

  it('answers unknown paths with a 404 page', async () => {
    const { status, html } = await get('/no/such/page');
    expect(status).toBe(404);
    expect(html).toContain('There is no page at /no/such/page.');
  });
});

describe('an empty instance', () => {
  it('explains how to get papers instead of showing an empty feed', async () => {
    const empty = await createTempApp();
    try {
      const res = await empty.app.request('/');
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(h1(html)).toBe('No papers yet');
      expect(html).toContain('paperboy import FILE…');
      expect((await empty.app.request('/search?q=anything')).status).toBe(200);
      expect(await (await empty.app.request('/api/daily_papers')).json()).toEqual([]);
    } finally {
      await empty.close();
    }
  });
});

describe('static files', () => {
  it('serves the stylesheet and script, cached for a year when versioned', async () => {
    const { html } = await get('/');
    const cssUrl = /<link rel="stylesheet" href="(\/static\/app\.css\?v=[0-9a-f]+)"/.exec(html)?.[1];
    expect(cssUrl).toBeDefined();
    const css = await t.app.request(cssUrl!);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    expect(css.headers.get('cache-control')).toContain('immutable');
    expect(await css.text()).toContain('prefers-color-scheme: dark');
    const js = await t.app.request('/static/app.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).not.toContain('immutable');
  });

  it('serves KaTeX’s stylesheet and fonts from the installed package', async () => {
    const { html } = await get('/papers/2503.00001');
    const katexUrl = /href="(\/static\/katex\/[^"]+\/katex\.min\.css)"/.exec(html)?.[1];
    expect(katexUrl).toBeDefined();
    const css = await t.app.request(katexUrl!);
    expect(css.status).toBe(200);
    const fontPath = /url\((fonts\/KaTeX_Main-Regular\.woff2)\)/.exec(await css.text())?.[1];
    expect(fontPath).toBeDefined();
    const font = await t.app.request(katexUrl!.replace('katex.min.css', fontPath!));
    expect(font.status).toBe(200);
    expect(font.headers.get('content-type')).toBe('font/woff2');
  });

  it('refuses to leave the static folders', async () => {
    expect((await t.app.request('/static/../package.json')).status).toBe(404);
    expect((await t.app.request('/static/%2e%2e/%2e%2e/package.json')).status).toBe(404);
  });
});
