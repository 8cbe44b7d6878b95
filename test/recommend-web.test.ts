/**
 * `/recommended`, the "not interested" action and the search page's trend chart over real HTTP: a Paperboy
 * server on a fresh database holding the seed listing and a few papers spread over months.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { importFiles } from '../src/ingest/import.js';
import { createLogger } from '../src/log.js';
import { parseQuery } from '../src/search/query.js';
import { sharedPath } from './support/shared.js';
import { testPaper } from './support/temp-app.js';
import { createTestDatabase, type TestDatabase } from './support/test-store.js';

/** Keeps cookies, follows no redirect. */
class Browser {
  private readonly cookies = new Map<string, string>();
  constructor(private readonly base: string) {}

  async request(pathname: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0)
      headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const response = await fetch(this.base + pathname, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      this.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return response;
  }

  async page(pathname: string): Promise<string> {
    const response = await this.request(pathname);
    expect(response.status, pathname).toBe(200);
    return response.text();
  }

  post(pathname: string, form: Record<string, string>): Promise<Response> {
    return this.request(pathname, {
      method: 'POST',
      body: new URLSearchParams(form),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  }

  async token(pathname: string): Promise<string> {
    const match = /name="_csrf" value="([^"]+)"/.exec(await this.page(pathname));
    if (!match?.[1]) throw new Error(`no form on ${pathname}`);
    return match[1];
  }
}

let database: TestDatabase | undefined;
let server: RunningServer;

const cardIds = (html: string): string[] =>
  [...html.matchAll(/<h2 class="card-title"><a href="\/papers\/([^"]+)"/g)].map((m) =>
    decodeURIComponent(m[1] ?? ''),
  );

beforeAll(async () => {
  database = await createTestDatabase();
  const config = loadConfig({ ...database.env, PAPERBOY_DEMO: '0', PORT: '0' });
  server = await startServer(config, createLogger('silent'));
  await importFiles(server.store, [sharedPath('corpus/seed-listing.txt')]);
  const scaling =
    'We scale masked diffusion models (MDMs) for text and compare MDMs with autoregressive models on language ' +
    'understanding. Trained on the same data, MDMs match autoregressive models of twice their size on reading ' +
    'comprehension and beat them on reverse reasoning, while decoding several tokens per step. We release the ' +
    'training code, the checkpoints and an evaluation suite for discrete diffusion language models.';
  await server.store.upsertPapers([
    testPaper('2501.00000', 'Masked diffusion models for text generation', '2025-01-14', {
      abstract: scaling,
    }),
    testPaper('2501.00001', 'Faster sampling for masked diffusion language models', '2025-02-03', {
      abstract:
        'MDMs generate text by unmasking tokens in parallel; we speed up the categorical sampling of MDMs.',
    }),
    testPaper('2501.00002', 'Masked diffusion models learn to reason', '2025-02-20', {
      abstract:
        'Reasoning with MDMs: masked diffusion models solve math problems in parallel, unlike autoregressive models.',
    }),
    // The first one again under another id: a near-duplicate.
    testPaper('2501.00003', 'Masked diffusion models for text generation (extended version)', '2025-04-09', {
      abstract: scaling,
    }),
  ]);
});

afterAll(async () => {
  await server.close();
  await database?.close();
});

