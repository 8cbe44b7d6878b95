/**
 * Static assets: the app's CSS and JS (src/web/static) and KaTeX's stylesheet and fonts straight from
 * the installed package. URLs carry a content hash or the KaTeX version, so browsers may cache them
 * for a year and a new release is fetched at once.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';

// The assets stay in src/ (tsc copies no CSS): two levels up is the package root both when running from
// src/web under tsx and from the compiled dist/web.
const APP_ASSETS_DIR = path.resolve(import.meta.dirname, '../../src/web/static');
const KATEX_PACKAGE = createRequire(import.meta.url).resolve('katex/package.json');
const KATEX_DIR = path.join(path.dirname(KATEX_PACKAGE), 'dist');
const KATEX_VERSION = (JSON.parse(readFileSync(KATEX_PACKAGE, 'utf8')) as { version: string }).version;

export type AppAsset = 'app.css' | 'app.js' | 'citation.js' | 'favicon.svg';

const versions = new Map<AppAsset, string>();

/** The URL of one of the app's own assets, versioned by its content. */
export function assetUrl(name: AppAsset): string {
  let version = versions.get(name);
  if (version === undefined) {
    const body = readFileSync(path.join(APP_ASSETS_DIR, name));
    version = createHash('sha256').update(body).digest('hex').slice(0, 10);
    versions.set(name, version);
  }
  return `/static/${name}?v=${version}`;
}

export const KATEX_CSS_URL = `/static/katex/${KATEX_VERSION}/katex.min.css`;

const YEAR = 'public, max-age=31536000, immutable';

/** GET /static/** for the app's assets and /static/katex/VERSION/** for KaTeX's CSS and fonts. */
export function staticRoutes(): Hono {
  const routes = new Hono();
  const katexPrefix = `/static/katex/${KATEX_VERSION}`;
  routes.use('/static/*', async (c, next) => {
    await next();
    if (!c.res.ok) return;
    // Versioned URLs never change content; unversioned ones (hand-typed, old pages) must not pin a stale copy.
    const versioned = c.req.path.startsWith(`${katexPrefix}/`) || c.req.query('v') !== undefined;
    c.header('Cache-Control', versioned ? YEAR : 'public, max-age=300');
  });
  routes.get(
    `${katexPrefix}/*`,
    serveStatic({ root: KATEX_DIR, rewriteRequestPath: (p) => p.slice(katexPrefix.length) }),
  );
  routes.get(
    '/static/*',
    serveStatic({ root: APP_ASSETS_DIR, rewriteRequestPath: (p) => p.slice('/static'.length) }),
  );
  return routes;
}
