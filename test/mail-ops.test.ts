/**
 * Running email as an operator does: the CLI (outbox folder without SMTP_URL, dry run, bad input), the
 * schedule inside `serve`, and the pages around a subscription (preferences, preview).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscriberUrls } from '../src/mail/links.js';
import { startDigestSchedule } from '../src/mail/schedule.js';
import { testPaper } from './support/temp-app.js';
import {
  addSubscriber,
  BASE_URL,
  createMailTestApp,
  type MailTestApp,
  seedPapers,
} from './support/smtp-app.js';
import { ensureBuilt, runCli } from './support/smtp-cli.js';
import { startSmtpServer, type TestSmtpServer } from './support/smtp.js';

describe('digest send without SMTP_URL', () => {
  let env: MailTestApp;
  let outbox: string;
  let cliEnv: Record<string, string>;

  beforeAll(async () => {
    ensureBuilt();
    env = await createMailTestApp('smtp://127.0.0.1:9');
    outbox = path.join(env.dir, 'outbox');
    const { SMTP_URL: _unused, ...rest } = env.env;
    cliEnv = { ...rest, PAPERBOY_OUTBOX: outbox };
    await seedPapers(env.store, '2026-11-20', 4);
    await addSubscriber(env.store, 'offline@example.org', [{ type: 'daily' }]);
  }, 180_000);

  afterAll(() => env.close());

  it('shows what a dry run would send, and sends and records nothing', async () => {
    const dry = await runCli(
      ['digest', 'send', '--kind', 'daily', '--date', '2026-11-23', '--dry-run'],
      cliEnv,
    );
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('Dry run of daily:2026-11-23: 1 digest would be sent');
    expect(dry.stdout).toContain('offline@example.org: 4 papers');
    expect(readdirSync(env.dir)).not.toContain('outbox');
    expect((await env.store.countMailDeliveries({ kinds: ['daily'] })).pending).toBe(0);
  });

  it('writes each message as an .eml file into the outbox, once', async () => {
    const run = await runCli(['digest', 'send', '--kind', 'daily', '--date', '2026-11-23'], cliEnv);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('1 sent');
    const files = readdirSync(outbox);
    expect(files).toHaveLength(1);
    const mail = await simpleParser(readFileSync(path.join(outbox, files[0] ?? '')));
    expect(mail.text).toContain('Paper number 1 on masked diffusion');
    expect(mail.html).toContain(`${BASE_URL}/papers/2611.00001`);
    expect(mail.headerLines.find((h) => h.key === 'list-unsubscribe-post')?.line).toBe(
      'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
    );
    const again = await runCli(['digest', 'send', '--kind', 'daily', '--date', '2026-11-23'], cliEnv);
    expect(again.stdout).toContain('0 sent');
    expect(readdirSync(outbox)).toHaveLength(1);
  });

  it('refuses bad options with a clear message and a non-zero exit', async () => {
    const kind = await runCli(['digest', 'send', '--kind', 'hourly'], cliEnv);
    expect(kind.code).not.toBe(0);
    expect(kind.stderr).toContain('daily, weekly, alerts');
    const date = await runCli(['digest', 'send', '--kind', 'daily', '--date', '2026-13-40'], cliEnv);
    expect(date.code).toBe(2);
    expect(date.stderr).toContain('--date must be a date written YYYY-MM-DD');
  });
});

describe('the schedule inside serve', () => {
  let smtp: TestSmtpServer;
  let env: MailTestApp;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    env = await createMailTestApp(smtp.url, { PAPERBOY_DIGEST_AT: '07:00' });
    await seedPapers(env.store, '2026-11-20', 6);
    await addSubscriber(env.store, 'both@example.org', [{ type: 'daily' }, { type: 'weekly' }]);
  });

  afterAll(async () => {
    await env.close();
    await smtp.close();
  });

  const deps = (): MailTestApp['ctx'] => env.ctx;

  it('sends nothing before the time of day, then each due digest once', async () => {
    let now = new Date('2026-11-23T06:59:00Z'); // a Monday
    const schedule = startDigestSchedule(deps(), { tickMs: 30, now: () => now });
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(smtp.received).toHaveLength(0);
      now = new Date('2026-11-23T07:00:00Z');
      const mails = await smtp.waitForCount(2);
      expect(mails.map((m) => m.subject.split(' ')[0]).sort()).toEqual(['Trending', 'Trending']);
      expect(mails.map((m) => m.header('list-id')).sort()).toEqual([
        expect.stringContaining('daily.paperboy'),
        expect.stringContaining('weekly.paperboy'),
      ]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(smtp.received).toHaveLength(2);
      expect((await env.store.getJobLease('digest:daily:2026-11-23'))?.finishedAt).not.toBeNull();
    } finally {
      await schedule.stop();
    }
  });

  it('sends no daily digest on a Saturday, and nothing at all when off', async () => {
    await seedPapers(env.store, '2026-11-27', 3, 50);
    const saturday = new Date('2026-11-28T09:00:00Z');
    const schedule = startDigestSchedule(deps(), { tickMs: 30, now: () => saturday });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await schedule.stop();
    expect(smtp.received).toHaveLength(2);

    const off = await createMailTestApp(smtp.url);
    try {
      await seedPapers(off.store, '2026-11-20', 2);
      await addSubscriber(off.store, 'off@example.org', [{ type: 'daily' }]);
      const quiet = startDigestSchedule(off.ctx, { tickMs: 30, now: () => new Date('2026-11-23T12:00:00Z') });
      await new Promise((resolve) => setTimeout(resolve, 200));
      await quiet.stop();
      expect(smtp.to('off@example.org')).toHaveLength(0);
    } finally {
      await off.close();
    }
  });
});

describe('preferences and preview pages', () => {
  let env: MailTestApp;
  let token: string;
  let id: number;

  beforeAll(async () => {
    env = await createMailTestApp('smtp://127.0.0.1:9');
    await seedPapers(env.store, '2026-11-20', 12);
    await env.store.upsertPapers([
      testPaper('2611.40001', 'Evil <script>alert(1)</script> title', '2026-11-20', { upvotes: 9999 }),
    ]);
    id = await addSubscriber(env.store, 'prefs@example.org', [{ type: 'daily' }]);
    token = new URL(subscriberUrls(env.config, id, new Date()).manageUrl).searchParams.get('token') ?? '';
  });

  afterAll(() => env.close());

  async function form(url: string): Promise<{ html: string; csrf: string; cookie: string }> {
    const response = await env.app.request(`${BASE_URL}${url}`);
    const html = await response.text();
    const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    return { html, csrf: /name="_csrf" value="([^"]*)"/.exec(html)?.[1] ?? '', cookie };
  }

  it('shows and changes what a subscriber gets', async () => {
    const page = await form(`/preferences?token=${token}`);
    expect(page.html).toContain('prefs@example.org');
    expect(page.html).toMatch(/name="daily" value="1" checked/);
    const saved = await env.app.request(`${BASE_URL}/preferences`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: page.cookie },
      body: new URLSearchParams({
        _csrf: page.csrf,
        token,
        weekly: '1',
        categories: 'cs.CL',
        alerts: 'masked diffusion',
      }).toString(),
    });
    expect(saved.status).toBe(200);
    expect(await saved.text()).toContain('Saved.');
    expect((await env.store.getMailSubscriber(id))?.topics).toEqual([
      { type: 'weekly' },
      { type: 'category', category: 'cs.CL' },
      { type: 'search', query: 'masked diffusion' },
    ]);
    const invalid = await env.app.request(`${BASE_URL}/preferences`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: page.cookie },
      body: new URLSearchParams({ _csrf: page.csrf, token, categories: 'not a category!' }).toString(),
    });
    expect(invalid.status).toBe(400);
    expect((await env.store.getMailSubscriber(id))?.topics).toHaveLength(3);
  });

  it('previews the next digest, escaped, and a personal one without what was already sent', async () => {
    const page = await env.app.request(`${BASE_URL}/digest/preview?kind=daily`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Subject:</strong> Trending today');
    expect(html).toContain('<iframe');
    const message = await (await env.app.request(`${BASE_URL}/digest/preview/message?kind=daily`)).text();
    expect(message).toContain('Evil &lt;script&gt;alert(1)&lt;/script&gt; title');
    expect(message).not.toContain('<script>');

    await env.store.setMailTopics(id, [{ type: 'daily' }], new Date());
    await env.store.reserveMailDeliveries(
      [
        {
          subscriberId: id,
          issue: 'daily:2026-11-01',
          kind: 'daily',
          content: '[]',
          paperIds: ['2611.40001'],
        },
      ],
      new Date(),
    );
    const personal = await (
      await env.app.request(`${BASE_URL}/digest/preview/message?kind=daily&token=${token}`)
    ).text();
    expect(personal).not.toContain('Evil');
    expect(personal).toContain('Paper number 1 on masked diffusion');
    const bad = await env.app.request(`${BASE_URL}/digest/preview?kind=hourly`);
    expect(bad.status).toBe(400);
  });

  it('asks before unsubscribing from a link, and says so when the link is broken', async () => {
    const ask = await env.app.request(`${BASE_URL}/unsubscribe?token=${token}`);
    expect(ask.status).toBe(200);
    expect(await ask.text()).toContain('Stop all email to');
    expect((await env.store.getMailSubscriber(id))?.status).toBe('active');
    const broken = await env.app.request(`${BASE_URL}/preferences?token=${token.slice(0, -2)}xx`);
    expect(broken.status).toBe(400);
    expect(await broken.text()).toContain('That link is not valid');
  });
});
