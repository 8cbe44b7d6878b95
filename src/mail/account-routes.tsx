/**
 * Mail for accounts: password reset, email change, and subscribing to the personal digest (recommendations
 * from the account's library). Account links go over the same mail path as subscriptions (account-mail.ts).
 * Links are signed and expiring (tokens.ts) and bound to the state they change, so each works once: a reset
 * link to the password hash it replaces, an email-change link to the old and the new address. Asking for a
 * reset never reveals whether an address has an account.
 */
import { type Context, Hono } from 'hono';
import type { AppDeps } from '../app.js';
import { checkCredentials } from '../community/accounts.js';
import type { User } from '../community/model.js';
import { clientIp, field, page, readForm, requireUser, tooManyRequests } from '../community/pages/common.js';
import { hashPassword, passwordProblem } from '../community/password.js';
import { checkRates, type RateRule } from '../community/rate-limit.js';
import { csrfToken } from '../web/csrf.js';
import { renderError, renderPage } from '../web/layout.js';
import { movePersonalDigest, sendAccountMail } from './account-mail.js';
import { normaliseEmail } from './forms.js';
import { emailChangeBinding } from './links.js';
import { outboxFor } from './outbox.js';
import {
  ConfirmEmailPage,
  EmailChangedPage,
  EmailChangePage,
  ForgotPasswordPage,
  PasswordChangedPage,
  PersonalDigestPage,
  ResetPasswordPage,
} from './pages/account.js';
import { CheckInboxPage } from './pages/views.js';
import { tokenSubject, verifyToken } from './tokens.js';
import { personalTopic } from './topics.js';

/** Every request mails someone: limited per sender and per address (or account), like subscribing. */
const ACCOUNT_RATE_RULES = {
  forgotIp: { name: 'password-forgot-ip', allowed: 20, windowMs: 60 * 60_000 },
  forgotAddress: { name: 'password-forgot-address', allowed: 5, windowMs: 60 * 60_000 },
  emailChangeIp: { name: 'email-change-ip', allowed: 20, windowMs: 60 * 60_000 },
  emailChangeAccount: { name: 'email-change-account', allowed: 5, windowMs: 60 * 60_000 },
  personalAccount: { name: 'personal-digest-account', allowed: 5, windowMs: 24 * 60 * 60_000 },
} satisfies Record<string, RateRule>;

const INVALID_ADDRESS = 'Enter an email address such as ada@example.org.';

