/**
 * Password reset and email change through the mail path, with a real SMTP server on 127.0.0.1: the links
 * arrive by mail, work once, and reveal nothing about which addresses have accounts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCredentials, createAccount } from '../src/community/accounts.js';
import { outboxFor } from '../src/mail/outbox.js';
import { BASE_URL, createMailTestApp, type MailTestApp } from './support/smtp-app.js';
import { startSmtpServer, type TestSmtpServer } from './support/smtp.js';
import { Visitor } from './support/visitor.js';

const OLD_PASSWORD = 'correct horse battery';
const NEW_PASSWORD = 'a brand new passphrase';

function linkIn(text: string, path: string): string {
  const link = new RegExp(`${BASE_URL.replaceAll('.', '\\.')}${path}\\?\\S+`).exec(text)?.[0];
  if (!link) throw new Error(`no ${path} link in: ${text}`);
  return link;
}

describe('account mail over SMTP', () => {
  let smtp: TestSmtpServer;
  let env: MailTestApp;
  let userId: number;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    env = await createMailTestApp(smtp.url);
    const created = await createAccount(env.store, {
      username: 'ada',
      email: 'ada@example.org',
      password: OLD_PASSWORD,
    });
    if (!created.ok) throw new Error(created.message);
    userId = created.user.id;
  });

  afterAll(async () => {
    await outboxFor(env.ctx).close();
    await env.close();
    await smtp.close();
  });

  async function logIn(password: string): Promise<{ visitor: Visitor; status: number }> {
    const visitor = new Visitor(env.app, BASE_URL);
    await visitor.page('/login');
    const response = await visitor.submit('/login', { username: 'ada', password });
    return { visitor, status: response.status };
  }

  it('resets a password through the mailed link, which works only once', async () => {
    const { visitor: loggedIn, status } = await logIn(OLD_PASSWORD);
    expect(status).toBe(303);

    const visitor = new Visitor(env.app, BASE_URL);
    expect(await visitor.page('/login')).toContain('href="/password/forgot"');
    await visitor.page('/password/forgot');
    const asked = await visitor.submit('/password/forgot', { email: ' Ada@Example.org ' });
    expect(asked.status).toBe(200);
    expect(await asked.text()).toContain('a link to choose a new password is on its way');

    const [mail] = await smtp.waitForCount(1);
    if (!mail) throw new Error('no reset mail');
    expect(mail.recipients).toEqual(['ada@example.org']);
    expect(mail.subject).toBe('Reset your Paperboy password');
    expect(mail.header('list-unsubscribe')).toBeUndefined();
    const link = linkIn(mail.text, '/password/reset');
    expect(mail.html).toContain(`href="${link}"`);

    const form = await visitor.page(link);
    expect(form).toContain('Choose a new password');
    const token = new URL(link).searchParams.get('token') ?? '';
    const weak = await visitor.submit('/password/reset', { token, password: 'short' });
    expect(weak.status).toBe(400);
    const reset = await visitor.submit('/password/reset', { token, password: NEW_PASSWORD });
    expect(reset.status).toBe(200);
    expect(await reset.text()).toContain('Password changed');

    expect((await checkCredentials(env.store, 'ada', OLD_PASSWORD)).status).toBe('invalid');
    expect((await checkCredentials(env.store, 'ada', NEW_PASSWORD)).status).toBe('ok');
    expect((await logIn(OLD_PASSWORD)).status).toBe(401);
    expect((await logIn(NEW_PASSWORD)).status).toBe(303);
    // The session that was open before the reset has ended.
    expect((await loggedIn.request('/account/email')).status).toBe(303);

    // The same link a second time: refused, and the password stays.
    expect((await visitor.request(link)).status).toBe(400);
    await visitor.page('/password/forgot');
    const again = await visitor.submit('/password/reset', { token, password: 'yet another passphrase' });
    expect(again.status).toBe(400);
    expect(await again.text()).toContain('not valid');
    expect((await checkCredentials(env.store, 'ada', NEW_PASSWORD)).status).toBe('ok');
  });

  it('answers an unknown address with the same page and sends it nothing', async () => {
    const before = smtp.received.length;
    const visitor = new Visitor(env.app, BASE_URL);
    await visitor.page('/password/forgot');
    const unknown = await visitor.submit('/password/forgot', { email: 'nobody@example.org' });
    const known = await visitor.submit('/password/forgot', { email: 'ada@example.org' });
    expect(unknown.status).toBe(known.status);
    const unknownPage = (await unknown.text()).replaceAll('nobody@example.org', 'ADDRESS');
    const knownPage = (await known.text()).replaceAll('ada@example.org', 'ADDRESS');
    expect(unknownPage).toBe(knownPage);

    await smtp.waitForCount(before + 1);
    await outboxFor(env.ctx).idle();
    expect(smtp.received.slice(before).map((m) => m.recipients)).toEqual([['ada@example.org']]);
    expect(smtp.to('nobody@example.org')).toHaveLength(0);
    expect(await env.store.findMailSubscriber('nobody@example.org')).toBeNull();
  });

  it('changes the email address only once the link sent to the new address is followed', async () => {
    const { visitor, status } = await logIn(NEW_PASSWORD);
    expect(status).toBe(303);
    expect(await visitor.page('/u/ada')).toContain('href="/account/email"');
    await visitor.page('/account/email');
    const wrong = await visitor.submit('/account/email', { email: 'ada.new@example.org', password: 'nope' });
    expect(wrong.status).toBe(403);

    const before = smtp.received.length;
    const asked = await visitor.submit('/account/email', {
      email: 'Ada.New@example.org',
      password: NEW_PASSWORD,
    });
    expect(asked.status).toBe(200);
    expect(await asked.text()).toContain('Your address changes when you follow it');
    const [mail] = (await smtp.waitForCount(before + 1)).slice(before);
    if (!mail) throw new Error('no confirmation mail');
    expect(mail.recipients).toEqual(['ada.new@example.org']);
    expect(mail.subject).toBe('Confirm your new Paperboy email address');
    expect((await env.store.getUser(userId))?.email).toBe('ada@example.org');

    const link = linkIn(mail.text, '/account/email/confirm');
    const confirmPage = await visitor.page(link);
    expect(confirmPage).toContain('Confirm your new address');
    // Opening the link (as a link scanner would) changes nothing.
    expect((await env.store.getUser(userId))?.email).toBe('ada@example.org');

    const params = new URL(link).searchParams;
    const token = params.get('token') ?? '';
    const swapped = await visitor.submit('/account/email/confirm', { token, email: 'mallory@example.org' });
    expect(swapped.status).toBe(400);
    const confirmed = await visitor.submit('/account/email/confirm', {
      token,
      email: params.get('email') ?? '',
    });
    expect(confirmed.status).toBe(200);
    expect((await env.store.getUser(userId))?.email).toBe('ada.new@example.org');

    // Used once: the account no longer has the address the link was bound to.
    const replay = await visitor.submit('/account/email/confirm', {
      token,
      email: params.get('email') ?? '',
    });
    expect(replay.status).toBe(400);
    expect((await checkCredentials(env.store, 'ada.new@example.org', NEW_PASSWORD)).status).toBe('ok');
  });

  it('rate-limits reset requests for one address', async () => {
    const visitor = new Visitor(env.app, BASE_URL);
    await visitor.page('/password/forgot');
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      statuses.push((await visitor.submit('/password/forgot', { email: 'flood@example.org' })).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
  });
});
