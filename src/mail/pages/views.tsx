/** The pages of subscribing, confirming, changing and stopping email, and the digest preview. */
import type { Child } from 'hono/jsx';
import { CsrfField } from '../../web/csrf.js';
import { Flash, Layout } from '../../web/layout.js';
import type { TopicFields } from '../forms.js';
import type { MailSubscriber } from '../records.js';
import { describeTopic, type DigestKind, MAX_ALERT_QUERY_LENGTH, type Topic } from '../topics.js';

export const MAIL_CSS_URL = '/mail/style.css';

function MailLayout(props: { title: string; children?: Child }) {
  return (
    <Layout title={props.title} head={<link rel="stylesheet" href={MAIL_CSS_URL} />}>
      <section class="mail-page">{props.children}</section>
    </Layout>
  );
}

function Errors(props: { errors: string[] }) {
  if (props.errors.length === 0) return null;
  return (
    <Flash kind="error">
      {props.errors.length === 1 ? (
        props.errors[0]
      ) : (
        <ul>
          {props.errors.map((e) => (
            <li>{e}</li>
          ))}
        </ul>
      )}
    </Flash>
  );
}

/** The topic checkboxes and fields, shared by the subscribe and preferences forms. */
function TopicFieldset(props: { fields: TopicFields; categories: string[] }) {
  const { fields } = props;
  return (
    <>
      <fieldset class="mail-fieldset">
        <legend>Trending digests</legend>
        <label class="mail-check">
          <input type="checkbox" name="daily" value="1" checked={fields.daily} /> Daily — the most upvoted new
          papers, every weekday
        </label>
        <label class="mail-check">
          <input type="checkbox" name="weekly" value="1" checked={fields.weekly} /> Weekly — the week’s top
          papers, on Mondays
        </label>
      </fieldset>
      <fieldset class="mail-fieldset">
        <legend>Alerts (sent every day there is something new)</legend>
        <label class="mail-field" for="mail-categories">
          New papers in these categories
          <input
            id="mail-categories"
            name="categories"
            value={fields.categories}
            placeholder="cs.CL cs.LG"
            list="mail-category-list"
            autocomplete="off"
          />
        </label>
        <datalist id="mail-category-list">
          {props.categories.map((c) => (
            <option value={c} />
          ))}
        </datalist>
        <label class="mail-field" for="mail-alerts">
          New papers matching these searches (one per line; every word must appear, "quotes" for phrases,
          -word to exclude)
          <textarea id="mail-alerts" name="alerts" rows={3} maxlength={5000} placeholder="masked diffusion">
            {fields.alerts}
          </textarea>
        </label>
        <p class="muted mail-hint">Each saved search may be up to {MAX_ALERT_QUERY_LENGTH} characters.</p>
      </fieldset>
    </>
  );
}

export function SubscribePage(props: {
  email: string;
  fields: TopicFields;
  categories: string[];
  csrf: string;
  errors?: string[];
}) {
  return (
    <MailLayout title="Get papers by email">
      <h1>Get trending papers in your inbox</h1>
      <p class="lede">
        A short email with the papers people upvote most — daily, weekly, or for the topics you follow. Each
        paper reaches you once, every email has a one-click unsubscribe, and nothing is sent until you confirm
        your address.
      </p>
      <Errors errors={props.errors ?? []} />
      <form class="mail-form" method="post" action="/subscribe">
        <CsrfField token={props.csrf} />
        <label class="mail-field" for="mail-email">
          Email address
          <input
            id="mail-email"
            type="email"
            name="email"
            value={props.email}
            required
            maxlength={254}
            autocomplete="email"
            placeholder="ada@example.org"
          />
        </label>
        <TopicFieldset fields={props.fields} categories={props.categories} />
        <p class="muted mail-hint">Pick nothing and you get the daily digest.</p>
        <button class="button button-primary" type="submit">
          Subscribe
        </button>
      </form>
      <p class="muted">
        Already subscribed? Use the link at the bottom of any email from us, or{' '}
        <a href="/preferences">get a link to your preferences</a>. See what a digest looks like:{' '}
        <a href="/digest/preview">preview</a>.
      </p>
    </MailLayout>
  );
}

