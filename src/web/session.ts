/**
 * Server-side sessions. The cookie holds a random 256-bit token; the database holds only its SHA-256, so
 * a copy of the database (a backup, a leak) opens no session, and every node on the same database
 * recognises every session.
 *
 * Cookies are HttpOnly (no script reads them), SameSite=Lax (not sent on cross-site POSTs) and, when the
 * instance is served over HTTPS (PAPERBOY_BASE_URL), Secure with the `__Host-` prefix (no subdomain can
 * set or shadow them).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { User } from '../community/model.js';
import type { Config } from '../config.js';
import type { Store } from '../store/store.js';

export const SESSION_DAYS = 30;
const DAY_MS = 86_400_000;
/** Sessions are extended at most once a day, so browsing does not write to the database on every page. */
const EXTEND_AFTER_MS = DAY_MS;

export interface SessionState {
  user: User | null;
  /** SHA-256 of the session token, when signed in. */
  idHash: string | null;
}

declare module 'hono' {
  interface ContextVariableMap {
    session: SessionState;
  }
}

export interface CookieSettings {
  secure: boolean;
  sessionName: string;
  csrfName: string;
}

/** Cookie names and flags for an instance: `__Host-` names need Secure, so plain HTTP uses plain names. */
export function cookieSettings(config: Pick<Config, 'baseUrl'>): CookieSettings {
  const secure = config.baseUrl.startsWith('https://');
  const prefix = secure ? '__Host-' : '';
  return { secure, sessionName: `${prefix}pb_session`, csrfName: `${prefix}pb_csrf` };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The signed-in user of this request, or null. Set by sessionMiddleware for every page. */
export function currentUser(c: Context): User | null {
  return c.get('session')?.user ?? null;
}

function setSessionCookie(c: Context, cookies: CookieSettings, token: string): void {
  setCookie(c, cookies.sessionName, token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: cookies.secure,
    path: '/',
    maxAge: SESSION_DAYS * 86_400,
  });
}

/** Loads the session named by the request's cookie, if any, into `c.get('session')`. */
export function sessionMiddleware(deps: {
  store: Store;
  config: Pick<Config, 'baseUrl'>;
}): MiddlewareHandler {
  const cookies = cookieSettings(deps.config);
  return async (c, next) => {
    const state: SessionState = { user: null, idHash: null };
    c.set('session', state);
    const token = getCookie(c, cookies.sessionName);
    // Static files and health checks never need to know who asks.
    if (!token || c.req.path.startsWith('/static/') || c.req.path === '/healthz') return next();
    const now = new Date();
    const session = await deps.store.getSession(hashToken(token), now);
    if (!session) {
      deleteCookie(c, cookies.sessionName, { path: '/', secure: cookies.secure });
      return next();
    }
    state.user = session.user;
    state.idHash = session.idHash;
    const expiresAt = Date.parse(session.expiresAt);
    if (expiresAt - now.getTime() < SESSION_DAYS * DAY_MS - EXTEND_AFTER_MS) {
      await deps.store.extendSession(
        session.idHash,
        new Date(now.getTime() + SESSION_DAYS * DAY_MS).toISOString(),
      );
      setSessionCookie(c, cookies, token);
    }
    return next();
  };
}

/**
 * Signs the user in with a fresh session (a new token on every login, so a token planted before login
 * is worthless) and updates this request's state, so the page rendered next already shows the user.
 */
export async function startSession(
  c: Context,
  deps: { store: Store; config: Pick<Config, 'baseUrl'> },
  user: User,
): Promise<void> {
  // Whatever session the browser had before (another account, say) ends here.
  const previous = c.get('session')?.idHash;
  if (previous) await deps.store.deleteSession(previous);
  const token = randomBytes(32).toString('base64url');
  const now = new Date();
  const idHash = hashToken(token);
  await deps.store.createSession({
    idHash,
    userId: user.id,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + SESSION_DAYS * DAY_MS).toISOString(),
  });
  setSessionCookie(c, cookieSettings(deps.config), token);
  c.set('session', { user, idHash });
}

export async function endSession(
  c: Context,
  deps: { store: Store; config: Pick<Config, 'baseUrl'> },
): Promise<void> {
  const state = c.get('session');
  if (state?.idHash) await deps.store.deleteSession(state.idHash);
  const cookies = cookieSettings(deps.config);
  deleteCookie(c, cookies.sessionName, { path: '/', secure: cookies.secure });
  c.set('session', { user: null, idHash: null });
}
