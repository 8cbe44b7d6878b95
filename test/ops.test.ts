/**
 * Operations inside one process: /metrics in the Prometheus text format, one JSON log line per request,
 * and the CLI's help for every command.
 */
import { Writable } from 'node:stream';
import type { Command } from 'commander';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { createProgram } from '../src/cli/main.js';
import { loadConfig } from '../src/config.js';
import { countMail, createAppMetrics } from '../src/ops/metrics.js';
import type { Store } from '../src/store/store.js';
import { testPaper } from './support/temp-app.js';
import { createTestDatabase, type TestDatabase } from './support/test-store.js';

/** `name{labels} value` lines of the exposition format; `# HELP` and `# TYPE` comments. */
const SAMPLE =
  /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*"(,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*")*\})? (-?[0-9.e+-]+|NaN|Nan|\+Inf|-Inf)$/;

function samples(text: string): Map<string, number> {
  const map = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    expect(line).toMatch(SAMPLE);
    const cut = line.lastIndexOf(' ');
    map.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return map;
}

let database: TestDatabase;
let store: Store;
let app: ReturnType<typeof createApp>;
const logLines: Record<string, unknown>[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  const config = loadConfig({ ...database.env, PAPERBOY_DEMO: '0', PORT: '0' });
  store = database.store;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n'))
        if (line) logLines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  app = createApp({ store, config, logger: pino({ level: 'info' }, sink) });
  await store.upsertPapers([
    testPaper('2406.00001', 'First paper', '2024-06-14'),
    testPaper('2406.00002', 'Second paper', '2024-06-14'),
    testPaper('astro-ph/0601001', 'Old paper', '2006-01-02'),
  ]);
});

afterAll(async () => {
  await database.close();
});

describe('GET /metrics', () => {
  it('counts requests by route pattern and status, with a latency histogram', async () => {
    await app.request('/papers/2406.00001');
    await app.request('/papers/astro-ph/0601001');
    await app.request('/papers/2499.99999');
    await app.request('/api/daily_papers?limit=1');
    await app.request('/no/such/page');
    const res = await app.request('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const metrics = samples(text);
    // One label per route, not per paper: both papers count under the same pattern.
    expect(metrics.get('http_requests_total{method="GET",route="/papers/:id{.+}",status="200"}')).toBe(2);
    expect(metrics.get('http_requests_total{method="GET",route="/papers/:id{.+}",status="404"}')).toBe(1);
    expect(metrics.get('http_requests_total{method="GET",route="/api/daily_papers",status="200"}')).toBe(1);
    expect(metrics.get('http_requests_total{method="GET",route="(unmatched)",status="404"}')).toBe(1);
    expect(metrics.get('http_request_duration_seconds_count{method="GET",route="/papers/:id{.+}"}')).toBe(3);
    expect(
      metrics.get('http_request_duration_seconds_bucket{le="+Inf",method="GET",route="/papers/:id{.+}"}'),
    ).toBe(3);
    expect(text).toContain('# TYPE http_request_duration_seconds histogram');
  });

  it('reports the papers, community totals and Node process metrics', async () => {
    const user = await store.createUser({
      username: 'ada',
      email: 'ada@example.org',
      passwordHash: 'x',
      fullname: 'Ada',
      isAdmin: false,
      createdAt: new Date().toISOString(),
    });
    expect(user.ok).toBe(true);
    if (!user.ok) return;
    await store.toggleVote(user.user.id, '2406.00001', new Date());
    const metrics = samples(await (await app.request('/metrics')).text());
    expect(metrics.get('paperboy_papers')).toBe(3);
    expect(metrics.get('paperboy_users')).toBe(1);
    expect(metrics.get('paperboy_votes')).toBe(1);
    expect(metrics.get('paperboy_comments')).toBe(0);
    expect(metrics.get('process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(metrics.has('nodejs_eventloop_lag_p99_seconds')).toBe(true);
  });

  it('counts mail sent and failed through countMail', async () => {
    const before = samples(await (await app.request('/metrics')).text());
    countMail('sent', 3);
    countMail('failed');
    const after = samples(await (await app.request('/metrics')).text());
    const delta = (result: string) =>
      after.get(`paperboy_mail_messages_total{result="${result}"}`)! -
      before.get(`paperboy_mail_messages_total{result="${result}"}`)!;
    expect(delta('sent')).toBe(3);
    expect(delta('failed')).toBe(1);
  });

  it('reports the age of the last completed harvest of each set, and nothing before the first', async () => {
    let now = new Date();
    const metrics = createAppMetrics(store, () => now);
    expect(samples(await metrics.registry.metrics()).has('paperboy_harvest_age_seconds{set="cs"}')).toBe(
      false,
    );
    const run = await store.startHarvestRun({
      set: 'cs',
      from: null,
      until: null,
      resumed: false,
      owner: 'test',
    });
    await store.finishHarvestRun(run, { status: 'completed', error: null });
    const failed = await store.startHarvestRun({
      set: 'cs',
      from: null,
      until: null,
      resumed: false,
      owner: 'test',
    });
    await store.finishHarvestRun(failed, { status: 'failed', error: 'network' });
    const finishedAt = Date.parse((await store.lastHarvestRuns(2))[1]!.finishedAt!);
    now = new Date(finishedAt + 90 * 60_000);
    const age = samples(await metrics.registry.metrics()).get('paperboy_harvest_age_seconds{set="cs"}');
    // The failed run does not make the data fresher.
    expect(age).toBe(5400);
  });
});

describe('request logs', () => {
  it('writes one JSON line per request with method, path, route, status and milliseconds', async () => {
    logLines.length = 0;
    await app.request('/papers/2406.00002?from=feed');
    await app.request('/static/app.css');
    await app.request('/healthz');
    const requests = logLines.filter((line) => line.msg === 'request');
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      level: 30,
      method: 'GET',
      path: '/papers/2406.00002',
      route: '/papers/:id{.+}',
      status: 200,
    });
    expect(typeof requests[0]!.ms).toBe('number');
    expect(requests[0]!.ms as number).toBeGreaterThanOrEqual(0);
  });
});

describe('paperboy --help', () => {
  function allCommands(command: Command): Command[] {
    return [command, ...command.commands.flatMap(allCommands)];
  }

  it('describes every command and option', () => {
    const program = createProgram();
    const commands = allCommands(program);
    expect(commands.map((c) => c.name())).toEqual(
      expect.arrayContaining(['paperboy', 'serve', 'import', 'add', 'harvest', 'digest', 'user']),
    );
    const undocumented: string[] = [];
    for (const command of commands) {
      if (!command.description()) undocumented.push(`${command.name()}: no description`);
      for (const option of command.options) {
        if (!option.description) undocumented.push(`${command.name()} ${option.flags}: no description`);
      }
    }
    expect(undocumented).toEqual([]);
  });

  it('explains the serve configuration and shutdown in serve --help', () => {
    const serve = createProgram().commands.find((c) => c.name() === 'serve')!;
    let help = '';
    serve.configureOutput({ writeOut: (text) => (help += text) });
    serve.outputHelp();
    expect(help).toContain('PAPERBOY_DB');
    expect(help).toContain('GET /metrics');
    expect(help).toContain('SIGTERM');
  });
});