/** The same page whatever the address's state, so it tells nobody whether an address is subscribed. */
export function CheckInboxPage(props: { email: string }) {
  return (
    <MailLayout title="Check your inbox">
      <h1>Check your inbox</h1>
      <Flash kind="success">
        We sent a confirmation link to <strong>{props.email}</strong>. Open it to start receiving papers.
      </Flash>
      <p>
        Nothing else is sent to this address until the link is followed. No email after a few minutes? Look in
        the spam folder, or <a href="/subscribe">try again</a>.
      </p>
    </MailLayout>
  );
}

function TopicList(props: { topics: Topic[] }) {
  return (
    <ul class="mail-topics">
      {props.topics.map((t) => (
        <li>{describeTopic(t)}</li>
      ))}
    </ul>
  );
}

export function ConfirmPage(props: { token: string; topics: Topic[]; csrf: string }) {
  return (
    <MailLayout title="Confirm your subscription">
      <h1>Confirm your subscription</h1>
      <p>You asked for:</p>
      <TopicList topics={props.topics} />
      <form method="post" action="/subscribe/confirm">
        <CsrfField token={props.csrf} />
        <input type="hidden" name="token" value={props.token} />
        <button class="button button-primary" type="submit">
          Confirm subscription
        </button>
      </form>
    </MailLayout>
  );
}

export function ConfirmedPage(props: { subscriber: MailSubscriber; preferencesUrl: string }) {
  return (
    <MailLayout title="Subscribed">
      <h1>You’re subscribed</h1>
      <Flash kind="success">
        Papers will come to <strong>{props.subscriber.email}</strong>:
      </Flash>
      <TopicList topics={props.subscriber.topics} />
      <p>
        <a href={props.preferencesUrl}>Change what you get</a> at any time, or{' '}
        <a href="/digest/preview">preview the next digest</a>.
      </p>
    </MailLayout>
  );
}

export function PreferencesPage(props: {
  subscriber: MailSubscriber;
  token: string;
  fields: TopicFields;
  categories: string[];
  csrf: string;
  errors?: string[];
  saved?: boolean;
}) {
  const { subscriber } = props;
  if (subscriber.status !== 'active') return <InactivePage subscriber={subscriber} />;
  return (
    <MailLayout title="Email preferences">
      <h1>Email preferences</h1>
      <p>
        For <strong>{subscriber.email}</strong>.
      </p>
      {props.saved ? <Flash kind="success">Saved. The next emails follow these choices.</Flash> : null}
      <Errors errors={props.errors ?? []} />
      <form class="mail-form" method="post" action="/preferences">
        <CsrfField token={props.csrf} />
        <input type="hidden" name="token" value={props.token} />
        <TopicFieldset fields={props.fields} categories={props.categories} />
        <button class="button button-primary" type="submit">
          Save
        </button>
      </form>
      <UnsubscribeForm token={props.token} csrf={props.csrf} />
    </MailLayout>
  );
}

function InactivePage(props: { subscriber: MailSubscriber }) {
  const why = {
    pending: 'This address has not been confirmed yet: follow the link in the confirmation email.',
    unsubscribed: 'This address is unsubscribed: we send it nothing.',
    bouncing: 'Mail to this address was refused by its mail server, so we stopped sending it.',
    active: '',
  }[props.subscriber.status];
  return (
    <MailLayout title="Email preferences">
      <h1>Email preferences</h1>
      <Flash kind="info">{why}</Flash>
      <p>
        <a href="/subscribe">Subscribe again</a> to receive papers.
      </p>
    </MailLayout>
  );
}

function UnsubscribeForm(props: { token: string; csrf: string }) {
  return (
    <form
      class="mail-unsubscribe"
      method="post"
      action={`/unsubscribe?token=${encodeURIComponent(props.token)}`}
    >
      <CsrfField token={props.csrf} />
      <button class="button" type="submit">
        Unsubscribe from everything
      </button>
    </form>
  );
}

