/**
 * Contract tests of the JSON API against real Hugging Face responses: the fixtures are imported with
 * the real importer, then every key Paperboy serves must exist in the fixtures with the same JSON type.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromHfDaily } from '../src/ingest/formats/hf-daily.js';
import { sharedPath } from './support/shared.js';
import { createTempApp, testPaper, type TempApp } from './support/temp-app.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const FIXTURE_DAYS = ['2024-06-14', '2026-08-21'];
const fixturePath = (day: string) => sharedPath('fixtures', 'hf-daily-papers-api', `${day}.json`);
const fixtures = Object.fromEntries(
  FIXTURE_DAYS.map((day) => [day, JSON.parse(readFileSync(fixturePath(day), 'utf8')) as JsonObject[]]),
);
const allFixtureItems = Object.values(fixtures).flat();

function jsonType(value: Json): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** Every key path in the fixtures (`paper.authors[].name`) with the JSON types seen there. */
function typeMap(items: Json[], prefix = '', map = new Map<string, Set<string>>()): Map<string, Set<string>> {
  for (const item of items) {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) continue;
    for (const [key, value] of Object.entries(item)) {
      const keyPath = `${prefix}${key}`;
      const types = map.get(keyPath) ?? new Set<string>();
      types.add(jsonType(value));
      map.set(keyPath, types);
      if (Array.isArray(value)) typeMap(value, `${keyPath}[].`, map);
      else if (value && typeof value === 'object') typeMap([value], `${keyPath}.`, map);
    }
  }
  return map;
}

/** Key paths we serve that the fixtures lack, or serve with another type. */
function contractViolations(served: Json[], reference: Map<string, Set<string>>): string[] {
  const problems: string[] = [];
  for (const [keyPath, types] of typeMap(served)) {
    const expected = reference.get(keyPath);
    if (!expected) problems.push(`${keyPath}: not in the Hugging Face fixtures`);
    else
      for (const type of types)
        if (!expected.has(type)) problems.push(`${keyPath}: ${type}, fixtures have ${[...expected]}`);
  }
  return problems;
}

/**
 * shared/README.md requires keys the fixtures (real responses) carry elsewhere: the client reads `id`,
 * `githubRepo`, … at the top level and a username from `user`. Each must have the type the fixtures
 * give the same value where they do carry it.
 */
function withReadmeKeys(reference: Map<string, Set<string>>): Map<string, Set<string>> {
  const map = new Map(reference);
  for (const key of ['id', 'githubRepo', 'githubStars', 'projectPage', 'ai_summary', 'ai_keywords']) {
    const types = reference.get(`paper.${key}`);
    if (types) map.set(key, types);
  }
  map.set('submittedBy.user', reference.get('paper.submittedOnDailyBy.user')!);
  return map;
}

const dailyReference = withReadmeKeys(typeMap(allFixtureItems));
// GET /api/papers/:id is flat: the paper object's keys, plus numComments which the client reads top-level.
const paperReference = typeMap([
  ...allFixtureItems.map((item) => item.paper as Json),
  ...allFixtureItems.map((item) => ({ numComments: item.numComments }) as Json),
]);

const flatten = (text: unknown) => String(text).replace(/\s+/g, ' ');

let t: TempApp;

async function getJson(path: string): Promise<{ status: number; body: Json; headers: Headers }> {
  const res = await t.app.request(path);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return { status: res.status, body: (await res.json()) as Json, headers: res.headers };
}

async function getList(path: string): Promise<JsonObject[]> {
  const { status, body } = await getJson(path);
  expect(status, path).toBe(200);
  expect(Array.isArray(body), path).toBe(true);
  return body as JsonObject[];
}

const paperOf = (item: JsonObject) => item.paper as JsonObject;

beforeAll(async () => {
  t = await createTempApp();
  // The importer's own record mapping, so the API sees exactly what an import of these files stores.
  const report = await t.store.upsertPapers(allFixtureItems.map((item) => fromHfDaily(item)));
  expect(report.inserted).toBe(allFixtureItems.length);
  // Enough papers on one more day to see the default limit of 50 at work.
  await t.store.upsertPapers(
    Array.from({ length: 60 }, (_, i) =>
      testPaper(`2501.${String(10000 + i)}`, `Filler paper ${i}`, '2025-01-15', { upvotes: i }),
    ),
  );
  await t.store.upsertPapers([testPaper('astro-ph/0601001', 'An old-style paper', '2006-01-02')]);
});

afterAll(async () => {
  await t.close();
});

