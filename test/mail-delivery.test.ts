/**
 * Delivery guarantees against a real SMTP server on 127.0.0.1: an issue is sent once, temporary failures
 * (451, connection refused) are retried until everything arrives once, a 550 marks only that address
 * bouncing, papers never repeat, the throttle holds.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DeliveryOptions } from '../src/mail/deliver.js';
import { sendDigest } from '../src/mail/digest.js';
import { testPaper } from './support/temp-app.js';
import { addSubscriber, createMailTestApp, type MailTestApp, seedPapers } from './support/smtp-app.js';
import { startSmtpServer, type TestSmtpServer, unusedPort } from './support/smtp.js';

const DAY = '2026-11-20';
const MONDAY = new Date('2026-11-23T08:00:00Z');
const FAST: Partial<DeliveryOptions> = {
  ratePerSecond: 0,
  retry: { baseMs: 100, maxMs: 400, maxAttempts: 30 },
  maxWaitMs: 20_000,
};

function countBy<T>(items: T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

/** Paper ids linked from a digest's text part, in order. */
function paperIds(text: string): string[] {
  return [...text.matchAll(/paperboy\.test\/papers\/([\w.%-]+)/g)].map((m) => decodeURIComponent(m[1] ?? ''));
}

describe('digest delivery', () => {
  let smtp: TestSmtpServer;
  let env: MailTestApp;
  const emails = Array.from({ length: 8 }, (_, i) => `reader${i}@example.org`);

  beforeEach(async () => {
    smtp = await startSmtpServer();
    env = await createMailTestApp(smtp.url);
    await seedPapers(env.store, DAY, 25);
    for (const email of emails) await addSubscriber(env.store, email, [{ type: 'daily' }]);
  });

  afterEach(async () => {
    await env.close();
    await smtp.close();
  });

  it('sends an issue once: running it again the same day sends nothing', async () => {
    const first = await sendDigest(env.ctx, { kind: 'daily', date: MONDAY, delivery: FAST });
    expect(first.delivery.sent).toBe(emails.length);
    await smtp.waitForCount(emails.length);
    const second = await sendDigest(env.ctx, {
      kind: 'daily',
      date: new Date('2026-11-23T18:30:00Z'),
      delivery: FAST,
    });
    expect(second.planned).toBe(0);
    expect(second.delivery.sent).toBe(0);
    expect(smtp.received).toHaveLength(emails.length);
    expect([...countBy(smtp.received, (m) => m.recipients.join()).values()].every((n) => n === 1)).toBe(true);
  });

  it('never sends a subscriber the same paper twice in a digest, and fills the next issue with newer ones', async () => {
    await sendDigest(env.ctx, { kind: 'daily', date: MONDAY, delivery: FAST });
    await sendDigest(env.ctx, { kind: 'daily', date: new Date('2026-11-24T08:00:00Z'), delivery: FAST });
    await sendDigest(env.ctx, { kind: 'daily', date: new Date('2026-11-25T08:00:00Z'), delivery: FAST });
    const mine = smtp.to('reader0@example.org');
    // 25 papers, 10 per digest: 10 + 10 + 5, never one twice.
    expect(mine.map((m) => paperIds(m.text).length)).toEqual([10, 10, 5]);
    const all = mine.flatMap((m) => paperIds(m.text));
    expect(new Set(all).size).toBe(25);
    // Best first: the first issue holds the ten most upvoted.
    expect(paperIds(mine[0]?.text ?? '')[0]).toBe('2611.00001');
    // Nothing left: a fourth issue is not sent at all (no empty digests).
    const fourth = await sendDigest(env.ctx, {
      kind: 'daily',
      date: new Date('2026-11-26T08:00:00Z'),
      delivery: FAST,
    });
    expect(fourth.planned).toBe(0);
    expect(fourth.empty).toBe(emails.length);
  });

  it('retries 451 replies with backoff until everything is delivered exactly once', async () => {
    const until = Date.now() + 1_200;
    smtp.policy = () =>
      Date.now() < until ? { code: 451, message: '4.7.1 Greylisted, try again later' } : null;
    const run = await sendDigest(env.ctx, { kind: 'daily', date: MONDAY, delivery: FAST });
    expect(smtp.refused.filter((r) => r.code === 451).length).toBeGreaterThanOrEqual(emails.length);
    expect(run.delivery).toMatchObject({ sent: emails.length, deferred: 0, failed: 0, bounced: 0 });
    expect(smtp.received).toHaveLength(emails.length);
    expect(new Set(smtp.received.map((m) => m.recipients[0])).size).toBe(emails.length);
    const counts = await env.store.countMailDeliveries({ kinds: ['daily'] });
    expect(counts.sent).toBe(emails.length);
  });

  it('marks an address refused with 550 as bouncing, delivers the rest, and sends it nothing more', async () => {
    smtp.policy = (address) =>
      address === 'reader3@example.org' ? { code: 550, message: '5.1.1 No such user here' } : null;
    const run = await sendDigest(env.ctx, { kind: 'daily', date: MONDAY, delivery: FAST });
    expect(run.delivery).toMatchObject({ sent: emails.length - 1, bounced: 1, deferred: 0 });
    expect(smtp.received).toHaveLength(emails.length - 1);
    expect(smtp.to('reader3@example.org')).toHaveLength(0);
    const bounced = await env.store.findMailSubscriber('reader3@example.org');
    expect(bounced?.status).toBe('bouncing');
    expect(bounced?.bounceReason).toContain('No such user');

    smtp.policy = () => null;
    await seedPapers(env.store, '2026-11-24', 3, 200);
    const next = await sendDigest(env.ctx, {
      kind: 'daily',
      date: new Date('2026-11-24T08:00:00Z'),
      delivery: FAST,
    });
    expect(next.recipients).toBe(emails.length - 1);
    expect(smtp.to('reader3@example.org')).toHaveLength(0);
  });

  it('waits out a mail server that refuses connections, then delivers everything once', async () => {
    const port = await unusedPort();
    const down = await createMailTestApp(`smtp://127.0.0.1:${port}`);
    try {
      await seedPapers(down.store, DAY, 5);
      for (const email of emails.slice(0, 3)) await addSubscriber(down.store, email, [{ type: 'daily' }]);
      const running = sendDigest(down.ctx, { kind: 'daily', date: MONDAY, delivery: FAST });
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const late = await startSmtpServer({ port });
      const run = await running;
      expect(run.delivery).toMatchObject({ sent: 3, deferred: 0, failed: 0 });
      await down.close();
      expect(late.received.map((m) => m.recipients[0]).sort()).toEqual(emails.slice(0, 3));
      await late.close();
    } finally {
      await down.close();
    }
  });

  it('keeps to the throttle', async () => {
    const started = Date.now();
    await sendDigest(env.ctx, { kind: 'daily', date: MONDAY, delivery: { ...FAST, ratePerSecond: 20 } });
    // 8 messages at 20/s: at least 7 gaps of 50 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(7 * 50 - 5);
    expect(smtp.received).toHaveLength(emails.length);
  });

  it('sends alerts: one message with a section per category and saved search, each paper once', async () => {
    await env.store.upsertPapers([
      testPaper('2611.30001', 'Masked diffusion language models', DAY, { categories: ['cs.CL'] }),
      testPaper('2611.30002', 'Speech recognition at scale', DAY, { categories: ['cs.CL', 'eess.AS'] }),
      testPaper('2611.30003', 'Diffusion policies for robots', DAY, { categories: ['cs.RO'] }),
    ]);
    await addSubscriber(env.store, 'alerts@example.org', [
      { type: 'category', category: 'cs.CL' },
      { type: 'search', query: 'masked diffusion language' },
    ]);
    const run = await sendDigest(env.ctx, { kind: 'alerts', date: MONDAY, delivery: FAST });
    expect(run.delivery.sent).toBe(1);
    const [mail] = smtp.to('alerts@example.org');
    expect(mail?.subject).toContain('2 new papers for cs.CL');
    expect(mail?.text).toContain('New papers in cs.CL');
    const ids = paperIds(mail?.text ?? '');
    // The cs.CL section holds both cs.CL papers; the search's only match is already above, so no repeat.
    expect(ids.sort()).toEqual(['2611.30001', '2611.30002']);
    expect(mail?.header('list-id')).toContain('alerts.paperboy.paperboy.test');
  });
});
