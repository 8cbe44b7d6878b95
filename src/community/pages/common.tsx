/** What every community page shares: the page frame, the signed-in check, form fields, refusals. */
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { Layout, renderError, renderPage } from '../../web/layout.js';
import { currentUser } from '../../web/session.js';
import { herePath, loginPath } from '../components.js';
import type { User } from '../model.js';

export function page(
  c: Context,
  title: string,
  body: Child,
  status: ContentfulStatusCode = 200,
): Promise<Response> {
  return renderPage(c, <Layout title={title}>{body}</Layout>, status);
}

/** The signed-in user, or a redirect to the log-in page that comes back here (GET) or to `back` (POST). */
export function requireUser(c: Context, back?: string): User | Response {
  const user = currentUser(c);
  if (user) return user;
  return c.redirect(loginPath(back ?? herePath(c)), 303);
}

export async function requireAdmin(c: Context): Promise<User | Response> {
  const user = requireUser(c);
  if (user instanceof Response || user.isAdmin) return user;
  return renderError(c, 403, 'Admins only', 'This page is for the moderators of this instance.');
}

/** A text field of a submitted form ('' when absent or a file). */
export function field(form: Record<string, unknown>, name: string): string {
  const value = form[name];
  return typeof value === 'string' ? value : '';
}

export async function readForm(c: Context): Promise<Record<string, unknown>> {
  return (await c.req.parseBody()) as Record<string, unknown>;
}

/** 429 with Retry-After, as a page or as JSON for scripts. */
export function tooManyRequests(
  c: Context,
  retryAfterSeconds: number,
  what: string,
): Response | Promise<Response> {
  c.header('Retry-After', String(retryAfterSeconds));
  const message = `Too many ${what}. Try again in ${retryAfterSeconds} second${retryAfterSeconds === 1 ? '' : 's'}.`;
  if (wantsJson(c)) return c.json({ error: message }, 429);
  return renderError(c, 429, 'Slow down', message);
}

export function wantsJson(c: Context): boolean {
  return (c.req.header('accept') ?? '').includes('application/json');
}

/** The client's address, for per-IP limits. */
/**
 * The visitor's address, for per-address rate limits. Behind `trustedProxies` reverse proxies, each of which
 * appends the address it received the request from to X-Forwarded-For, the client's address is that many
 * entries from the right; entries further left are whatever the client sent, so they are never believed.
 */
export function clientIp(c: Context, trustedProxies: number): string {
  const forwarded = (c.req.header('x-forwarded-for') ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const client = trustedProxies > 0 ? forwarded[forwarded.length - trustedProxies] : undefined;
  if (client) return client;
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    // No socket (app.request() in tests): one shared bucket.
    return 'unknown';
  }
}
