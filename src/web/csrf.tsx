/**
 * Cross-site request forgery protection for every state-changing request (POST, PUT, PATCH, DELETE).
 *
 * Every form carries a hidden `_csrf` field (scripts may send the `X-CSRF-Token` header instead):
 * - signed in, the token is an HMAC of the session id: a synchronizer token bound to the session that a
 *   page on another site can neither read nor compute;
 * - anonymous (log-in, sign-up, subscribe), it is an HMAC of a random nonce kept in an HttpOnly cookie —
 *   a signed double-submit token, set only when a page actually renders a form.
 * Anything else gets 403. SameSite=Lax cookies already stop most cross-site POSTs; this covers the rest
 * (older browsers, same-site subdomains, top-level navigations).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { Config } from '../config.js';
import { renderError } from './layout.js';
import { cookieSettings } from './session.js';

export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/**
 * Paths whose POSTs are authenticated by something else and come from places that cannot hold a token:
 * RFC 8058 one-click unsubscribe is posted by mail clients, with a signed token in the URL.
 */
export const CSRF_EXEMPT_PATHS = ['/unsubscribe'];

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

declare module 'hono' {
  interface ContextVariableMap {
    csrfToken: () => string;
  }
}

/** The token for this request's forms: `<input type="hidden" name="_csrf" value={csrfToken(c)} />`. */
export function csrfToken(c: Context): string {
  return c.get('csrfToken')();
}

/** The hidden form field carrying the CSRF token. */
export function CsrfField({ token }: { token: string }) {
  return <input type="hidden" name={CSRF_FIELD} value={token} />;
}

function sign(secret: string, binding: string): string {
  return createHmac('sha256', secret).update(binding).digest('base64url');
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

async function submittedToken(c: Context): Promise<string | null> {
  const header = c.req.header(CSRF_HEADER);
  if (header) return header;
  const type = c.req.header('content-type') ?? '';
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(type)) return null;
  // parseBody caches the body, so the route handler reads the same form afterwards.
  const value = (await c.req.parseBody())[CSRF_FIELD];
  return typeof value === 'string' ? value : null;
}

function rejected(c: Context): Response | Promise<Response> {
  const message =
    'This form has expired or did not come from this site. Go back, reload the page and try again.';
  if ((c.req.header('accept') ?? '').includes('application/json')) return c.json({ error: message }, 403);
  return renderError(c, 403, 'Form expired', message);
}

/**
 * Provides `csrfToken(c)` to every page and rejects unsafe requests without a valid token. Runs after
 * sessionMiddleware, whose session the token is bound to.
 */
export function csrfMiddleware(deps: { config: Pick<Config, 'baseUrl' | 'secret'> }): MiddlewareHandler {
  const cookies = cookieSettings(deps.config);
  const { secret } = deps.config;
  const expectedToken = (c: Context): string | null => {
    const idHash = c.get('session')?.idHash;
    if (idHash) return sign(secret, `session:${idHash}`);
    const nonce = getCookie(c, cookies.csrfName);
    return nonce ? sign(secret, `anonymous:${nonce}`) : null;
  };
  return async (c, next) => {
    let token: string | null = null;
    c.set('csrfToken', () => {
      token ??= expectedToken(c);
      if (token === null) {
        // First form for an anonymous visitor: issue the nonce now, with the page that needs it.
        const nonce = randomBytes(16).toString('base64url');
        setCookie(c, cookies.csrfName, nonce, {
          httpOnly: true,
          sameSite: 'Lax',
          secure: cookies.secure,
          path: '/',
        });
        token = sign(secret, `anonymous:${nonce}`);
      }
      return token;
    });
    if (!UNSAFE_METHODS.has(c.req.method) || CSRF_EXEMPT_PATHS.includes(c.req.path)) return next();
    const expected = expectedToken(c);
    const submitted = await submittedToken(c);
    if (expected === null || submitted === null || !sameToken(submitted, expected)) return rejected(c);
    return next();
  };
}
