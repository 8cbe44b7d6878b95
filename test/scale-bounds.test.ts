/**
 * What keeps pages cheap at a million papers, as readers see it: search totals counted up to a cap, similar
 * papers remembered between views, the home page kept rendered for visitors — each never showing stale data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { SEARCH_TOTAL_CAP, type Store } from '../src/store/store.js';
import { createTempApp, type TempApp, testPaper } from './support/temp-app.js';

let env: TempApp;

const DAY = '2025-03-18';

beforeAll(async () => {
  env = await createTempApp();
  // One more match than the cap, all on one day, so the count has to stop.
  const fillers = Array.from({ length: SEARCH_TOTAL_CAP + 1 }, (_, i) =>
    testPaper(`pb-${(0xa00000 + i).toString(16)}`, `Filler study number ${i}`, '2025-01-02', {
      abstract: 'A filler abstract.',
    }),
  );
  await env.store.upsertPapers(fillers);
  await env.store.upsertPapers([
    testPaper('2503.00001', 'Masked diffusion language models', DAY, {
      abstract: 'Masked diffusion models generate text by unmasking tokens in parallel.',
    }),
    testPaper('2503.00002', 'Scaling masked diffusion models on text', DAY, {
      abstract: 'We scale masked diffusion language models and compare them with autoregressive ones.',
    }),
    testPaper('2503.00003', 'Graph neural networks for molecules', DAY, {
      abstract: 'Message passing over molecular graphs predicts properties.',
    }),
  ]);
}, 120_000);

afterAll(() => env.close());

const html = async (path: string) => (await env.app.request(path)).text();

describe('search totals', () => {
  it('stops counting at the cap, on the page and in the API alike, and still pages', async () => {
    expect(await html('/search?q=filler')).toContain(
      `${SEARCH_TOTAL_CAP.toLocaleString('en-US')}+ results for`,
    );
    const last = await html(`/search?q=filler&page=${SEARCH_TOTAL_CAP / 20}`);
    expect(last).toContain(`start="${SEARCH_TOTAL_CAP - 19}"`);

    const api = await env.app.request('/api/papers/search?q=filler&limit=5&p=3');
    expect(api.headers.get('x-total-count')).toBe(String(SEARCH_TOTAL_CAP));
    expect(api.headers.get('x-total-count-capped')).toBe('true');
    expect(((await api.json()) as unknown[]).length).toBe(5);
    const beyond = await env.app.request(`/api/papers/search?q=filler&limit=50&p=${SEARCH_TOTAL_CAP / 50}`);
    expect(beyond.status).toBe(400);
  });

  it('counts exactly below the cap', async () => {
    expect(await html('/search?q=masked')).toContain('2 results for');
    const api = await env.app.request('/api/papers/search?q=masked');
    expect(api.headers.get('x-total-count')).toBe('2');
    expect(api.headers.get('x-total-count-capped')).toBe('false');
  });
});

describe('cached pages and lists', () => {
  it('lists similar papers again after a view, without one hidden since', async () => {
    const similar = async () =>
      (
        (await (await env.app.request('/api/papers/2503.00001/similar?limit=2')).json()) as { id: string }[]
      ).map((p) => p.id);
    expect(await similar()).toContain('2503.00002');
    expect(await similar()).toContain('2503.00002');
    await env.store.moderate({
      action: 'hide-paper',
      target: '2503.00002',
      actorId: null,
      actor: 'cli',
      reason: 'test',
      at: new Date().toISOString(),
    });
    expect(await similar()).not.toContain('2503.00002');
    expect(await html('/papers/2503.00001')).not.toContain('Scaling masked diffusion models on text');
  });

  it('serves the home page again as it was, until something on it changes', async () => {
    const first = await html('/');
    expect(first).toContain('Masked diffusion language models');
    expect(await html('/')).toBe(first);
    await env.store.upsertPapers([testPaper('2503.00004', 'Sparse attention for long documents', DAY)]);
    const after = await html('/');
    expect(after).toContain('Sparse attention for long documents');
  });
});

describe('a topic trend that is late', () => {
  it('sends the search page without the chart, says so, and keeps no copy', async () => {
    // The real store, except that its trend never arrives (as when the trend worker is far behind).
    let asked = 0;
    const late = new Proxy(env.store, {
      get: (target, name, receiver) =>
        name === 'searchMonthlyCounts'
          ? () => {
              asked++;
              return new Promise<never>(() => undefined);
            }
          : Reflect.get(target, name, receiver),
    }) as Store;
    const config = loadConfig({ ...env.database.env, PAPERBOY_DEMO: '0', PORT: '0' });
    const app = createApp({ store: late, config, logger: createLogger('silent') });
    const started = Date.now();
    const res = await app.request('/search?q=masked+diffusion');
    const page = await res.text();
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(res.status).toBe(200);
    // One of the two was hidden by an earlier test.
    expect(page).toContain('1 result for');
    expect(page).toContain('Papers per month are still being counted');
    expect(page).not.toContain('class="trend-chart');
    expect(res.headers.get('cache-control')).toContain('no-store');
    // Not kept: the next visitor's page asks for the trend again.
    await (await app.request('/search?q=masked+diffusion')).text();
    expect(asked).toBe(2);
    // The real store's page has the chart and nothing pending.
    const real = await html('/search?q=masked+diffusion');
    expect(real).not.toContain('still being counted');
    expect(real).toContain('class="trend-chart"');
  }, 20_000);
});