describe('/recommended', () => {
  it('explains recommendations to visitors and links to log in', async () => {
    const html = await new Browser(server.url).page('/recommended');
    expect(html).toContain('Recommended for you');
    expect(html).toContain('href="/login?next=%2Frecommended"');
    expect(html).not.toContain('paper-card');
  });

  it('learns from saved papers, explains each one, and forgets papers marked not interested', async () => {
    const browser = new Browser(server.url);
    const signup = await browser.post('/signup', {
      _csrf: await browser.token('/signup'),
      username: 'ada',
      email: 'ada@example.org',
      password: 'correct horse battery staple',
    });
    expect(signup.status).toBe(303);
    expect(await browser.page('/recommended')).toContain('Save papers to a collection or upvote them');

    // Save two masked-diffusion papers through the paper page's form.
    const store = server.store;
    const hits = await store.search({
      query: parseQuery('"masked diffusion models"'),
      filters: {},
      sort: 'relevance',
      offset: 0,
      limit: 10,
    });
    const saved = hits.items
      .map((hit) => hit.paper)
      .filter((paper) => /^(Scaling up|Masked Diffusion Models are)/.test(paper.title));
    expect(saved).toHaveLength(2);
    for (const paper of saved) {
      const response = await browser.post(`/papers/${paper.id}/save`, {
        _csrf: await browser.token(`/papers/${paper.id}`),
        collection: 'new',
        name: 'Diffusion',
      });
      expect(response.status).toBe(303);
    }

    const html = await browser.page('/recommended');
    expect(html).toContain('Learned from 2 papers you saved or upvoted');
    const ids = cardIds(html);
    expect(ids.length).toBeGreaterThan(0);
    for (const paper of saved) expect(ids).not.toContain(paper.id);
    // The new masked-diffusion papers lead; of the two records of one paper, one is shown.
    expect(ids.slice(0, 3).sort()).toEqual(['2501.00000', '2501.00001', '2501.00002']);
    expect(ids).not.toContain('2501.00003');
    expect(html).toMatch(
      /Because you saved <a href="\/papers\/[^"]+">(Scaling up|Masked Diffusion Models are)/,
    );
    expect(html).toMatch(/shared terms: [a-z]+/);
    expect(html).toContain('action="/papers/2501.00000/not-interested"');

    // Not interested: the paper and its near-duplicate go, the rest of the topic stays.
    const target = '2501.00000';
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
    expect((await browser.post(`/papers/${target}/not-interested`, { next: '/recommended' })).status).toBe(
      403,
    );
    const marked = await browser.post(`/papers/${target}/not-interested`, {
      _csrf: csrf,
      next: '/recommended',
    });
    expect(marked.status).toBe(303);
    expect(marked.headers.get('location')).toBe('/recommended');
    const after = await browser.page('/recommended');
    const remaining = cardIds(after);
    expect(remaining).not.toContain(target);
    expect(remaining).not.toContain('2501.00003');
    expect(remaining).toEqual(expect.arrayContaining(['2501.00001', '2501.00002']));
    expect(after).toContain('Papers you marked not interested (1)');
    expect(after).toContain('and 1 paper you marked not interested');

    // Undo brings them back.
    const undo = await browser.post(`/papers/${target}/not-interested`, {
      _csrf: csrf,
      next: '/recommended',
      undo: '1',
    });
    expect(undo.status).toBe(303);
    expect(cardIds(await browser.page('/recommended'))).toContain(target);

    expect((await browser.post('/papers/no-such-paper/not-interested', { _csrf: csrf })).status).toBe(404);
    expect((await browser.request('/recommended?window=decade')).status).toBe(400);
    expect(await browser.page('/recommended?window=week')).toContain('aria-current="true">Past week');
  });

  it('sends visitors who try "not interested" to log in', async () => {
    const browser = new Browser(server.url);
    const csrf = await browser.token('/signup');
    const response = await browser.post('/papers/2501.00000/not-interested', {
      _csrf: csrf,
      next: '/recommended',
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/login?next=%2Frecommended');
  });
});

describe('search page trend chart', () => {
  it('shows matching papers per month as an accessible SVG chart', async () => {
    const html = await new Browser(server.url).page('/search?q=masked+diffusion');
    const counts = await server.store.searchMonthlyCounts({
      query: parseQuery('masked diffusion'),
      filters: {},
    });
    // The four papers above span January to April 2025; the seed's are on its feed day.
    const bars = [...html.matchAll(/<rect class="trend-bar"[^>]*data-month="([\d-]+)" data-count="(\d+)"/g)];
    expect(bars.map((m) => [m[1], Number(m[2])])).toEqual(counts.months.map((m) => [m.month, m.count]));
    expect(bars.length).toBeGreaterThanOrEqual(4);
    expect(counts.months.find((m) => m.month === '2025-02')?.count).toBe(2);
    expect(html).toMatch(
      /<svg role="img" aria-label="Papers matching “masked diffusion” per month: Jan 2025: 1, Feb 2025: 2, /,
    );
  });
});
