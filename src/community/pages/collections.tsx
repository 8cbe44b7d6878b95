/** Collections: `/collections` (mine), `/collections/:id` (one), `/collections/:id.bib` (BibTeX export). */
import type { Context, Hono } from 'hono';
import type { AppDeps } from '../../app.js';
import { CsrfField, csrfToken } from '../../web/csrf.js';
import { Flash, renderError } from '../../web/layout.js';
import { PaperCard, PaperList } from '../../web/paper-card.js';
import { currentUser } from '../../web/session.js';
import { plural } from '../../web/text.js';
import { papersToBibtex } from '../bibtex.js';
import { profilePath, upvoteButtons } from '../components.js';
import type { Collection, User } from '../model.js';
import { field, page, readForm, requireUser } from './common.js';

const MAX_NAME = 100;

export function CollectionList({ collections, owner }: { collections: Collection[]; owner: boolean }) {
  if (collections.length === 0) return <p class="muted">No collections yet.</p>;
  return (
    <ul class="collection-list">
      {collections.map((collection) => (
        <li>
          <a href={`/collections/${collection.id}`}>{collection.name}</a> ·{' '}
          {plural(collection.paperCount, 'paper')}
          {owner ? ` · ${collection.isPublic ? 'public' : 'private'}` : null}
        </li>
      ))}
    </ul>
  );
}

function NewCollectionForm({ c, error, name }: { c: Context; error?: string; name?: string }) {
  return (
    <form class="inline-form" method="post" action="/collections">
      <CsrfField token={csrfToken(c)} />
      <label for="collection-name">New collection</label>
      <input
        id="collection-name"
        type="text"
        name="name"
        value={name ?? ''}
        required
        maxlength={MAX_NAME}
        aria-invalid={error ? 'true' : undefined}
      />
      <label>
        <input type="checkbox" name="public" value="1" /> Public
      </label>
      <button type="submit" class="button">
        Create
      </button>
    </form>
  );
}

/** The collection when the current user may see it; private collections are invisible to others (404). */
async function visibleCollection(
  c: Context,
  deps: AppDeps,
  idText: string,
): Promise<{ collection: Collection; owner: boolean } | Response> {
  const collection = /^\d{1,15}$/.test(idText) ? await deps.store.getCollection(Number(idText)) : null;
  const owner = collection !== null && currentUser(c)?.id === collection.ownerId;
  if (!collection || (!collection.isPublic && !owner)) {
    return renderError(c, 404, 'Collection not found', 'This collection does not exist or is private.');
  }
  return { collection, owner };
}

/** The collection when the current user owns it; otherwise the refusal. */
async function ownedCollection(c: Context, deps: AppDeps, user: User): Promise<Collection | Response> {
  const found = await visibleCollection(c, deps, c.req.param('id') ?? '');
  if (found instanceof Response) return found;
  if (found.collection.ownerId !== user.id) {
    return renderError(c, 403, 'Not your collection', 'Only its owner can change a collection.');
  }
  return found.collection;
}