export function UnsubscribePage(props: { subscriber: MailSubscriber; token: string; csrf: string }) {
  return (
    <MailLayout title="Unsubscribe">
      <h1>Unsubscribe</h1>
      <p>
        Stop all email to <strong>{props.subscriber.email}</strong>?
      </p>
      <UnsubscribeForm token={props.token} csrf={props.csrf} />
      <p class="muted">
        Or <a href={`/preferences?token=${encodeURIComponent(props.token)}`}>choose what you get</a> instead.
      </p>
    </MailLayout>
  );
}

export function UnsubscribedPage(props: { email: string }) {
  return (
    <MailLayout title="Unsubscribed">
      <h1>You’re unsubscribed</h1>
      <Flash kind="success">
        We will send no more email to <strong>{props.email}</strong>.
      </Flash>
      <p>
        Changed your mind? <a href="/subscribe">Subscribe again</a>.
      </p>
    </MailLayout>
  );
}

/** Asks for an address to mail a fresh preferences link to; the answer never says whether it is known. */
export function LinkRequestPage(props: { csrf: string; problem?: string; sent?: string; errors?: string[] }) {
  return (
    <MailLayout title="Email preferences">
      <h1>Email preferences</h1>
      {props.problem ? <Flash kind="info">{props.problem}</Flash> : null}
      {props.sent ? (
        <Flash kind="success">
          If <strong>{props.sent}</strong> is subscribed, a link to its preferences is on its way.
        </Flash>
      ) : null}
      <Errors errors={props.errors ?? []} />
      <p>Enter your address and we will email you a link to change or stop what you get.</p>
      <form class="mail-form" method="post" action="/preferences/link">
        <CsrfField token={props.csrf} />
        <label class="mail-field" for="mail-email">
          Email address
          <input id="mail-email" type="email" name="email" required maxlength={254} autocomplete="email" />
        </label>
        <button class="button button-primary" type="submit">
          Email me a link
        </button>
      </form>
    </MailLayout>
  );
}

const KIND_LABELS: Record<DigestKind, string> = {
  daily: 'Daily',
  weekly: 'Weekly',
  alerts: 'Alerts',
  personal: 'For you',
};

export function PreviewPage(props: {
  kind: DigestKind;
  query: string;
  category: string;
  subject: string | null;
  text: string | null;
  frameUrl: string;
  personal: boolean;
}) {
  return (
    <MailLayout title="Digest preview">
      <h1>Digest preview</h1>
      <nav class="segmented" aria-label="Digest">
        {(['daily', 'weekly', 'alerts'] as const).map((k) => (
          <a href={`/digest/preview?kind=${k}`} aria-current={k === props.kind ? 'true' : undefined}>
            {KIND_LABELS[k]}
          </a>
        ))}
      </nav>
      {props.kind === 'alerts' && !props.personal ? (
        <form class="mail-form mail-inline" method="get" action="/digest/preview">
          <input type="hidden" name="kind" value="alerts" />
          <label class="mail-field">
            Saved search
            <input name="q" value={props.query} placeholder="masked diffusion" />
          </label>
          <label class="mail-field">
            Category
            <input name="category" value={props.category} placeholder="cs.CL" />
          </label>
          <button class="button" type="submit">
            Preview
          </button>
        </form>
      ) : null}
      {props.subject === null ? (
        <Flash kind="info">
          Nothing new to send{props.personal ? ' to you' : ''} right now: every paper that fits was sent
          already, or none has come in yet.
        </Flash>
      ) : (
        <>
          <p>
            <strong>Subject:</strong> {props.subject}
          </p>
          <iframe
            class="mail-preview"
            title="The digest as it appears in a mail client"
            src={props.frameUrl}
            sandbox=""
          ></iframe>
          <details>
            <summary>Plain-text version</summary>
            <pre class="mail-text">{props.text}</pre>
          </details>
        </>
      )}
      <p>
        <a href="/subscribe">Subscribe</a> to get it by email.
      </p>
    </MailLayout>
  );
}
