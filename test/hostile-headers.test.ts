/**
 * Security headers on every kind of response, HTML that needs no inline script, and — in real headless
 * Chromium, which enforces the Content-Security-Policy — pages that still work under it: formulas typeset
 * by KaTeX (inline style attributes), the digest preview's framed message, the app's scripts.
 */
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { type Browser } from 'playwright-core';
import { launchChromium } from './support/browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addSubscriber } from './support/smtp-app.js';
import { createHostileApp, type HostileApp, realPapers } from './support/hostile.js';
import { testPaper } from './support/temp-app.js';

let env: HostileApp;
let server: ServerType;
let base: string;

beforeAll(async () => {
  env = await createHostileApp();
  await env.store.upsertPapers([
    ...realPapers(40),
    testPaper('2603.00001', 'Scaling laws for $\\mathcal{O}(n^2)$ attention', '2026-03-02', {
      abstract: 'We show that $\\sum_{i=1}^{n} x_i^2 \\leq \\frac{a}{b}$ holds, and \\[ E = mc^2 \\] too.',
    }),
  ]);
  await addSubscriber(env.store, 'reader@example.org', [{ type: 'daily' }]);
  server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: env.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await env.close();
});

const HTML_PAGES = [
  '/',
  '/?period=week',
  '/papers/2603.00001',
  '/search?q=attention',
  '/search?q=%3Cscript%3E',
  '/trending',
  '/login',
  '/signup',
  '/subscribe',
  '/preferences',
  '/digest/preview',
  '/feeds',
  '/about/ranking',
  '/no/such/page',
];

function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name, ...values]) => [name ?? '', values]),
  );
}

describe('security headers', () => {
  it('gives every HTML page a strict policy and the other protective headers', async () => {
    for (const path of HTML_PAGES) {
      const response = await fetch(base + path);
      const html = await response.text();
      expect(response.headers.get('content-type'), path).toMatch(/^text\/html/);
      const policy = directives(response.headers.get('content-security-policy') ?? '');
      expect(policy.get('script-src'), path).toEqual(["'self'"]);
      expect(policy.get('default-src'), path).toEqual(["'self'"]);
      expect(policy.get('object-src'), path).toEqual(["'none'"]);
      expect(policy.get('frame-ancestors'), path).toEqual(["'self'"]);
      expect(policy.get('style-src-elem'), path).toEqual(["'self'"]);
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(response.headers.get('referrer-policy'), path).toMatch(
        /^(strict-origin-when-cross-origin|no-referrer)$/,
      );
      expect(response.headers.get('x-frame-options'), path).toBe('SAMEORIGIN');

      // Nothing the policy would block: scripts only from files, no handlers in attributes, no <style>.
      for (const script of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
        expect(script[1], `${path}: inline script`).toMatch(/\ssrc="\/static\//);
        expect(script[2]?.trim(), `${path}: inline script`).toBe('');
      }
      expect(html, path).not.toMatch(/<[a-z][^>]*\son[a-z]+=/i);
      expect(html, path).not.toMatch(/<style\b/i);
      expect(html, path).not.toMatch(/javascript:/i);
    }
  });

  it('sends nosniff with JSON, feeds and static files too', async () => {
    for (const path of [
      '/api/daily_papers',
      '/feeds/daily.atom',
      '/static/app.js',
      '/healthz',
      '/papers/2603.00001.bib',
    ]) {
      const response = await fetch(base + path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
    }
  });

  it('keeps the stricter policy of the framed digest message, and lets the preview frame it', async () => {
    const preview = await fetch(`${base}/digest/preview`);
    expect(directives(preview.headers.get('content-security-policy') ?? '').get('frame-src')).toEqual([
      "'self'",
    ]);
    const message = await fetch(`${base}/digest/preview/message`);
    expect(message.status).toBe(200);
    const policy = directives(message.headers.get('content-security-policy') ?? '');
    expect(policy.get('default-src')).toEqual(["'none'"]);
    expect(policy.get('frame-ancestors')).toEqual(["'self'"]);
  });
});

describe('pages under the policy in Chromium', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('typesets formulas, runs the app script and frames the digest with no policy violation', async () => {
    const page = await browser.newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
    });

    await page.goto(`${base}/papers/2603.00001`);
    // KaTeX's markup is there and its stylesheet and inline sizes apply: struts get their height.
    const formulas = page.locator('.katex');
    expect(await formulas.count()).toBeGreaterThan(1);
    // A string, not a function: this project type-checks without the DOM library.
    const styled = (await page.evaluate(`(() => {
      const strut = document.querySelector('.katex-html [style*="height"]');
      const katex = document.querySelector('.katex');
      return {
        declared: strut ? strut.style.height : '',
        applied: strut ? getComputedStyle(strut).height : '',
        font: katex ? getComputedStyle(katex).fontFamily : '',
      };
    })()`)) as { declared: string; applied: string; font: string };
    expect(styled.declared).not.toBe('');
    expect(styled.applied).not.toBe('auto');
    expect(styled.applied).not.toBe('0px');
    expect(styled.font).toMatch(/KaTeX/);

    // app.js (a file, so allowed) makes "/" focus the search box.
    await page.goto(`${base}/search?q=attention`);
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('/');
    expect(await page.evaluate('document.activeElement && document.activeElement.name')).toBe('q');

    await page.goto(`${base}/digest/preview`);
    const frame = page.frameLocator('iframe.mail-preview');
    await expect
      .poll(async () => (await frame.locator('body').textContent()) ?? '', { timeout: 10_000 })
      .toMatch(/\S/);

    expect(violations).toEqual([]);
    await page.close();
  }, 60_000);

  it('blocks an inline script a page might ever carry', async () => {
    // The proof that the policy is enforced at all: a response with our headers and an inline script.
    const page = await browser.newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    const headers = Object.fromEntries((await fetch(`${base}/`)).headers);
    await page.route(`${base}/injected`, (route) =>
      route.fulfill({
        status: 200,
        headers: { ...headers, 'content-type': 'text/html; charset=utf-8' },
        body: '<!DOCTYPE html><p id="p">safe</p><script>document.getElementById("p").textContent = "pwned"</script>',
      }),
    );
    await page.goto(`${base}/injected`);
    expect(await page.locator('#p').textContent()).toBe('safe');
    expect(violations.join('\n')).toMatch(/script-src/);
    await page.close();
  }, 60_000);
});
