/** Similar papers as a person meets them: the section on a paper page and GET /api/papers/:id/similar. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles } from '../src/ingest/import.js';
import { sharedPath } from './support/shared.js';
import { createTempApp, type TempApp } from './support/temp-app.js';

let env: TempApp;
let scalingId: string;

beforeAll(async () => {
  env = await createTempApp();
  await importFiles(env.store, [sharedPath('corpus', 'seed-listing.txt')], { listingYear: 2025 });
  const hits = await env.store.search({
    query: {
      should: [],
      must: [['scaling', 'up', 'masked'].map((text) => ({ text, prefix: false }))],
      not: [],
    },
    filters: {},
    sort: 'relevance',
    offset: 0,
    limit: 1,
  });
  const found = hits.items[0]?.paper;
  if (!found?.title.startsWith('Scaling up Masked Diffusion Models on Text'))
    throw new Error('seed paper missing');
  scalingId = found.id;
});

afterAll(() => env.close());

describe('similar papers', () => {
  it('the API lists the other masked-diffusion text paper among the first three', async () => {
    const res = await env.app.request(`/api/papers/${scalingId}/similar?limit=3`);
    expect(res.status).toBe(200);
    const items = (await res.json()) as { id: string; title: string }[];
    expect(items).toHaveLength(3);
    expect(items.map((i) => i.id)).not.toContain(scalingId);
    expect(items.some((i) => i.title.startsWith('Masked Diffusion Models are Secretly Time-Agnostic'))).toBe(
      true,
    );
  });

  it('the paper page shows a "Similar papers" section linking to them', async () => {
    const res = await env.app.request(`/papers/${scalingId}`);
    const html = await res.text();
    expect(res.status).toBe(200);
    const section = html.slice(html.indexOf('id="similar-title"'));
    expect(section).toContain('Similar papers');
    expect(section).toMatch(/Masked Diffusion Models are Secretly Time-Agnostic/);
  });

  it('answers 404 for an unknown paper and 400 for a bad limit', async () => {
    expect((await env.app.request('/api/papers/2501.99999/similar')).status).toBe(404);
    const bad = await env.app.request(`/api/papers/${scalingId}/similar?limit=-1`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/limit/);
  });
});