describe('GET /api/daily_papers', () => {
  it.each(FIXTURE_DAYS)('serves %s with the same papers, keys and types as Hugging Face', async (day) => {
    const items = await getList(`/api/daily_papers?date=${day}`);
    const fixture = fixtures[day]!;
    expect(items.map((item) => item.id).sort()).toEqual(fixture.map((item) => paperOf(item).id).sort());
    expect(contractViolations(items, dailyReference)).toEqual([]);
    for (const item of items) {
      const original = fixture.find((f) => paperOf(f).id === item.id)!;
      expect(item.title).toBe(original.title);
      expect(paperOf(item).upvotes).toBe(paperOf(original).upvotes);
      expect(paperOf(item).authors).toEqual(
        (paperOf(original).authors as JsonObject[]).map((a) => ({ name: a.name, hidden: false })),
      );
      expect((item.publishedAt as string).slice(0, 10)).toBe(day);
    }
  });

  it('writes every timestamp in UTC ending in Z', async () => {
    const items = await getList('/api/daily_papers?limit=100');
    expect(items.length).toBeGreaterThan(50);
    for (const item of items) {
      expect(item.publishedAt).toMatch(TIMESTAMP);
      expect(paperOf(item).submittedOnDailyAt).toMatch(TIMESTAMP);
      if ('publishedAt' in paperOf(item)) expect(paperOf(item).publishedAt).toMatch(TIMESTAMP);
    }
  });

  it('keeps the fields the client reads only at the top level there', async () => {
    const [item] = await getList('/api/daily_papers?date=2026-08-21&sort=trending&limit=1');
    expect(item).toMatchObject({
      title: 'EnvHarness: Awakening Static Worlds for Agent Learning',
      githubRepo: 'https://github.com/google-research/envharness',
      projectPage: 'https://envharness.com/',
      submittedBy: { user: 'taesiri', fullname: 'taesiri' },
    });
    expect(item!.ai_keywords).toContain('EnvRigger');
  });

  it('sorts by the trending score for sort=trending and by feed time by default', async () => {
    // Within one day the score grows with log10(upvotes) (commenters aside); 0 and 1 upvote tie.
    const trending = await getList('/api/daily_papers?date=2024-06-14&sort=trending');
    const scores = trending.map((item) => Math.log10(Math.max(1, paperOf(item).upvotes as number)));
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(paperOf(trending[0]!).upvotes).toBe(45);
    const newest = await getList('/api/daily_papers?limit=100');
    const days = newest.map((item) => item.publishedAt as string);
    expect(days).toEqual([...days].sort().reverse());
    expect(days[0]!.slice(0, 10)).toBe('2026-08-21');
  });

  it('ranks the whole feed by the trending score for sort=trending', async () => {
    // Newer days outweigh older upvotes: the most upvoted paper of the newest day leads.
    const [top] = await getList('/api/daily_papers?sort=trending&limit=1');
    expect(top!.id).toBe('2608.19880');
    const lastOfNewestDay = await getList('/api/daily_papers?sort=trending&limit=17');
    expect(lastOfNewestDay.every((item) => (item.publishedAt as string).startsWith('2026-08-21'))).toBe(true);
  });

  it('pages with p from 0 and limit, and returns [] past the end', async () => {
    const first = await getList('/api/daily_papers?date=2024-06-14&limit=10');
    const second = await getList('/api/daily_papers?date=2024-06-14&limit=10&p=1');
    const third = await getList('/api/daily_papers?date=2024-06-14&limit=10&p=2');
    expect(first).toHaveLength(10);
    expect(second).toHaveLength(10);
    expect(third).toHaveLength(8);
    const ids = [...first, ...second, ...third].map((item) => item.id);
    expect(new Set(ids).size).toBe(28);
    expect(await getList('/api/daily_papers?date=2024-06-14&p=100')).toEqual([]);
  });

  it('returns 50 papers when no limit is given', async () => {
    expect(await getList('/api/daily_papers')).toHaveLength(50);
    expect(await getList('/api/daily_papers?date=2025-01-15')).toHaveLength(50);
  });

  it('covers ISO weeks and months', async () => {
    expect(await getList('/api/daily_papers?week=2026-W34')).toHaveLength(fixtures['2026-08-21']!.length);
    expect(await getList('/api/daily_papers?month=2024-06')).toHaveLength(fixtures['2024-06-14']!.length);
    expect(await getList('/api/daily_papers?week=2024-W01')).toEqual([]);
  });

  it('filters by submitter', async () => {
    const fixture = fixtures['2026-08-21']!;
    const bySubmitter = fixture.filter(
      (item) => (paperOf(item).submittedOnDailyBy as JsonObject).user === 'taesiri',
    );
    expect(bySubmitter.length).toBeGreaterThan(0);
    const items = await getList('/api/daily_papers?submitter=taesiri&limit=100');
    expect(items).toHaveLength(bySubmitter.length);
    for (const item of items) expect((item.submittedBy as JsonObject).user).toBe('taesiri');
    expect(await getList('/api/daily_papers?submitter=nobody-at-all')).toEqual([]);
  });

  it.each([
    ['date=2025-13-40', /date "2025-13-40"/],
    ['date=2025-02-29', /YYYY-MM-DD/],
    ['week=2025-W60', /week "2025-W60"/],
    ['month=2025-13', /month "2025-13"/],
    ['date=2025-03-18&month=2025-03', /only one of date, week and month/],
    ['limit=-1', /limit "-1"/],
    ['limit=abc', /limit "abc"/],
    ['limit=0', /limit "0"/],
    ['limit=101', /from 1 to 100/],
    ['p=-1', /p "-1"/],
    ['p=NaN', /p "NaN"/],
    ['sort=hot', /publishedAt or trending/],
  ])('answers %s with 400 and a JSON error', async (query, message) => {
    const { status, body } = await getJson(`/api/daily_papers?${query}`);
    expect(status).toBe(400);
    expect(Object.keys(body as JsonObject)).toEqual(['error']);
    expect((body as JsonObject).error).toMatch(message);
  });
});

