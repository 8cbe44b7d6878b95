/** `/admin`: hide papers and comments, suspend users; every action is written to the audit log. */
import type { Context, Hono } from 'hono';
import type { AppDeps } from '../../app.js';
import { CsrfField, csrfToken } from '../../web/csrf.js';
import { Pagination, renderError, urlWith } from '../../web/layout.js';
import { paperPath } from '../../web/paper-card.js';
import { wholeNumber } from '../../web/validation.js';
import { Timestamp, profilePath, safeNext } from '../components.js';
import type { ModerationAction, User } from '../model.js';
import { field, page, readForm, requireAdmin } from './common.js';

const LOG_PAGE = 50;
const MAX_REASON = 500;
const PageParam = wholeNumber(1, 100_000).catch(1);

const ACTION_LABEL: Record<ModerationAction, string> = {
  'hide-paper': 'hid paper',
  'unhide-paper': 'restored paper',
  'hide-comment': 'hid comment',
  'unhide-comment': 'restored comment',
  'suspend-user': 'suspended',
  'unsuspend-user': 'lifted the suspension of',
};

function targetLink(action: ModerationAction, target: string) {
  if (action.endsWith('paper')) return <a href={paperPath(target)}>{target}</a>;
  if (action.endsWith('user')) return <a href={profilePath(target)}>{target}</a>;
  return <span>comment {target}</span>;
}

export function registerModeration(routes: Hono, deps: AppDeps): void {
  const { store, logger } = deps;

  const act = async (c: Context, admin: User, action: ModerationAction, target: string, back: string) => {
    const form = await readForm(c);
    const ok = await store.moderate({
      action,
      target,
      actorId: admin.id,
      actor: admin.username,
      reason: field(form, 'reason').trim().slice(0, MAX_REASON),
      at: new Date().toISOString(),
    });
    if (!ok)
      return renderError(c, 404, 'Nothing to moderate', `There is no ${action.split('-').pop()} ${target}.`);
    logger.info({ admin: admin.username, action, target }, 'moderation');
    return c.redirect(safeNext(form['next'], back), 303);
  };

  routes.post('/admin/papers/:id/hide', async (c) => {
    const admin = await requireAdmin(c);
    if (admin instanceof Response) return admin;
    const hide = field(await readForm(c), 'hidden') !== '0';
    const id = c.req.param('id');
    return act(c, admin, hide ? 'hide-paper' : 'unhide-paper', id, hide ? '/admin' : paperPath(id));
  });

  routes.post('/admin/comments/:id{[0-9]+}/hide', async (c) => {
    const admin = await requireAdmin(c);
    if (admin instanceof Response) return admin;
    const hide = field(await readForm(c), 'hidden') !== '0';
    return act(c, admin, hide ? 'hide-comment' : 'unhide-comment', c.req.param('id'), '/admin');
  });

  routes.post('/admin/users/suspend', async (c) => {
    const admin = await requireAdmin(c);
    if (admin instanceof Response) return admin;
    const form = await readForm(c);
    const username = field(form, 'username').trim();
    const suspend = field(form, 'suspended') !== '0';
    if (suspend && username.toLowerCase() === admin.username.toLowerCase()) {
      return renderError(c, 400, 'Not yourself', 'You cannot suspend your own account.');
    }
    const account = await store.findUser(username);
    if (!account) return renderError(c, 404, 'No such user', `Nobody called ${username} has an account.`);
    return act(
      c,
      admin,
      suspend ? 'suspend-user' : 'unsuspend-user',
      account.username,
      profilePath(account.username),
    );
  });

  routes.get('/admin', async (c) => {
    const admin = await requireAdmin(c);
    if (admin instanceof Response) return admin;
    const pageNumber = PageParam.parse(c.req.query('page') ?? '1');
    const [hidden, users, log] = await Promise.all([
      store.hiddenPapers(),
      store.listUsers(),
      store.auditLog((pageNumber - 1) * LOG_PAGE, LOG_PAGE + 1),
    ]);
    const csrf = csrfToken(c);
    const suspended = users.filter((u) => u.suspended);
    return page(
      c,
      'Moderation',
      <section>
        <h1>Moderation</h1>
        <p class="muted">
          Hide papers and comments from their pages, suspend users from their profiles. Everything done here
          is in the log below.
        </p>
        <h2>Hidden papers ({hidden.length})</h2>
        {hidden.length > 0 ? (
          <ul>
            {hidden.map((paper) => (
              <li>
                {paper.title} <code>{paper.id}</code>
                <form
                  class="inline-form"
                  method="post"
                  action={`/admin/papers/${encodeURIComponent(paper.id)}/hide`}
                >
                  <CsrfField token={csrf} />
                  <input type="hidden" name="hidden" value="0" />
                  <input
                    type="text"
                    name="reason"
                    placeholder="Reason"
                    maxlength={MAX_REASON}
                    aria-label="Reason"
                  />
                  <button type="submit" class="button">
                    Restore
                  </button>
                </form>
              </li>
            ))}
          </ul>
        ) : (
          <p class="muted">None.</p>
        )}
        <h2>Suspended users ({suspended.length})</h2>
        {suspended.length > 0 ? (
          <ul>
            {suspended.map((user) => (
              <li>
                <a href={profilePath(user.username)}>{user.username}</a>
              </li>
            ))}
          </ul>
        ) : (
          <p class="muted">None.</p>
        )}
        <form class="inline-form" method="post" action="/admin/users/suspend">
          <CsrfField token={csrf} />
          <input type="hidden" name="suspended" value="1" />
          <input
            type="text"
            name="username"
            placeholder="Username"
            required
            maxlength={30}
            aria-label="Username"
          />
          <input type="text" name="reason" placeholder="Reason" maxlength={MAX_REASON} aria-label="Reason" />
          <button type="submit" class="button">
            Suspend
          </button>
        </form>
        <h2>Audit log</h2>
        {log.length > 0 ? (
          <table class="data-table">
            <thead>
              <tr>
                <th>When</th>
                <th>Who</th>
                <th>What</th>
                <th>Reason</th>
              </tr>
            </thead>
            <tbody>
              {log.slice(0, LOG_PAGE).map((entry) => (
                <tr>
                  <td>
                    <Timestamp at={entry.at} />
                  </td>
                  <td>{entry.actor}</td>
                  <td>
                    {ACTION_LABEL[entry.action]} {targetLink(entry.action, entry.target)}
                  </td>
                  <td>{entry.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p class="muted">Nothing yet.</p>
        )}
        <Pagination
          page={pageNumber}
          pageCount={log.length > LOG_PAGE ? pageNumber + 1 : pageNumber}
          href={(n) => urlWith('/admin', { page: n === 1 ? undefined : n })}
        />
      </section>,
    );
  });
}
