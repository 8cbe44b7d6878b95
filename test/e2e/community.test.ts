/**
 * End to end in real headless Chromium: sign up, log in, upvote in place (and back), submit a paper that
 * the arXiv replay server describes, comment with math and a script tag, save to a collection, export
 * BibTeX — and the same upvote without JavaScript.
 */
import { readFileSync } from 'node:fs';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { launchChromium } from '../support/browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { arxivApiReplay, startReplayServer, type ReplayServer } from '../support/replay-server.js';
import { testPaper } from '../support/temp-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-store.js';

const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

let database: TestDatabase | undefined;
let server: RunningServer;
let arxiv: ReplayServer;
let browser: Browser;

beforeAll(async () => {
  database = await createTestDatabase();
  arxiv = await startReplayServer(arxivApiReplay());
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    ...database.env,
    PAPERBOY_DEMO: '0',
    ARXIV_API_URL: `${arxiv.url}/api/query`,
    ARXIV_REQUEST_DELAY_MS: '0',
  });
  server = await startServer(config, createLogger('silent'));
  await server.store.upsertPapers([
    testPaper('2503.11731', 'Scaling up Masked Diffusion Models on Text', daysAgo(1), { upvotes: 41 }),
    testPaper('2503.11732', 'Another paper of the week', daysAgo(2), { upvotes: 12 }),
  ]);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await arxiv?.close();
  await database?.close();
});

interface Session {
  context: BrowserContext;
  page: Page;
  errors: string[];
  dialogs: string[];
}

/** A fresh browser profile; script errors, console errors and dialogs are recorded for assertions. */
async function open(javaScriptEnabled = true): Promise<Session> {
  const context = await browser.newContext({ javaScriptEnabled, acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  const dialogs: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  return { context, page, errors, dialogs };
}

function card(page: Page, title: string) {
  return page.locator('.paper-card', { has: page.getByRole('link', { name: title }) });
}

async function signUp(page: Page, username: string, password: string): Promise<void> {
  await page.goto(`${server.url}/signup`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Email').fill(`${username}@example.org`);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.waitForURL(`${server.url}/`);
}

describe('the community in Chromium', () => {
  it('signs up, logs in, upvotes, submits, comments safely, saves to a collection and exports BibTeX', async () => {
    const { context, page, errors, dialogs } = await open();
    const account = page.getByRole('navigation', { name: 'Account' });

    await signUp(page, 'ada', 'analytical engine 1843');
    await expect.poll(() => account.getByRole('link', { name: 'ada' }).isVisible()).toBe(true);

    // Log out, then log in again.
    await account.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(`${server.url}/`);
    await account.getByRole('link', { name: 'Log in' }).click();
    await page.getByLabel('Username or email').fill('ada');
    await page.getByLabel('Password').fill('analytical engine 1843');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`${server.url}/`);
    expect(await account.getByRole('link', { name: 'ada' }).isVisible()).toBe(true);

    // Upvote in place on the daily feed: +1, then back.
    const target = card(page, 'Scaling up Masked Diffusion Models on Text');
    const button = target.getByRole('button', { name: /upvotes/ });
    const url = page.url();
    expect(await target.locator('.vote-number').innerText()).toBe('41');
    await button.click();
    await expect.poll(() => target.locator('.vote-number').innerText()).toBe('42');
    expect(await button.getAttribute('aria-pressed')).toBe('true');
    expect(page.url()).toBe(url);
    expect((await server.store.getPaper('2503.11731'))?.upvotes).toBe(42);
    await button.click();
    await expect.poll(() => target.locator('.vote-number').innerText()).toBe('41');
    expect(await button.getAttribute('aria-pressed')).toBe('false');
    expect((await server.store.getPaper('2503.11731'))?.upvotes).toBe(41);

    // Submit a paper arXiv knows (served by the replay server).
    await account.getByRole('link', { name: 'Submit' }).click();
    await page.getByLabel('arXiv id or link').fill('1605.08386');
    await page.getByRole('button', { name: 'Submit' }).click();
    await page.waitForURL(`${server.url}/papers/1605.08386`);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(
      'Heat-bath random walks with Markov bases',
    );
    expect(arxiv.log.some((r) => r.query['id_list'] === '1605.08386')).toBe(true);

    // Comment with math and a script tag: the math is typeset, the tag is text, nothing runs.
    await page.getByLabel('Add a comment').fill('$x^2$ <script>alert(1)</script>');
    await page.getByRole('button', { name: 'Comment', exact: true }).click();
    await page.waitForURL(/\/papers\/1605\.08386#comment-\d+$/);
    const comment = page.locator('.comment').first();
    expect(await comment.locator('.katex').count()).toBe(1);
    expect(await comment.locator('.katex-mathml annotation').textContent()).toBe('x^2');
    expect(await comment.locator('.comment-body').innerText()).toContain('<script>alert(1)</script>');
    expect(await comment.locator('script').count()).toBe(0);
    expect(await page.getByRole('heading', { name: '1 comment' }).isVisible()).toBe(true);

    // Save it to a new collection, then export the collection.
    await page.getByLabel('Save to').selectOption('new');
    await page.getByLabel('Name of a new collection').fill('Random walks');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.waitForURL(/\/collections\/\d+$/);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Random walks');
    expect(await card(page, 'Heat-bath random walks with Markov bases').isVisible()).toBe(true);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Export BibTeX' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('Random-walks.bib');
    const bib = readFileSync((await download.path())!, 'utf8');
    expect(bib).toContain('@misc{stanley2016heat,');
    expect(bib).toContain('title = {Heat-bath random walks with Markov bases},');
    expect(bib).toContain('author = {Caprice Stanley and Tobias Windisch},');
    expect(bib).toContain('eprint = {1605.08386},');

    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('upvotes with a plain form when JavaScript is off', async () => {
    const { context, page, errors } = await open(false);
    await signUp(page, 'grace', 'compilers all the way');
    await page.goto(`${server.url}/trending`);
    const target = card(page, 'Another paper of the week');
    expect(await target.locator('.vote-number').innerText()).toBe('12');
    await target.getByRole('button', { name: /upvotes/ }).click();
    await page.waitForURL(`${server.url}/trending`);
    expect(await card(page, 'Another paper of the week').locator('.vote-number').innerText()).toBe('13');
    expect(errors).toEqual([]);
    await context.close();
  });
});