describe('GET /api/papers/:id', () => {
  it('returns a flat paper with the keys and types Hugging Face uses', async () => {
    const { status, body } = await getJson('/api/papers/2406.09414');
    expect(status).toBe(200);
    const original = paperOf(fixtures['2024-06-14']!.find((item) => paperOf(item).id === '2406.09414')!);
    expect(body).toMatchObject({
      id: '2406.09414',
      title: 'Depth Anything V2',
      upvotes: original.upvotes,
      publishedAt: original.publishedAt,
    });
    expect(flatten((body as JsonObject).summary)).toBe(flatten(original.summary));
    expect(contractViolations([body], paperReference)).toEqual([]);
    expect((body as JsonObject).submittedOnDailyAt).toMatch(TIMESTAMP);
  });

  it('accepts versioned and old-style ids', async () => {
    expect((await getJson('/api/papers/2406.09414v3')).body).toMatchObject({ id: '2406.09414' });
    const old = await getJson('/api/papers/astro-ph/0601001');
    expect(old.status).toBe(200);
    expect(old.body).toMatchObject({ id: 'astro-ph/0601001', title: 'An old-style paper' });
  });

  it('answers an unknown paper with 404 and a JSON error', async () => {
    const { status, body } = await getJson('/api/papers/0000.0000');
    expect(status).toBe(404);
    expect(body).toEqual({ error: 'Paper 0000.0000 not found' });
    expect((await getJson('/api/papers/astro-ph/9999999')).status).toBe(404);
  });
});

describe('GET /api/papers/search', () => {
  it('returns daily-shaped items, best match first', async () => {
    const items = await getList('/api/papers/search?q=depth%20anything&limit=5');
    expect(items.length).toBeGreaterThan(0);
    expect(items.length).toBeLessThanOrEqual(5);
    expect(items[0]!.title).toBe('Depth Anything V2');
    expect(contractViolations(items, dailyReference)).toEqual([]);
  });

  it.each(['"unterminated', 'NEAR(', '-', 'c++', '', 'self-attention', "don't"])(
    'answers the query %j with a list, never an error',
    async (q) => {
      const items = await getList(`/api/papers/search?q=${encodeURIComponent(q)}`);
      expect(items.length).toBeLessThanOrEqual(50);
    },
  );

  it('requires q and validates limit', async () => {
    expect((await getJson('/api/papers/search')).status).toBe(400);
    expect((await getJson('/api/papers/search?q=depth&limit=1000')).status).toBe(400);
  });
});

describe('the API as a whole', () => {
  it('answers unknown paths with a JSON 404', async () => {
    const { status, body } = await getJson('/api/no/such/endpoint');
    expect(status).toBe(404);
    expect((body as JsonObject).error).toMatch(/no API endpoint/i);
  });

  it('lets other sites read it from the browser', async () => {
    const { headers } = await getJson('/api/daily_papers?limit=1');
    expect(headers.get('access-control-allow-origin')).toBe('*');
  });

  it('describes itself in /api/openapi.json from the validation schemas', async () => {
    const { status, body } = await getJson('/api/openapi.json');
    expect(status).toBe(200);
    const doc = body as { paths: Record<string, { get: { parameters?: { name: string }[] } }> };
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/daily_papers',
      '/papers/search',
      '/papers/{id}',
      '/papers/{id}/similar',
    ]);
    const names = doc.paths['/daily_papers']!.get.parameters!.map((p) => p.name).sort();
    expect(names).toEqual(['date', 'limit', 'month', 'p', 'sort', 'submitter', 'week']);
  });
});
