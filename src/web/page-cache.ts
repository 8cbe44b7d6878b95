/**
 * Rendered pages for visitors who are not signed in, by address. A feed page is the same for every such
 * visitor and is asked for far more often than anything on it changes, while rendering it (several queries,
 * thirty cards) costs many times more than sending it.
 *
 * An entry is served while the store's data version is the one it was rendered at (a vote, a comment, an
 * import — any commit, by this process or another — moves it), and for at most `maxAgeMs` besides. Pages
 * rendered for a signed-in user, holding a CSRF token (bound to one visitor), setting a cookie or marked
 * `Cache-Control: no-store` (incomplete) are never kept, and a signed-in user never gets a kept page.
 */
import type { Context } from 'hono';
import type { Store } from '../store/store.js';
import { currentUser } from './session.js';

export interface PageCacheOptions {
  /** Most pages kept; the oldest goes first. */
  maxEntries?: number;
  maxAgeMs?: number;
}

interface Entry {
  version: string;
  renderedAt: number;
  html: string;
}

export type CachedRender = (c: Context, render: () => Promise<Response>) => Promise<Response>;

export function pageCache(
  store: Pick<Store, 'dataVersion'>,
  { maxEntries = 256, maxAgeMs = 60_000 }: PageCacheOptions = {},
): CachedRender {
  const entries = new Map<string, Entry>();
  // Renders under way, so that many visitors asking for a page nobody has kept yet wait for one render.
  const rendering = new Map<string, Promise<Entry | null>>();

  const keep = async (c: Context, key: string, version: string, render: () => Promise<Response>) => {
    let personal = false;
    const issueCsrfToken = c.get('csrfToken');
    c.set('csrfToken', () => {
      personal = true;
      return issueCsrfToken();
    });
    const response = await render();
    let entry: Entry | null = null;
    const keepable = !response.headers.get('cache-control')?.includes('no-store');
    if (response.status === 200 && !personal && keepable && !response.headers.has('set-cookie')) {
      entry = { version, renderedAt: Date.now(), html: await response.clone().text() };
      entries.delete(key);
      entries.set(key, entry);
      const oldest = entries.keys().next();
      if (entries.size > maxEntries && !oldest.done) entries.delete(oldest.value);
    }
    return { response, entry };
  };

  return async (c, render) => {
    if (currentUser(c)) return render();
    const key = c.req.url;
    const version = await store.dataVersion();
    const usable = (entry: Entry | null | undefined): entry is Entry =>
      entry?.version === version && Date.now() - entry.renderedAt < maxAgeMs;
    const kept = entries.get(key);
    if (usable(kept)) return c.html(kept.html);
    const pending = rendering.get(key);
    if (pending) {
      const entry = await pending;
      if (usable(entry)) return c.html(entry.html);
      return render();
    }
    const rendered = keep(c, key, version, render);
    // A render that fails leaves the waiting requests to render for themselves.
    const entry = rendered.then(
      ({ entry }) => entry,
      () => null,
    );
    rendering.set(key, entry);
    try {
      return (await rendered).response;
    } finally {
      if (rendering.get(key) === entry) rendering.delete(key);
    }
  };
}
