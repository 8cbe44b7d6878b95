/**
 * The web side of email: subscribe (double opt-in), confirm, preferences, one-click unsubscribe (RFC 8058)
 * and the digest preview. Links in mail carry signed tokens (tokens.ts); the pages never reveal whether an
 * address is subscribed.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { getConnInfo } from '@hono/node-server/conninfo';
import { type Context, Hono } from 'hono';
import type { AppDeps } from '../app.js';
import { checkRates, type RateRule } from '../community/rate-limit.js';
import { accountMailRoutes } from './account-routes.js';
import { csrfToken } from '../web/csrf.js';
import { renderError, renderPage } from '../web/layout.js';
import { issueFor } from './calendar.js';
import { nextDigest } from './digest.js';
import {
  fieldsOf,
  type FormBody,
  normaliseEmail,
  parseTopicFields,
  subscribeFields,
  topicFields,
} from './forms.js';
import { subscriberUrls } from './links.js';
import { outboxFor } from './outbox.js';
import {
  CheckInboxPage,
  ConfirmedPage,
  ConfirmPage,
  LinkRequestPage,
  MAIL_CSS_URL,
  PreferencesPage,
  PreviewPage,
  SubscribePage,
  UnsubscribedPage,
  UnsubscribePage,
} from './pages/views.js';
import { DigestRenderer, type RenderedMail } from './render.js';
import { type TokenCheck, type TokenPurpose, verifyToken } from './tokens.js';
import { categoryTopic, DIGEST_KINDS, type DigestKind, digestOf, searchTopic, type Topic } from './topics.js';

// Kept in src/ like the web's assets (tsc copies no CSS); two levels up is the package root from src/ and dist/.
const MAIL_CSS = readFileSync(path.resolve(import.meta.dirname, '../../src/mail/pages/mail.css'), 'utf8');

/**
 * Each subscribe or link request mails an address, so both the sender and the address are limited: the
 * address limit keeps anyone from flooding someone else's inbox with confirmation requests.
 */
const MAIL_RATE_RULES = {
  subscribeIp: { name: 'mail-subscribe-ip', allowed: 20, windowMs: 60 * 60_000 },
  subscribeAddress: { name: 'mail-subscribe-address', allowed: 5, windowMs: 24 * 60 * 60_000 },
  linkIp: { name: 'mail-link-ip', allowed: 20, windowMs: 60 * 60_000 },
  linkAddress: { name: 'mail-link-address', allowed: 5, windowMs: 24 * 60 * 60_000 },
} satisfies Record<string, RateRule>;

/** The peer address of the request; behind a reverse proxy that is the proxy (see README). */
function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    // app.request() in tests has no socket.
    return 'unknown';
  }
}