function bibFilename(name: string): string {
  const base = name
    .normalize('NFKD')
    .replace(/[^\w.-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `${base || 'collection'}.bib`;
}

export function registerCollections(routes: Hono, deps: AppDeps): void {
  const { store } = deps;

  routes.get('/collections', async (c) => {
    const user = requireUser(c);
    if (user instanceof Response) return user;
    const collections = await store.listCollections(user.id, true);
    return page(
      c,
      'Your collections',
      <section>
        <h1>Your collections</h1>
        <CollectionList collections={collections} owner />
        <NewCollectionForm c={c} />
        <p class="muted">Save papers from their pages. Public collections appear on your profile.</p>
      </section>,
    );
  });

  routes.post('/collections', async (c) => {
    const user = requireUser(c, '/collections');
    if (user instanceof Response) return user;
    const form = await readForm(c);
    const name = field(form, 'name').trim();
    const retry = (error: string) =>
      page(
        c,
        'Your collections',
        <section>
          <h1>Your collections</h1>
          <Flash kind="error">{error}</Flash>
          <NewCollectionForm c={c} error={error} name={name} />
        </section>,
        400,
      );
    if (!name || name.length > MAX_NAME)
      return retry(`Give the collection a name of 1 to ${MAX_NAME} characters.`);
    const created = await store.createCollection({
      ownerId: user.id,
      name,
      isPublic: field(form, 'public') === '1',
      now: new Date(),
    });
    if (!created) return retry(`You already have a collection called “${name}”.`);
    return c.redirect(`/collections/${created.id}`, 303);
  });

  routes.get('/collections/:file{[0-9]+\\.bib}', async (c) => {
    const found = await visibleCollection(c, deps, c.req.param('file').replace(/\.bib$/, ''));
    if (found instanceof Response) return found;
    const papers = await store.collectionPapers(found.collection.id);
    c.header('Content-Type', 'application/x-bibtex; charset=utf-8');
    c.header('Content-Disposition', `attachment; filename="${bibFilename(found.collection.name)}"`);
    // Private collections must not linger in shared caches.
    c.header('Cache-Control', found.collection.isPublic ? 'public, max-age=60' : 'private, no-store');
    return c.body(papersToBibtex(papers));
  });

  routes.get('/collections/:id{[0-9]+}', async (c) => {
    const found = await visibleCollection(c, deps, c.req.param('id'));
    if (found instanceof Response) return found;
    const { collection, owner } = found;
    const papers = await store.collectionPapers(collection.id);
    const votes = await upvoteButtons(c, store, papers);
    const csrf = owner ? csrfToken(c) : null;
    return page(
      c,
      collection.name,
      <section>
        <p class="eyebrow">
          Collection by <a href={profilePath(collection.ownerUsername)}>{collection.ownerUsername}</a> ·{' '}
          {collection.isPublic ? 'public' : 'private'}
        </p>
        <h1>{collection.name}</h1>
        <p>
          {plural(papers.length, 'paper')} ·{' '}
          <a href={`/collections/${collection.id}.bib`} download>
            Export BibTeX
          </a>
        </p>
        {papers.length > 0 ? (
          <PaperList>
            {papers.map((paper) => (
              <li>
                <PaperCard paper={paper} showDate vote={votes.get(paper.id)} />
                {csrf ? (
                  <form class="inline-form" method="post" action={`/collections/${collection.id}/remove`}>
                    <CsrfField token={csrf} />
                    <input type="hidden" name="paper" value={paper.id} />
                    <button type="submit" class="link-button">
                      Remove from this collection
                    </button>
                  </form>
                ) : null}
              </li>
            ))}
          </PaperList>
        ) : (
          <p class="muted">No papers in this collection yet. Save papers from their pages.</p>
        )}
        {csrf ? (
          <section aria-labelledby="settings-heading">
            <h2 id="settings-heading">Settings</h2>
            <form class="inline-form" method="post" action={`/collections/${collection.id}`}>
              <CsrfField token={csrf} />
              <label for="rename">Name</label>
              <input
                id="rename"
                type="text"
                name="name"
                value={collection.name}
                required
                maxlength={MAX_NAME}
              />
              <label>
                <input type="checkbox" name="public" value="1" checked={collection.isPublic} /> Public
              </label>
              <button type="submit" class="button">
                Save
              </button>
            </form>
            <form class="inline-form" method="post" action={`/collections/${collection.id}/delete`}>
              <CsrfField token={csrf} />
              <button
                type="submit"
                class="button"
                data-confirm="Delete this collection? The papers stay on Paperboy."
              >
                Delete collection
              </button>
            </form>
          </section>
        ) : null}
      </section>,
    );
  });

  routes.post('/collections/:id{[0-9]+}', async (c) => {
    const user = requireUser(c, `/collections/${c.req.param('id')}`);
    if (user instanceof Response) return user;
    const collection = await ownedCollection(c, deps, user);
    if (collection instanceof Response) return collection;
    const form = await readForm(c);
    const name = field(form, 'name').trim();
    if (!name || name.length > MAX_NAME) {
      return renderError(
        c,
        400,
        'Invalid name',
        `Give the collection a name of 1 to ${MAX_NAME} characters.`,
      );
    }
    if (!(await store.updateCollection(collection.id, { name, isPublic: field(form, 'public') === '1' }))) {
      return renderError(c, 400, 'Name taken', `You already have a collection called “${name}”.`);
    }
    return c.redirect(`/collections/${collection.id}`, 303);
  });

  routes.post('/collections/:id{[0-9]+}/remove', async (c) => {
    const user = requireUser(c, `/collections/${c.req.param('id')}`);
    if (user instanceof Response) return user;
    const collection = await ownedCollection(c, deps, user);
    if (collection instanceof Response) return collection;
    await store.removeFromCollection(collection.id, field(await readForm(c), 'paper'));
    return c.redirect(`/collections/${collection.id}`, 303);
  });

  routes.post('/collections/:id{[0-9]+}/delete', async (c) => {
    const user = requireUser(c, '/collections');
    if (user instanceof Response) return user;
    const collection = await ownedCollection(c, deps, user);
    if (collection instanceof Response) return collection;
    await store.deleteCollection(collection.id);
    return c.redirect('/collections', 303);
  });
}
