/**
 * End to end: a real Paperboy server on a fresh database with three real arXiv listing days, driven by
 * real headless Chromium the way a person uses it — feed, previous day, a paper, search, a filter.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { type Browser, type Page } from 'playwright-core';
import { launchChromium } from '../support/browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { fromArxivListing } from '../../src/ingest/formats/arxiv-listing.js';
import { createLogger } from '../../src/log.js';
import { sharedPath } from '../support/shared.js';
import { createTestDatabase, type TestDatabase } from '../support/test-store.js';

interface ListingRecord {
  id: string;
  title: string;
  categories: string[];
  _listing_date: string;
}

/** The records of the first `days` listing days of the real arXiv listings file. */
async function readListingDays(days: number): Promise<ListingRecord[]> {
  const source = createReadStream(sharedPath('corpus', 'arxiv-listings-2025-2026.jsonl.gz'));
  const lines = createInterface({ input: source.pipe(createGunzip()), crlfDelay: Infinity });
  const kept: ListingRecord[] = [];
  const seenDays = new Set<string>();
  for await (const line of lines) {
    const record = JSON.parse(line) as ListingRecord;
    if (!seenDays.has(record._listing_date) && seenDays.size === days) break;
    seenDays.add(record._listing_date);
    kept.push(record);
  }
  lines.close();
  source.destroy();
  return kept;
}

function longDay(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString('en-US', {
    weekday: 'long',
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    timeZone: 'UTC',
  });
}

let database: TestDatabase | undefined;
let server: RunningServer;
let browser: Browser;
let records: ListingRecord[];
const countOn = (day: string) => records.filter((r) => r._listing_date === day).length;

beforeAll(async () => {
  database = await createTestDatabase();
  records = await readListingDays(3);
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    ...database.env,
    PAPERBOY_DEMO: '0',
  });
  server = await startServer(config, createLogger('silent'));
  // The importer's own record mapping, so the pages show what an import of the listing stores.
  const report = await server.store.upsertPapers(records.map((record) => fromArxivListing(record)));
  expect(report.inserted).toBe(records.length);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await database?.close();
});

/** A page that fails the test on any script error or console error. */
async function openPage(javaScriptEnabled = true): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  return { page, errors };
}

async function resultCount(page: Page, query: string): Promise<number> {
  const heading = await page.getByRole('heading', { level: 2, name: `for “${query}”` }).innerText();
  const match = /^([\d,]+) results? for/.exec(heading);
  expect(match, heading).not.toBeNull();
  return Number(match![1]!.replace(/,/g, ''));
}

describe('browsing Paperboy in Chromium', () => {
  it('reads the feed, goes back a day, opens a paper, searches and filters by category', async () => {
    const days = [...new Set(records.map((r) => r._listing_date))].sort();
    const [, previousDay, latestDay] = days as [string, string, string];
    const { page, errors } = await openPage();

    // The home page is the latest day, most upvoted first, 30 papers a page.
    await page.goto(server.url + '/');
    await expect.poll(() => page.title()).toBe('Paperboy — daily research papers');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(longDay(latestDay));
    expect(await page.locator('.feed-count').innerText()).toBe(
      `${countOn(latestDay)} papers, most upvoted first`,
    );
    expect(await page.locator('.paper-card').count()).toBe(Math.min(30, countOn(latestDay)));

    // Previous day.
    await page.getByRole('link', { name: /Previous day/ }).click();
    await page.waitForURL(`**/?date=${previousDay}`);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(longDay(previousDay));
    expect(await page.locator('.feed-count').innerText()).toBe(
      `${countOn(previousDay)} papers, most upvoted first`,
    );
    expect(await page.getByRole('link', { name: /Next day/ }).getAttribute('href')).toBe(
      `/?date=${latestDay}`,
    );

    // Open the first paper of that day.
    const firstTitle = page.locator('.card-title a').first();
    const title = await firstTitle.innerText();
    const href = (await firstTitle.getAttribute('href'))!;
    const id = decodeURIComponent(href.replace('/papers/', ''));
    const record = records.find((r) => r.id === id)!;
    expect(record._listing_date).toBe(previousDay);
    await firstTitle.click();
    await page.waitForURL(`**${href}`);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(title);
    await expect.poll(() => page.title()).toContain('· Paperboy');
    expect(await page.getByRole('heading', { name: 'Abstract' }).isVisible()).toBe(true);
    expect(await page.getByRole('link', { name: 'arXiv page' }).getAttribute('href')).toBe(
      `https://arxiv.org/abs/${id}`,
    );
    const chips = await page.locator('.paper .categories li').allInnerTexts();
    expect(chips).toEqual(record.categories);

    // Search from the header.
    const query = 'segmentation';
    await page.getByRole('searchbox', { name: 'Search papers' }).fill(query);
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/search?q=${query}`);
    const total = await resultCount(page, query);
    expect(total).toBeGreaterThan(20);
    expect(await page.locator('.paper-card').count()).toBe(20);
    expect(await page.locator('.card-title mark').count()).toBeGreaterThan(0);
    expect((await page.locator('.card-title mark').first().innerText()).toLowerCase()).toContain('segment');

    // Filter by a category: the page applies it as soon as it is chosen.
    const category = 'eess.IV';
    await page.getByLabel('Category').selectOption(category);
    await page.waitForURL(/category=eess\.IV/);
    const filtered = await resultCount(page, query);
    expect(filtered).toBeGreaterThan(0);
    expect(filtered).toBeLessThan(total);
    expect(await page.getByLabel('Category').inputValue()).toBe(category);
    const cards = page.locator('.paper-card');
    const shown = await cards.count();
    expect(shown).toBe(Math.min(20, filtered));
    for (let i = 0; i < shown; i++) {
      expect(await cards.nth(i).locator('.categories li').allInnerTexts()).toContain(category);
    }
    const shownIds = await cards
      .locator('.card-title a')
      .evaluateAll((links) =>
        links.map((a) => decodeURIComponent(a.getAttribute('href')!.replace('/papers/', ''))),
      );
    for (const shownId of shownIds) {
      expect(records.find((r) => r.id === shownId)?.categories).toContain(category);
    }

    expect(errors).toEqual([]);
  });

  it('works without JavaScript: search, filter with the Apply button, page through results', async () => {
    const { page, errors } = await openPage(false);
    await page.goto(server.url + '/search?q=diffusion');
    const total = await resultCount(page, 'diffusion');
    await page.getByLabel('Category').selectOption('cs.CV');
    await page.getByRole('checkbox', { name: 'Has code' }).check();
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/category=cs\.CV/);
    expect(page.url()).toContain('code=1');
    const filtered = await resultCount(page, 'diffusion');
    expect(filtered).toBeLessThan(total);
    for (const badge of await page.locator('.paper-card').all()) {
      expect(await badge.locator('.badge-code').count()).toBe(1);
    }
    if (filtered > 20) {
      await page.getByRole('link', { name: 'Next →' }).click();
      await page.waitForURL(/page=2/);
      expect(await page.locator('.paper-card').count()).toBe(Math.min(20, filtered - 20));
    }
    expect(errors).toEqual([]);
  });
});