export function mailRoutes(deps: AppDeps): Hono {
  const { store, config } = deps;
  const routes = new Hono();
  const now = (): Date => new Date();

  async function categoryNames(): Promise<string[]> {
    return (await store.categories()).slice(0, 300).map((c) => c.category);
  }

  function tooManyRequests(c: Context, seconds: number): Promise<Response> {
    c.header('Retry-After', String(seconds));
    const minutes = Math.max(1, Math.round(seconds / 60));
    return renderError(
      c,
      429,
      'Too many requests',
      `Too many requests from here or for this address. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
    );
  }

  function badToken(
    c: Context,
    check: Extract<TokenCheck, { ok: false }>,
    purpose: TokenPurpose,
  ): Promise<Response> {
    const message =
      check.reason === 'expired'
        ? purpose === 'confirm'
          ? 'This confirmation link has expired. Subscribe again to get a new one.'
          : 'This link has expired. Ask for a new one on the preferences page.'
        : 'This link is not valid. Check that it was copied whole.';
    return renderError(c, 400, check.reason === 'expired' ? 'Link expired' : 'Invalid link', message);
  }

  async function tokenFrom(c: Context): Promise<string> {
    const query = c.req.query('token');
    if (query) return query;
    if (c.req.method !== 'POST') return '';
    const body = await c.req.parseBody();
    return typeof body.token === 'string' ? body.token : '';
  }

  // Pages reached through a signed link keep the token out of Referer headers sent to other sites.
  for (const path of [
    '/subscribe/confirm',
    '/preferences',
    '/unsubscribe',
    '/digest/preview',
    '/digest/preview/*',
  ]) {
    routes.use(path, async (c, next) => {
      await next();
      c.header('Referrer-Policy', 'no-referrer');
    });
  }

  routes.route('/', accountMailRoutes(deps));

  routes.get(MAIL_CSS_URL, (c) => {
    c.header('Cache-Control', 'public, max-age=300');
    return c.body(MAIL_CSS, 200, { 'Content-Type': 'text/css; charset=utf-8' });
  });

  routes.get('/subscribe', async (c) => {
    const q = c.req.query('q') ?? '';
    const category = c.req.query('category') ?? '';
    const fields = { daily: !q && !category, weekly: false, categories: category, alerts: q };
    return renderPage(
      c,
      <SubscribePage email="" fields={fields} categories={await categoryNames()} csrf={csrfToken(c)} />,
    );
  });

  routes.post('/subscribe', async (c) => {
    const fields = subscribeFields((await c.req.parseBody({ all: true })) as FormBody);
    const email = normaliseEmail(fields.email);
    const parsed = parseTopicFields(fields, true);
    const errors = [...(email ? [] : ['Enter an email address such as ada@example.org.']), ...parsed.errors];
    if (!email || errors.length > 0) {
      const page = (
        <SubscribePage
          email={fields.email}
          fields={fields}
          categories={await categoryNames()}
          csrf={csrfToken(c)}
          errors={errors}
        />
      );
      return renderPage(c, page, 400);
    }
    const rate = await checkRates(store, [
      [MAIL_RATE_RULES.subscribeIp, clientAddress(c)],
      [MAIL_RATE_RULES.subscribeAddress, email],
    ]);
    if (!rate.allowed) return tooManyRequests(c, rate.retryAfterSeconds);
    // Known or not, active or not: the same request, the same mail, the same page.
    await store.requestMailSubscription(email, parsed.topics, now());
    outboxFor(deps).kick();
    return renderPage(c, <CheckInboxPage email={email} />);
  });

  routes.get('/subscribe/confirm', async (c) => {
    const token = c.req.query('token') ?? '';
    const check = verifyToken(config.secret, 'confirm', token, now());
    if (!check.ok) return badToken(c, check, 'confirm');
    const request = await store.mailConfirmation(check.id);
    if (!request)
      return renderError(c, 404, 'Unknown request', 'This subscription request no longer exists.');
    return renderPage(c, <ConfirmPage token={token} topics={request.topics} csrf={csrfToken(c)} />);
  });

  routes.post('/subscribe/confirm', async (c) => {
    const check = verifyToken(config.secret, 'confirm', await tokenFrom(c), now());
    if (!check.ok) return badToken(c, check, 'confirm');
    const subscriber = await store.confirmMailSubscription(check.id, now());
    if (!subscriber)
      return renderError(c, 404, 'Unknown request', 'This subscription request no longer exists.');
    const { manageUrl } = subscriberUrls(config, subscriber.id, now());
    return renderPage(c, <ConfirmedPage subscriber={subscriber} preferencesUrl={manageUrl} />);
  });

  routes.get('/preferences', async (c) => {
    const token = c.req.query('token');
    if (!token) return renderPage(c, <LinkRequestPage csrf={csrfToken(c)} />);
    const check = verifyToken(config.secret, 'manage', token, now());
    if (!check.ok) {
      const problem = check.reason === 'expired' ? 'That link has expired.' : 'That link is not valid.';
      return renderPage(c, <LinkRequestPage csrf={csrfToken(c)} problem={problem} />, 400);
    }
    const subscriber = await store.getMailSubscriber(check.id);
    if (!subscriber) return renderError(c, 404, 'Unknown subscriber', 'This subscription no longer exists.');
    const page = (
      <PreferencesPage
        subscriber={subscriber}
        token={token}
        fields={fieldsOf(subscriber.topics)}
        categories={await categoryNames()}
        csrf={csrfToken(c)}
      />
    );
    return renderPage(c, page);
  });

  routes.post('/preferences', async (c) => {
    const body = (await c.req.parseBody({ all: true })) as FormBody;
    const token = typeof body.token === 'string' ? body.token : '';
    const check = verifyToken(config.secret, 'manage', token, now());
    if (!check.ok) return badToken(c, check, 'manage');
    const fields = topicFields(body);
    const parsed = parseTopicFields(fields, false);
    const current = await store.getMailSubscriber(check.id);
    if (!current) return renderError(c, 404, 'Unknown subscriber', 'This subscription no longer exists.');
    const categories = await categoryNames();
    if (parsed.errors.length > 0) {
      const page = (
        <PreferencesPage
          subscriber={current}
          token={token}
          fields={fields}
          categories={categories}
          csrf={csrfToken(c)}
          errors={parsed.errors}
        />
      );
      return renderPage(c, page, 400);
    }
    // The form does not show a personal digest (it is asked for from the account): it stays as it is.
    const kept = current.topics.filter((t) => t.type === 'personal');
    const subscriber = (await store.setMailTopics(check.id, [...parsed.topics, ...kept], now())) ?? current;
    const page = (
      <PreferencesPage
        subscriber={subscriber}
        token={token}
        fields={fieldsOf(subscriber.topics)}
        categories={categories}
        csrf={csrfToken(c)}
        saved
      />
    );
    return renderPage(c, page);
  });

  routes.post('/preferences/link', async (c) => {
    const body = (await c.req.parseBody()) as FormBody;
    const email = normaliseEmail(typeof body.email === 'string' ? body.email : '');
    if (!email) {
      const errors = ['Enter an email address such as ada@example.org.'];
      return renderPage(c, <LinkRequestPage csrf={csrfToken(c)} errors={errors} />, 400);
    }
    const rate = await checkRates(store, [
      [MAIL_RATE_RULES.linkIp, clientAddress(c)],
      [MAIL_RATE_RULES.linkAddress, email],
    ]);
    if (!rate.allowed) return tooManyRequests(c, rate.retryAfterSeconds);
    const subscriber = await store.findMailSubscriber(email);
    // Only confirmed addresses get it: a pending one is sent nothing but its confirmation link.
    if (subscriber && subscriber.status !== 'pending') {
      const nonce = `${now().getTime().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
      const delivery = { subscriberId: subscriber.id, issue: `manage:${nonce}`, kind: 'manage' as const };
      await store.queueMailMessage({ ...delivery, content: '{}', paperIds: [] }, now());
      outboxFor(deps).kick();
    }
    return renderPage(c, <LinkRequestPage csrf={csrfToken(c)} sent={email} />);
  });

  routes.get('/unsubscribe', async (c) => {
    const token = c.req.query('token') ?? '';
    const check = verifyToken(config.secret, 'manage', token, now());
    if (!check.ok) return badToken(c, check, 'manage');
    const subscriber = await store.getMailSubscriber(check.id);
    if (!subscriber) return renderError(c, 404, 'Unknown subscriber', 'This subscription no longer exists.');
    if (subscriber.status === 'unsubscribed')
      return renderPage(c, <UnsubscribedPage email={subscriber.email} />);
    // A page with a button, not an unsubscribe on GET: link scanners in mail systems open every link.
    return renderPage(c, <UnsubscribePage subscriber={subscriber} token={token} csrf={csrfToken(c)} />);
  });

  // RFC 8058 one-click: mail clients POST `List-Unsubscribe=One-Click` to the URL from the header, with no
  // cookies and no CSRF token; the signed token in the URL is what authenticates the request.
  routes.post('/unsubscribe', async (c) => {
    const check = verifyToken(config.secret, 'manage', await tokenFrom(c), now());
    if (!check.ok) return badToken(c, check, 'manage');
    const subscriber = await store.getMailSubscriber(check.id);
    if (!subscriber) return renderError(c, 404, 'Unknown subscriber', 'This subscription no longer exists.');
    await store.unsubscribeMail(subscriber.id, now());
    deps.logger.info({ subscriber: subscriber.id }, 'unsubscribed');
    return renderPage(c, <UnsubscribedPage email={subscriber.email} />);
  });

  /** The next digest of a kind: a subscriber's (with a manage token) or anyone's for the given topics. */
  async function preview(
    c: Context,
  ): Promise<
    | { error: Response }
    | { kind: DigestKind; mail: RenderedMail | null; personal: boolean; query: string; category: string }
  > {
    const kindParam = c.req.query('kind') ?? 'daily';
    if (!(DIGEST_KINDS as readonly string[]).includes(kindParam)) {
      return {
        error: await renderError(
          c,
          400,
          'Invalid preview',
          'kind must be daily, weekly, alerts or personal.',
        ),
      };
    }
    const kind = kindParam as DigestKind;
    const query = c.req.query('q') ?? '';
    const category = c.req.query('category') ?? '';
    const token = c.req.query('token');
    let topics: Topic[];
    let subscriber = null;
    if (token) {
      const check = verifyToken(config.secret, 'manage', token, now());
      if (!check.ok) return { error: await badToken(c, check, 'manage') };
      subscriber = await store.getMailSubscriber(check.id);
      topics = subscriber?.topics.filter((t) => digestOf(t) === kind) ?? [];
    } else if (kind === 'alerts') {
      topics = [searchTopic(query), categoryTopic(category)].filter((t): t is Topic => t !== null);
    } else if (kind === 'personal') {
      // A personal digest is previewed through its subscriber's link (it is made from their library).
      topics = [];
    } else {
      topics = [{ type: kind }];
    }
    const sections = await nextDigest(store, kind, topics, subscriber);
    // Anyone's preview links to the preferences page; a subscriber's carries their own links.
    const urls = subscriber
      ? subscriberUrls(config, subscriber.id, now())
      : { manageUrl: `${config.baseUrl}/preferences`, unsubscribeUrl: `${config.baseUrl}/preferences` };
    const mail =
      sections.length === 0
        ? null
        : new DigestRenderer(config.baseUrl).render({
            kind,
            issue: issueFor(kind, now()),
            sections,
            email: subscriber?.email ?? 'you@example.org',
            ...urls,
          });
    return { kind, mail, personal: subscriber !== null, query, category };
  }

  routes.get('/digest/preview', async (c) => {
    const result = await preview(c);
    if ('error' in result) return result.error;
    const frameUrl = `/digest/preview/message?${new URL(c.req.url).searchParams.toString()}`;
    const page = (
      <PreviewPage
        kind={result.kind}
        query={result.query}
        category={result.category}
        subject={result.mail?.subject ?? null}
        text={result.mail?.text ?? null}
        frameUrl={frameUrl}
        personal={result.personal}
      />
    );
    return renderPage(c, page);
  });

  // The HTML part exactly as mailed, for the preview's sandboxed frame.
  routes.get('/digest/preview/message', async (c) => {
    const result = await preview(c);
    if ('error' in result) return result.error;
    if (!result.mail) return c.text('Nothing new to send right now.', 404);
    // The message as mail clients get it: its own inline styles, no scripts, nothing loaded from elsewhere.
    c.header(
      'Content-Security-Policy',
      "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'",
    );
    return c.html(result.mail.html);
  });

  return routes;
}
