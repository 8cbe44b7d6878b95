/** `/signup`, `/login`, `/logout`. */
import type { Context, Hono } from 'hono';
import type { AppDeps } from '../../app.js';
import { CsrfField, csrfToken } from '../../web/csrf.js';
import { Flash } from '../../web/layout.js';
import { currentUser, endSession, startSession } from '../../web/session.js';
import { checkCredentials, createAccount } from '../accounts.js';
import { safeNext } from '../components.js';
import { MIN_PASSWORD_LENGTH } from '../password.js';
import { RATE_RULES, checkRates } from '../rate-limit.js';
import { clientIp, field, page, readForm, tooManyRequests } from './common.js';

interface SignupValues {
  username: string;
  email: string;
  next: string;
}

function SignupForm({
  c,
  values,
  error,
}: {
  c: Context;
  values: SignupValues;
  error?: { field: string; message: string };
}) {
  const invalid = (name: string) => (error?.field === name ? 'true' : undefined);
  const problem = (name: string) =>
    error?.field === name ? (
      <span class="field-error" id={`${name}-error`}>
        {error.message}
      </span>
    ) : null;
  return (
    <section class="narrow">
      <h1>Create an account</h1>
      <p>Upvote papers, submit new ones, comment and keep collections.</p>
      {error ? <Flash kind="error">{error.message}</Flash> : null}
      <form class="stack-form" method="post" action="/signup">
        <CsrfField token={csrfToken(c)} />
        <input type="hidden" name="next" value={values.next} />
        <label>
          Username
          <input
            type="text"
            name="username"
            value={values.username}
            required
            autocomplete="username"
            pattern="[A-Za-z0-9][A-Za-z0-9_\-]{1,29}"
            maxlength={30}
            aria-invalid={invalid('username')}
          />
          <span class="hint">2–30 letters, digits, - or _. Shown with your submissions and comments.</span>
          {problem('username')}
        </label>
        <label>
          Email
          <input
            type="email"
            name="email"
            value={values.email}
            required
            autocomplete="email"
            maxlength={254}
            aria-invalid={invalid('email')}
          />
          {problem('email')}
        </label>
        <label>
          Password
          <input
            type="password"
            name="password"
            required
            autocomplete="new-password"
            minlength={MIN_PASSWORD_LENGTH}
            maxlength={1024}
            aria-invalid={invalid('password')}
          />
          <span class="hint">At least {MIN_PASSWORD_LENGTH} characters; a passphrase is best.</span>
          {problem('password')}
        </label>
        <div>
          <button type="submit" class="button button-primary">
            Sign up
          </button>
        </div>
      </form>
      <p>
        Have an account? <a href={`/login?next=${encodeURIComponent(values.next)}`}>Log in</a>
      </p>
    </section>
  );
}

function LoginForm({ c, login, next, error }: { c: Context; login: string; next: string; error?: string }) {
  return (
    <section class="narrow">
      <h1>Log in</h1>
      {error ? <Flash kind="error">{error}</Flash> : null}
      <form class="stack-form" method="post" action="/login">
        <CsrfField token={csrfToken(c)} />
        <input type="hidden" name="next" value={next} />
        <label>
          Username or email
          <input type="text" name="username" value={login} required autocomplete="username" maxlength={254} />
        </label>
        <label>
          Password
          <input type="password" name="password" required autocomplete="current-password" maxlength={1024} />
        </label>
        <div>
          <button type="submit" class="button button-primary">
            Log in
          </button>
        </div>
      </form>
      <p>
        New here? <a href={`/signup?next=${encodeURIComponent(next)}`}>Create an account</a>
      </p>
      <p>
        <a href="/password/forgot">Forgot your password?</a>
      </p>
    </section>
  );
}

export function registerAccounts(routes: Hono, deps: AppDeps): void {
  const { store } = deps;

  routes.get('/signup', (c) => {
    const next = safeNext(c.req.query('next'), '/');
    if (currentUser(c)) return c.redirect(next, 303);
    return page(c, 'Sign up', <SignupForm c={c} values={{ username: '', email: '', next }} />);
  });

  routes.post('/signup', async (c) => {
    const form = await readForm(c);
    const values = {
      username: field(form, 'username').trim(),
      email: field(form, 'email').trim(),
      next: safeNext(form['next'], '/'),
    };
    const decision = await checkRates(store, [
      [RATE_RULES.signupIp, clientIp(c, deps.config.trustedProxies)],
      [RATE_RULES.signupAccount, `name:${values.username.toLowerCase()}`],
      [RATE_RULES.signupAccount, `email:${values.email.toLowerCase()}`],
    ]);
    if (!decision.allowed) return tooManyRequests(c, decision.retryAfterSeconds, 'sign-up attempts');
    const result = await createAccount(store, {
      username: values.username,
      email: values.email,
      password: field(form, 'password'),
      protectImportedSubmitters: true,
    });
    if (!result.ok) return page(c, 'Sign up', <SignupForm c={c} values={values} error={result} />, 400);
    deps.logger.info({ user: result.user.username }, 'account created');
    await startSession(c, deps, result.user);
    return c.redirect(values.next, 303);
  });

  routes.get('/login', (c) => {
    const next = safeNext(c.req.query('next'), '/');
    if (currentUser(c)) return c.redirect(next, 303);
    return page(c, 'Log in', <LoginForm c={c} login="" next={next} />);
  });

  routes.post('/login', async (c) => {
    const form = await readForm(c);
    const login = field(form, 'username').trim().slice(0, 254);
    const next = safeNext(form['next'], '/');
    const account = await store.findUserForLogin(login);
    // Counted per account (by id, so username and email share one budget) and per address.
    const decision = await checkRates(store, [
      [RATE_RULES.loginIp, clientIp(c, deps.config.trustedProxies)],
      [RATE_RULES.loginAccount, account ? `user:${account.user.id}` : `name:${login.toLowerCase()}`],
    ]);
    if (!decision.allowed) return tooManyRequests(c, decision.retryAfterSeconds, 'log-in attempts');
    const check = await checkCredentials(store, login, field(form, 'password'));
    if (check.status === 'invalid') {
      return page(
        c,
        'Log in',
        <LoginForm c={c} login={login} next={next} error="Wrong username or password." />,
        401,
      );
    }
    if (check.status === 'suspended') {
      return page(
        c,
        'Log in',
        <LoginForm c={c} login={login} next={next} error="This account is suspended." />,
        403,
      );
    }
    await startSession(c, deps, check.user);
    return c.redirect(next, 303);
  });

  routes.post('/logout', async (c) => {
    await endSession(c, deps);
    return c.redirect('/', 303);
  });
}
