/**
 * The community's browser assets (upvotes in place, styles for forms and comments), served from memory
 * at content-hashed URLs that browsers may cache for a year.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Hono } from 'hono';

// Two levels up is the package root from src/community (tsx) and from dist/community (compiled).
const ASSETS_DIR = path.resolve(import.meta.dirname, '../../src/community/static');

const TYPES = {
  'community.js': 'text/javascript; charset=utf-8',
  'community.css': 'text/css; charset=utf-8',
};
export type CommunityAsset = keyof typeof TYPES;

const assets = new Map<CommunityAsset, { body: string; version: string }>();

function load(name: CommunityAsset): { body: string; version: string } {
  let asset = assets.get(name);
  if (!asset) {
    const body = readFileSync(path.join(ASSETS_DIR, name), 'utf8');
    asset = { body, version: createHash('sha256').update(body).digest('hex').slice(0, 10) };
    assets.set(name, asset);
  }
  return asset;
}

export function communityAssetUrl(name: CommunityAsset): string {
  return `/static/community/${name}?v=${load(name).version}`;
}

/** Tags for <head>: include them on every page that shows upvote buttons or comments. */
export function CommunityHead() {
  return (
    <>
      <link rel="stylesheet" href={communityAssetUrl('community.css')} />
      <script src={communityAssetUrl('community.js')} defer></script>
    </>
  );
}

export function communityStaticRoutes(): Hono {
  const routes = new Hono();
  routes.get('/static/community/:name', (c) => {
    const name = c.req.param('name');
    if (!(name in TYPES)) return c.notFound();
    const asset = load(name as CommunityAsset);
    c.header('Content-Type', TYPES[name as CommunityAsset]);
    c.header(
      'Cache-Control',
      c.req.query('v') === asset.version ? 'public, max-age=31536000, immutable' : 'public, max-age=300',
    );
    return c.body(asset.body);
  });
  return routes;
}