export function accountMailRoutes(deps: AppDeps): Hono {
  const { store, config } = deps;
  const routes = new Hono();
  const now = (): Date => new Date();

  // The token in these pages' URLs must not travel in Referer headers to other sites.
  for (const path of ['/password/reset', '/account/email/confirm']) {
    routes.use(path, async (c, next) => {
      await next();
      c.header('Referrer-Policy', 'no-referrer');
    });
  }

  function linkRefused(c: Context, what: string): Promise<Response> {
    return renderError(
      c,
      400,
      'Link not valid',
      `This ${what} link is not valid: it expired, was used already, or was not copied whole.`,
    );
  }

  /** The account a reset token is for, when the token is genuine, unexpired and its password still current. */
  async function resetAccount(token: string): Promise<User | null> {
    const userId = tokenSubject(token);
    const user = userId === null ? null : await store.getUser(userId);
    if (!user || user.suspended) return null;
    const login = await store.findUserForLogin(user.username);
    if (!login) return null;
    return verifyToken(config.secret, 'reset', token, now(), login.passwordHash).ok ? user : null;
  }

  /** The account and new address an email-change token is for, while the account still has its old one. */
  async function emailChange(token: string, email: string): Promise<{ user: User; email: string } | null> {
    const userId = tokenSubject(token);
    const address = normaliseEmail(email);
    const user = userId === null || !address ? null : await store.getUser(userId);
    if (!user || !address || user.suspended) return null;
    const binding = emailChangeBinding(user.email, address);
    return verifyToken(config.secret, 'email', token, now(), binding).ok ? { user, email: address } : null;
  }

  routes.get('/password/forgot', (c) =>
    page(c, 'Forgot your password?', <ForgotPasswordPage csrf={csrfToken(c)} />),
  );

  routes.post('/password/forgot', async (c) => {
    const email = normaliseEmail(field(await readForm(c), 'email').slice(0, 500));
    if (!email) {
      const body = <ForgotPasswordPage csrf={csrfToken(c)} error={INVALID_ADDRESS} />;
      return page(c, 'Forgot your password?', body, 400);
    }
    const rate = await checkRates(store, [
      [ACCOUNT_RATE_RULES.forgotIp, clientIp(c, config.trustedProxies)],
      [ACCOUNT_RATE_RULES.forgotAddress, email],
    ]);
    if (!rate.allowed) return tooManyRequests(c, rate.retryAfterSeconds, 'password reset requests');
    const found = await store.findUserForLogin(email);
    // Only to the address the account has: a username typed here finds nothing.
    if (found && !found.user.suspended && found.user.email.toLowerCase() === email) {
      await sendAccountMail(deps, 'reset', found.user, email, now());
    }
    // The same page whether or not the address has an account.
    return page(c, 'Forgot your password?', <ForgotPasswordPage csrf={csrfToken(c)} sent={email} />);
  });

  routes.get('/password/reset', async (c) => {
    const token = c.req.query('token') ?? '';
    const user = await resetAccount(token);
    if (!user) return linkRefused(c, 'password reset');
    const body = <ResetPasswordPage csrf={csrfToken(c)} token={token} username={user.username} />;
    return page(c, 'Choose a new password', body);
  });

  routes.post('/password/reset', async (c) => {
    const form = await readForm(c);
    const token = field(form, 'token');
    const user = await resetAccount(token);
    if (!user) return linkRefused(c, 'password reset');
    const password = field(form, 'password');
    const problem = passwordProblem(password, user.username);
    if (problem) {
      const body = (
        <ResetPasswordPage csrf={csrfToken(c)} token={token} username={user.username} error={problem} />
      );
      return page(c, 'Choose a new password', body, 400);
    }
    // A new hash: this link (bound to the old one) stops working, and every session ends.
    await store.setPasswordHash(user.id, await hashPassword(password));
    deps.logger.info({ user: user.username }, 'password reset by email link');
    return page(c, 'Password changed', <PasswordChangedPage />);
  });

  routes.get('/account/email', (c) => {
    const user = requireUser(c);
    if (user instanceof Response) return user;
    return page(c, 'Email address', <EmailChangePage csrf={csrfToken(c)} current={user.email} />);
  });

  routes.post('/account/email', async (c) => {
    const user = requireUser(c, '/account/email');
    if (user instanceof Response) return user;
    const form = await readForm(c);
    const email = normaliseEmail(field(form, 'email').slice(0, 500));
    const refuse = (error: string, status: 400 | 403 = 400): Promise<Response> =>
      page(
        c,
        'Email address',
        <EmailChangePage csrf={csrfToken(c)} current={user.email} error={error} />,
        status,
      );
    if (!email) return refuse(INVALID_ADDRESS);
    if (email === user.email.toLowerCase()) return refuse('That is the address your account uses already.');
    const rate = await checkRates(store, [
      [ACCOUNT_RATE_RULES.emailChangeIp, clientIp(c, config.trustedProxies)],
      [ACCOUNT_RATE_RULES.emailChangeAccount, `user:${user.id}`],
    ]);
    if (!rate.allowed) return tooManyRequests(c, rate.retryAfterSeconds, 'email change requests');
    // Someone holding an open session must not take the account over without its password.
    const check = await checkCredentials(store, user.username, field(form, 'password'));
    if (check.status !== 'ok' || check.user.id !== user.id) return refuse('Wrong password.', 403);
    // An address another account uses gets nothing, but the page does not say so: no probing for accounts.
    const holder = await store.findUserForLogin(email);
    if (!holder || holder.user.email.toLowerCase() !== email) {
      await sendAccountMail(deps, 'email-change', user, email, now());
    }
    return page(
      c,
      'Email address',
      <EmailChangePage csrf={csrfToken(c)} current={user.email} sent={email} />,
    );
  });

  routes.get('/account/email/confirm', async (c) => {
    const token = c.req.query('token') ?? '';
    const change = await emailChange(token, c.req.query('email') ?? '');
    if (!change) return linkRefused(c, 'email confirmation');
    // A page with a button, not a change on GET: link scanners in mail systems open every link.
    const body = (
      <ConfirmEmailPage
        csrf={csrfToken(c)}
        token={token}
        email={change.email}
        username={change.user.username}
      />
    );
    return page(c, 'Confirm your new address', body);
  });

  routes.post('/account/email/confirm', async (c) => {
    const form = await readForm(c);
    const change = await emailChange(field(form, 'token'), field(form, 'email'));
    if (!change) return linkRefused(c, 'email confirmation');
    if (!(await store.setUserEmail(change.user.id, change.email))) {
      return renderError(c, 409, 'Address in use', 'Another account uses this address now.');
    }
    const digestMoved = await movePersonalDigest(store, change.user, change.email, now());
    deps.logger.info({ user: change.user.username, digestMoved }, 'account email changed');
    return page(
      c,
      'Email address changed',
      <EmailChangedPage email={change.email} digestMoved={digestMoved} />,
    );
  });

  routes.get('/digest/personal', (c) => {
    const user = requireUser(c);
    if (user instanceof Response) return user;
    return page(
      c,
      'Your recommendations by email',
      <PersonalDigestPage csrf={csrfToken(c)} email={user.email} />,
    );
  });

  // Double opt-in like any subscription: the account's address confirms before anything is sent to it.
  routes.post('/digest/personal', async (c) => {
    const user = requireUser(c, '/digest/personal');
    if (user instanceof Response) return user;
    const email = normaliseEmail(user.email);
    const topic = personalTopic(user.id);
    if (!email || !topic) {
      return renderError(c, 400, 'No usable address', 'Your account’s email address cannot receive mail.');
    }
    const rate = await checkRates(store, [[ACCOUNT_RATE_RULES.personalAccount, `user:${user.id}`]]);
    if (!rate.allowed) return tooManyRequests(c, rate.retryAfterSeconds, 'subscription requests');
    await store.requestMailSubscription(email, [topic], now());
    outboxFor(deps).kick();
    return renderPage(c, <CheckInboxPage email={email} />);
  });

  return routes;
}
