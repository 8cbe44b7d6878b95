/** The pages of resetting a password and changing an account's email address. */
import { CsrfField } from '../../web/csrf.js';
import { Flash } from '../../web/layout.js';
import { MIN_PASSWORD_LENGTH } from '../../community/password.js';

function Problem(props: { error?: string }) {
  return props.error ? <Flash kind="error">{props.error}</Flash> : null;
}

export function ForgotPasswordPage(props: { csrf: string; sent?: string; error?: string }) {
  return (
    <section class="narrow">
      <h1>Forgot your password?</h1>
      <Problem error={props.error} />
      {props.sent ? (
        <Flash kind="success">
          If an account uses <strong>{props.sent}</strong>, a link to choose a new password is on its way. It
          works once, for an hour.
        </Flash>
      ) : null}
      <p>Enter the email address of your account and we will email you a link to choose a new password.</p>
      <form class="stack-form" method="post" action="/password/forgot">
        <CsrfField token={props.csrf} />
        <label>
          Email
          <input type="email" name="email" required autocomplete="email" maxlength={254} />
        </label>
        <div>
          <button type="submit" class="button button-primary">
            Email me a link
          </button>
        </div>
      </form>
      <p>
        Remembered it? <a href="/login">Log in</a>
      </p>
    </section>
  );
}

function NewPasswordField() {
  return (
    <label>
      New password
      <input
        type="password"
        name="password"
        required
        autocomplete="new-password"
        minlength={MIN_PASSWORD_LENGTH}
        maxlength={1024}
      />
      <span class="hint">At least {MIN_PASSWORD_LENGTH} characters; a passphrase is best.</span>
    </label>
  );
}

export function ResetPasswordPage(props: { csrf: string; token: string; username: string; error?: string }) {
  return (
    <section class="narrow">
      <h1>Choose a new password</h1>
      <Problem error={props.error} />
      <p>
        For the account <strong>{props.username}</strong>. Every device logged in to it will be logged out.
      </p>
      <form class="stack-form" method="post" action="/password/reset">
        <CsrfField token={props.csrf} />
        <input type="hidden" name="token" value={props.token} />
        <input type="text" name="username" value={props.username} autocomplete="username" hidden />
        <NewPasswordField />
        <div>
          <button type="submit" class="button button-primary">
            Set password
          </button>
        </div>
      </form>
    </section>
  );
}

export function PasswordChangedPage() {
  return (
    <section class="narrow">
      <h1>Password changed</h1>
      <Flash kind="success">
        Your new password is set, and every other session of the account has ended.
      </Flash>
      <p>
        <a class="button button-primary" href="/login">
          Log in
        </a>
      </p>
    </section>
  );
}

export function EmailChangePage(props: { csrf: string; current: string; sent?: string; error?: string }) {
  return (
    <section class="narrow">
      <h1>Email address</h1>
      <Problem error={props.error} />
      {props.sent ? (
        <Flash kind="success">
          We sent a link to <strong>{props.sent}</strong>. Your address changes when you follow it.
        </Flash>
      ) : null}
      <p>
        Your account uses <strong>{props.current}</strong>. To change it, enter the new address: it changes
        only once you follow the link we send there.
      </p>
      <form class="stack-form" method="post" action="/account/email">
        <CsrfField token={props.csrf} />
        <label>
          New email
          <input type="email" name="email" required autocomplete="email" maxlength={254} />
        </label>
        <label>
          Current password
          <input type="password" name="password" required autocomplete="current-password" maxlength={1024} />
        </label>
        <div>
          <button type="submit" class="button button-primary">
            Send confirmation link
          </button>
        </div>
      </form>
      <p>
        Forgot your password? <a href="/password/forgot">Reset it by email</a>
      </p>
    </section>
  );
}

export function ConfirmEmailPage(props: { csrf: string; token: string; email: string; username: string }) {
  return (
    <section class="narrow">
      <h1>Confirm your new address</h1>
      <p>
        Use <strong>{props.email}</strong> for the account <strong>{props.username}</strong> from now on?
      </p>
      <form class="stack-form" method="post" action="/account/email/confirm">
        <CsrfField token={props.csrf} />
        <input type="hidden" name="token" value={props.token} />
        <input type="hidden" name="email" value={props.email} />
        <div>
          <button type="submit" class="button button-primary">
            Confirm new address
          </button>
        </div>
      </form>
    </section>
  );
}

export function EmailChangedPage(props: { email: string; digestMoved: boolean }) {
  return (
    <section class="narrow">
      <h1>Email address changed</h1>
      <Flash kind="success">
        Your account now uses <strong>{props.email}</strong>.
      </Flash>
      {props.digestMoved && <p>Your weekly recommendations go to this address from now on.</p>}
      <p>
        <a href="/">Back to the papers</a>
      </p>
    </section>
  );
}

export function PersonalDigestPage(props: { csrf: string; email: string }) {
  return (
    <section class="narrow">
      <h1>Your recommendations by email</h1>
      <p>
        Once a week, the papers of the week recommended from what you saved and upvoted, each with the reason
        it was picked — never a paper you were sent before. Sent to <strong>{props.email}</strong> after you
        confirm it; every message has a one-click unsubscribe link.
      </p>
      <form class="stack-form" method="post" action="/digest/personal">
        <CsrfField token={props.csrf} />
        <div>
          <button type="submit" class="button button-primary">
            Email me my recommendations weekly
          </button>
        </div>
      </form>
      <p>
        <a href="/recommended">Back to your recommendations</a>
      </p>
    </section>
  );
}
