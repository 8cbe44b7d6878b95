/**
 * The whole email path through a real SMTP server on 127.0.0.1: subscribe → confirmation arrives → confirm
 * → digest send → the digest arrives (both parts, RFC 8058 headers, escaped content) → one-click unsubscribe
 * → the next run sends that address nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendDigest } from '../src/mail/digest.js';
import { outboxFor } from '../src/mail/outbox.js';
import { testPaper } from './support/temp-app.js';
import { BASE_URL, createMailTestApp, type MailTestApp, seedPapers } from './support/smtp-app.js';
import { startSmtpServer, type TestSmtpServer } from './support/smtp.js';
import { Visitor } from './support/visitor.js';

const DAY = '2026-11-20';
const XSS = '<img src=x onerror=alert(1)>';

describe('email end to end over SMTP', () => {
  let smtp: TestSmtpServer;
  let env: MailTestApp;
  let visitor: Visitor;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    env = await createMailTestApp(smtp.url);
    visitor = new Visitor(env.app, BASE_URL);
    await seedPapers(env.store, DAY, 12);
    await env.store.upsertPapers([
      testPaper('2611.09999', `Attention ${XSS} is all you need`, DAY, {
        abstract: `We show that ${XSS} & friends scale as $\\mathcal{O}(n^2)$ with $\\alpha$-divergence.`,
        upvotes: 5000,
      }),
    ]);
  });

  afterAll(async () => {
    await outboxFor(env.ctx).close();
    await env.close();
    await smtp.close();
  });

  const confirmLink = (text: string): string => {
    const link = /http:\/\/paperboy\.test\/subscribe\/confirm\?token=[\w.-]+/.exec(text)?.[0];
    if (!link) throw new Error(`no confirmation link in: ${text}`);
    return link;
  };

  it('subscribes with double opt-in, sends the digest, and stops after a one-click unsubscribe', async () => {
    const form = await visitor.page('/subscribe');
    expect(form).toContain('name="email"');

    const subscribed = await visitor.submit('/subscribe', { email: 'Reader@Example.org', daily: '1' });
    expect(subscribed.status).toBe(200);
    expect(await subscribed.text()).toContain('Check your inbox');

    const [confirmation] = await smtp.waitForCount(1);
    expect(confirmation?.recipients).toEqual(['reader@example.org']);
    expect(confirmation?.subject).toBe('Confirm your Paperboy subscription');
    // Not list mail: no unsubscribe headers on the confirmation itself.
    expect(confirmation?.header('list-unsubscribe')).toBeUndefined();

    // Until the link is followed, a digest run sends this address nothing.
    const early = await sendDigest(env.ctx, { kind: 'daily', date: new Date(`${DAY}T08:00:00Z`) });
    expect(early.delivery.sent).toBe(0);
    expect(smtp.received).toHaveLength(1);

    const link = confirmLink(confirmation?.text ?? '');
    const confirmPage = await visitor.page(link);
    expect(confirmPage).toContain('Daily trending papers');
    const token = new URL(link).searchParams.get('token') ?? '';
    const confirmed = await visitor.submit('/subscribe/confirm', { token });
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain('You’re subscribed');

    const run = await sendDigest(env.ctx, { kind: 'daily', date: new Date('2026-11-23T08:00:00Z') });
    expect(run.delivery.sent).toBe(1);
    const [, digest] = await smtp.waitForCount(2);
    if (!digest) throw new Error('no digest');
    expect(digest.recipients).toEqual(['reader@example.org']);
    expect(digest.raw).toMatch(/Content-Type: multipart\/alternative/i);
    expect(digest.text).toContain('Paper number 1 on masked diffusion');
    expect(digest.html).toContain('Paper number 1 on masked diffusion');
    expect(digest.html).toContain(`${BASE_URL}/papers/2611.00001`);

    // RFC 8058: an https-or-http URL in List-Unsubscribe plus the one-click marker; and a visible link.
    const listUnsubscribe = digest.header('list-unsubscribe') ?? '';
    const unsubscribeUrl = /<(http:\/\/paperboy\.test\/unsubscribe\?token=[^>]+)>/.exec(listUnsubscribe)?.[1];
    expect(unsubscribeUrl).toBeDefined();
    expect(digest.header('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(digest.text).toContain(unsubscribeUrl);
    expect(digest.html).toContain(`href="${unsubscribeUrl}"`);

    // Everything from papers is escaped in the HTML part; LaTeX is readable in both.
    expect(digest.html).not.toContain(XSS);
    expect(digest.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(digest.text).toContain(XSS);
    expect(digest.text).toContain('O(n²)');
    expect(digest.html).toContain('α-divergence');

    // The mail client's one-click POST: no cookies, no CSRF token, just the signed URL.
    const oneClick = await env.app.request(unsubscribeUrl ?? '', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(200);
    expect((await env.store.findMailSubscriber('reader@example.org'))?.status).toBe('unsubscribed');

    await seedPapers(env.store, '2026-11-24', 5, 100);
    const after = await sendDigest(env.ctx, { kind: 'daily', date: new Date('2026-11-24T08:00:00Z') });
    expect(after.recipients).toBe(0);
    expect(after.delivery.sent).toBe(0);
    expect(smtp.to('reader@example.org')).toHaveLength(2);
  });

  it('answers a repeated subscription exactly like a new one, and changes nothing until confirmed', async () => {
    const before = smtp.received.length;
    await visitor.page('/subscribe');
    const known = await visitor.submit('/subscribe', { email: 'reader@example.org', weekly: '1' });
    await visitor.page('/subscribe');
    const fresh = await visitor.submit('/subscribe', { email: 'someone.new@example.org', weekly: '1' });
    expect(known.status).toBe(fresh.status);
    const knownPage = (await known.text()).replaceAll('reader@example.org', 'ADDRESS');
    const freshPage = (await fresh.text()).replaceAll('someone.new@example.org', 'ADDRESS');
    expect(knownPage).toBe(freshPage);
    // Both addresses get the same kind of message; the known one keeps its state until it confirms.
    const mails = await smtp.waitForCount(before + 2);
    expect(mails.slice(before).map((m) => m.subject)).toEqual([
      'Confirm your Paperboy subscription',
      'Confirm your Paperboy subscription',
    ]);
    expect((await env.store.findMailSubscriber('reader@example.org'))?.status).toBe('unsubscribed');
    expect((await env.store.findMailSubscriber('someone.new@example.org'))?.status).toBe('pending');
  });

  it('rejects a forged or expired link and a bad address with a clear 4xx', async () => {
    const forged = await env.app.request(`${BASE_URL}/unsubscribe?token=1.zzzzzz.AAAAAAAAAAAAAAAAAAAAAA`, {
      method: 'POST',
      body: 'List-Unsubscribe=One-Click',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain('not valid');
    const forgedForm = await new Visitor(env.app, BASE_URL).submit('/subscribe', {
      email: 'csrf@example.org',
    });
    expect(forgedForm.status).toBe(403);
    await visitor.page('/subscribe');
    const bad = await visitor.submit('/subscribe', { email: 'not an address', daily: '1' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('Enter an email address');
  });

  it('rate-limits subscription requests for one address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      await visitor.page('/subscribe');
      statuses.push((await visitor.submit('/subscribe', { email: 'flood@example.org' })).status);
    }
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5)).toEqual([429, 429]);
  });
});
