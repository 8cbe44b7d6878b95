/**
 * The API's self-description and what the huggingface_hub client does with the API: /api/openapi.json is
 * complete enough to call every endpoint, /api renders it for people, and the responses parse the way
 * huggingface_hub's PaperInfo reads them (HF_ENDPOINT pointed at Paperboy).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromHfDaily } from '../src/ingest/formats/hf-daily.js';
import { sharedPath } from './support/shared.js';
import { createTempApp, type TempApp } from './support/temp-app.js';

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: Record<string, unknown>;
}
interface Operation {
  summary?: string;
  parameters?: Parameter[];
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}
interface Document {
  servers: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
}

type Json = Record<string, unknown>;

let t: TempApp;
let doc: Document;

beforeAll(async () => {
  t = await createTempApp();
  const items = JSON.parse(
    readFileSync(sharedPath('fixtures', 'hf-daily-papers-api', '2024-06-14.json'), 'utf8'),
  ) as Json[];
  await t.store.upsertPapers(items.map((item) => fromHfDaily(item)));
  doc = (await (await t.app.request('/api/openapi.json')).json()) as Document;
});

afterAll(async () => {
  await t.close();
});

const operations = () =>
  Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method, op })),
  );

describe('/api/openapi.json', () => {
  it('documents every parameter with a type and a description, and every success with a schema', () => {
    expect(operations().length).toBeGreaterThanOrEqual(3);
    for (const { path, op } of operations()) {
      expect(op.summary, path).toBeTruthy();
      for (const parameter of op.parameters ?? []) {
        expect(parameter.schema?.type, `${path} ${parameter.name}`).toBeTruthy();
        expect(
          parameter.description ?? parameter.schema?.description,
          `${path} ${parameter.name}`,
        ).toBeTruthy();
      }
      expect(op.responses['200']?.content?.['application/json']?.schema, path).toBeTruthy();
      const errors = Object.keys(op.responses).filter((status) => status.startsWith('4'));
      expect(errors.length, `${path} documents its errors`).toBeGreaterThan(0);
    }
  });

  it('gives the period and paging parameters their formats and limits', () => {
    const params = Object.fromEntries(
      (doc.paths['/daily_papers']!.get!.parameters ?? []).map((p) => [p.name, p.schema ?? {}]),
    );
    expect(params.date).toMatchObject({ type: 'string', format: 'date' });
    expect(params.week).toMatchObject({ type: 'string', pattern: '^\\d{4}-W\\d{2}$' });
    expect(params.month).toMatchObject({ type: 'string', pattern: '^\\d{4}-\\d{2}$' });
    expect(params.limit).toMatchObject({ type: 'integer', minimum: 1, maximum: 100, default: 50 });
    expect(params.p).toMatchObject({ type: 'integer', minimum: 0 });
    expect(params.sort).toMatchObject({ enum: ['publishedAt', 'trending'] });
  });

  it('resolves every schema reference', () => {
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map(
      (m) => m[1]!,
    );
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(doc.components.schemas, ref).toHaveProperty(ref);
  });
});

describe('GET /api (the reference page)', () => {
  it('lists every endpoint and schema of the OpenAPI document, with nothing loaded from elsewhere', async () => {
    const res = await t.app.request('/api');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    for (const { path, method } of operations()) {
      const shown = `<span class="api-method">${method.toUpperCase()}</span> <code>${doc.servers[0]!.url}${path}</code>`;
      expect(html).toContain(shown);
    }
    for (const name of Object.keys(doc.components.schemas)) expect(html).toContain(`id="schema-${name}"`);
    expect(html).toContain('<code>limit</code>');
    expect(html).toContain('1–100 · default 50');
    expect(html).toContain('href="/api/openapi.json"');
    // Self-contained: every script and stylesheet comes from this site.
    const external = [...html.matchAll(/<(?:script|link)[^>]+(?:src|href)="(https?:)?\/\//g)];
    expect(external).toEqual([]);
  });
});

/**
 * How huggingface_hub reads a response (hf_api.PaperInfo and User): title and numComments from the top
 * level, author names from `paper.authors[].name`, the submitter's username from `user`, and every
 * timestamp through utils.parse_datetime, which accepts only UTC with a `Z`.
 */
function readAsHuggingfaceHub(item: Json) {
  const paper = (item.paper ?? {}) as Json;
  const timestamp = (value: unknown) => {
    if (value === undefined) return undefined;
    expect(value).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    return new Date(value as string);
  };
  const authors = (paper.authors ?? item.authors) as { name: string }[] | undefined;
  const submitter = (item.submittedBy ?? item.submittedOnDailyBy) as Json | undefined;
  return {
    id: (item.id ?? paper.id) as string,
    title: item.title as string | undefined,
    authors: authors?.map((author) => author.name),
    publishedAt: timestamp(paper.publishedAt ?? item.publishedAt),
    upvotes: (paper.upvotes ?? item.upvotes) as number,
    comments: (item.numComments ?? 0) as number,
    submittedAt: timestamp(item.publishedAt ?? item.submittedOnDailyAt),
    submittedBy: submitter ? { username: submitter.user, fullname: submitter.fullname } : undefined,
  };
}

describe('the API as huggingface_hub reads it', () => {
  it('list_daily_papers and list_papers give complete PaperInfo objects', async () => {
    for (const path of ['/api/daily_papers?date=2024-06-14', '/api/papers/search?q=depth']) {
      const items = (await (await t.app.request(path)).json()) as Json[];
      expect(items.length, path).toBeGreaterThan(0);
      for (const info of items.map(readAsHuggingfaceHub)) {
        expect(info.title, path).toBeTruthy();
        expect(info.authors!.length, path).toBeGreaterThan(0);
        expect(info.authors!.every((name) => typeof name === 'string' && name.length > 0)).toBe(true);
        expect(Number.isInteger(info.upvotes)).toBe(true);
        expect(info.submittedAt!.toISOString().slice(0, 10)).toBe('2024-06-14');
        if (info.submittedBy) expect(typeof info.submittedBy.username).toBe('string');
      }
    }
  });

  it('paper_info gives the same paper, by plain or versioned id', async () => {
    const [first] = (await (
      await t.app.request('/api/daily_papers?date=2024-06-14&limit=1')
    ).json()) as Json[];
    const listed = readAsHuggingfaceHub(first!);
    for (const id of [listed.id, `${listed.id}v2`]) {
      const info = readAsHuggingfaceHub((await (await t.app.request(`/api/papers/${id}`)).json()) as Json);
      expect(info).toMatchObject({
        id: listed.id,
        title: listed.title,
        authors: listed.authors,
        upvotes: listed.upvotes,
      });
    }
  });

  it('read_paper gets Markdown from /papers/{id}.md, and a 404 for an unknown paper', async () => {
    const res = await t.app.request('/papers/2406.09414.md');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    expect(await res.text()).toMatch(/^# Depth Anything V2\n/);
    expect((await t.app.request('/papers/2406.99999.md')).status).toBe(404);
  });
});
