/**
 * A Paperboy instance wired for mail tests: a fresh database of the backend under test, the HTTP app, and
 * mail going to a test SMTP server.
 */
import type { Hono } from 'hono';
import { createApp } from '../../src/app.js';
import { type Config, loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import type { MailContext } from '../../src/mail/deliver.js';
import type { Topic } from '../../src/mail/topics.js';
import { createMailTransport } from '../../src/mail/transport.js';
import type { Store } from '../../src/store/store.js';
import { testPaper } from './temp-app.js';
import { createTestDatabase, type TestDatabase } from './test-store.js';

export const BASE_URL = 'http://paperboy.test';

export interface MailTestApp {
  dir: string;
  database: TestDatabase;
  config: Config;
  store: Store;
  app: Hono;
  /** What digest runs in the test process use (mail to the test server). */
  ctx: MailContext;
  /** Environment for a `paperboy` child process on the same database and server. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function createMailTestApp(
  smtpUrl: string,
  extraEnv: Record<string, string> = {},
): Promise<MailTestApp> {
  const database = await createTestDatabase();
  const env = {
    ...database.env,
    PAPERBOY_DEMO: '0',
    PAPERBOY_BASE_URL: BASE_URL,
    PAPERBOY_MAIL_FROM: 'Paperboy <digest@paperboy.test>',
    PAPERBOY_MAIL_RATE: '0',
    SMTP_URL: smtpUrl,
    LOG_LEVEL: 'silent',
    ...extraEnv,
  };
  const config = loadConfig(env);
  const { store } = database;
  const logger = createLogger('silent');
  const transport = createMailTransport(config.mail);
  let closed = false;
  return {
    dir: database.dir,
    database,
    config,
    store,
    app: createApp({ store, config, logger }),
    ctx: { store, config, logger, transport },
    env,
    close: async () => {
      if (closed) return;
      closed = true;
      transport.close();
      await database.close();
    },
  };
}

/** `count` papers on `day` in cs.LG, ids 2611.00001…, upvotes descending so the order is known. */
export async function seedPapers(store: Store, day: string, count: number, start = 1): Promise<string[]> {
  const papers = Array.from({ length: count }, (_, i) => {
    const n = start + i;
    const id = `2611.${String(n).padStart(5, '0')}`;
    return testPaper(id, `Paper number ${n} on masked diffusion`, day, { upvotes: 1000 - n });
  });
  await store.upsertPapers(papers);
  return papers.map((p) => p.id);
}

/** A confirmed subscriber, made through the same store calls as the web flow. */
export async function addSubscriber(store: Store, email: string, topics: Topic[]): Promise<number> {
  const { confirmationId } = await store.requestMailSubscription(email, topics, new Date());
  const subscriber = await store.confirmMailSubscription(confirmationId, new Date());
  if (!subscriber) throw new Error('confirmation failed');
  // The confirmation mail itself is not what these tests look at.
  const queued = await store.dueMailDeliveries({ kinds: ['confirm'] }, new Date(), 1000);
  await store.updateMailDeliveries(queued.map((row) => [row.id, { status: 'skipped', error: 'test' }]));
  return subscriber.id;
}
