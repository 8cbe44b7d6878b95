/**
 * Security headers and request size limits for every response.
 *
 * The Content-Security-Policy allows scripts, styles, fonts, images and frames from this site only: no
 * inline script anywhere, so an injected `<script>` or `onerror=` does nothing even if escaping failed
 * somewhere. Inline style *attributes* stay allowed because KaTeX sizes formulas with them; `<style>`
 * elements do not (style-src-elem 'self'). The digest preview frames its own message (frame-src 'self');
 * that message sets a stricter policy of its own, which is kept (handlers' headers are never overwritten).
 */
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import type { Config } from '../config.js';
import { renderError } from './layout.js';

/**
 * Largest request body accepted. Forms are small: the largest, a 10,000-character comment, is at most
 * about 120 KB percent-encoded even in a script of 4-byte characters. Nothing accepts uploads.
 */
const MAX_BODY_BYTES = 256 * 1024;

const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  styleSrcElem: ["'self'"],
  styleSrcAttr: ["'unsafe-inline'"],
  imgSrc: ["'self'"],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  frameSrc: ["'self'"],
  frameAncestors: ["'self'"],
  formAction: ["'self'"],
  baseUri: ["'none'"],
  objectSrc: ["'none'"],
};

/** A refusal as JSON for the API and scripts, as a page for people. */
function refuse(c: Context, status: 400 | 413, title: string, message: string): Response | Promise<Response> {
  if (c.req.path.startsWith('/api/') || (c.req.header('accept') ?? '').includes('application/json')) {
    return c.json({ error: message }, status);
  }
  return renderError(c, status, title, message);
}

function tooLarge(c: Context): Response | Promise<Response> {
  // The client may still be sending the rest of the body; the connection is not worth keeping.
  c.header('Connection', 'close');
  return refuse(
    c,
    413,
    'Too large',
    `The request is too large: at most ${MAX_BODY_BYTES / 1024} KB may be sent.`,
  );
}

const FORM_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data']);

/**
 * A form body that cannot be parsed (a multipart body without its boundary, say) is refused here with a
 * 400, once for all routes: otherwise the first reader of the form (the CSRF check, a handler) would throw.
 * The parsed form is cached on the request, so the readers after this one do not parse it again.
 */
const readableForms: MiddlewareHandler = async (c, next) => {
  const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase() ?? '';
  if (c.req.raw.body && FORM_TYPES.has(type)) {
    try {
      await c.req.parseBody();
    } catch {
      const message = 'The form data could not be read. Reload the page and submit the form again.';
      return refuse(c, 400, 'Unreadable form', message);
    }
  }
  return next();
};

/** Mount before anything that reads a body (the CSRF check does). */
export function securityMiddleware(config: Pick<Config, 'baseUrl'>): MiddlewareHandler[] {
  const headers = secureHeaders({
    contentSecurityPolicy: CONTENT_SECURITY_POLICY,
    referrerPolicy: 'strict-origin-when-cross-origin',
    xFrameOptions: 'SAMEORIGIN',
    // Browsers ignore HSTS over plain HTTP, and it must not pin a local instance to HTTPS.
    strictTransportSecurity: config.baseUrl.startsWith('https://') ? 'max-age=31536000' : false,
    permissionsPolicy: { camera: [], microphone: [], geolocation: [], payment: [], usb: [] },
    // Pages that need a different policy (the mail preview) or referrer rule (token links) set their own.
    overwrite: false,
  });
  return [headers, bodyLimit({ maxSize: MAX_BODY_BYTES, onError: tooLarge }), readableForms];
}
