/**
 * Crash safety of `paperboy digest send`, as a real child process (the built CLI) killed with SIGKILL half-way
 * through a throttled run: the next run sends the rest, and the SMTP server receives every digest once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planDigest, sendDigest } from '../src/mail/digest.js';
import { addSubscriber, createMailTestApp, type MailTestApp, seedPapers } from './support/smtp-app.js';
import { ensureBuilt, runCli } from './support/smtp-cli.js';
import { startSmtpServer, type TestSmtpServer } from './support/smtp.js';

const SUBSCRIBERS = 24;
const KILL_AFTER = 9;

describe('digest send killed half-way', () => {
  let smtp: TestSmtpServer;
  let env: MailTestApp;

  beforeAll(async () => {
    ensureBuilt();
    smtp = await startSmtpServer();
    // 10 messages per second: a run of 24 takes over two seconds, plenty of time to kill it half-way.
    env = await createMailTestApp(smtp.url, { PAPERBOY_MAIL_RATE: '10' });
    await seedPapers(env.store, '2026-11-20', 15);
    for (let i = 0; i < SUBSCRIBERS; i++) {
      await addSubscriber(env.store, `reader${String(i).padStart(2, '0')}@example.org`, [{ type: 'daily' }]);
    }
  }, 180_000);

  afterAll(async () => {
    await env.close();
    await smtp.close();
  });

  it('completes the rest on the next run, with no digest twice and none missing', async () => {
    const args = ['digest', 'send', '--kind', 'daily', '--date', '2026-11-23'];
    const killed = await runCli(args, env.env, (kill) => {
      smtp.onMessage = () => {
        // Kill between two messages: the throttle keeps the next one 100 ms away.
        if (smtp.received.length === KILL_AFTER) setTimeout(kill, 30);
      };
    });
    smtp.onMessage = null;
    expect(killed.signal).toBe('SIGKILL');
    const afterKill = smtp.received.length;
    expect(afterKill).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(afterKill).toBeLessThan(SUBSCRIBERS);
    const midway = await env.store.countMailDeliveries({ kinds: ['daily'], issue: 'daily:2026-11-23' });
    expect(midway.sent).toBe(afterKill);
    expect(midway.pending + midway.sending).toBe(SUBSCRIBERS - afterKill);

    const resumed = await runCli(args, env.env);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain(`${SUBSCRIBERS - afterKill} sent`);

    expect(smtp.received).toHaveLength(SUBSCRIBERS);
    const recipients = smtp.received.map((m) => m.recipients.join());
    expect(new Set(recipients).size).toBe(SUBSCRIBERS);
    expect(new Set(smtp.received.map((m) => m.messageId)).size).toBe(SUBSCRIBERS);

    // A third run for the same day has nothing left to do.
    const again = await runCli(args, env.env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('0 new digests planned; 0 sent');
    expect(smtp.received).toHaveLength(SUBSCRIBERS);
  }, 60_000);

  it('resends a message left in doubt with the same Message-ID (at-least-once for that window)', async () => {
    const email = 'indoubt@example.org';
    await addSubscriber(env.store, email, [{ type: 'daily' }]);
    const date = new Date('2026-11-24T08:00:00Z');
    // What a run that died between handing the message over and recording it leaves behind: a planned row
    // marked `sending`.
    await planDigest(env.ctx, 'daily', 'daily:2026-11-24', { reserve: true });
    const rows = await env.store.dueMailDeliveries(
      { kinds: ['daily'], issue: 'daily:2026-11-24' },
      new Date(),
      100,
    );
    const row = rows.find((r) => r.email === email);
    if (!row) throw new Error('no row planned');
    await env.store.updateMailDeliveries([[row.id, { status: 'sending', attempts: 1 }]]);

    const before = smtp.to(email).length;
    const run = await sendDigest(env.ctx, {
      kind: 'daily',
      date,
      delivery: { ratePerSecond: 0, retry: { baseMs: 10, maxMs: 10, maxAttempts: 5 }, maxWaitMs: 60_000 },
    });
    expect(run.delivery.inDoubt).toBe(1);
    expect(smtp.to(email).length).toBe(before + 1);
    expect(smtp.to(email).at(-1)?.messageId).toMatch(/^<daily\.2026-11-24\.[\w-]+@paperboy\.test>$/);
  }, 60_000);
});
