import { createApp } from '/work/main/src/app.js';
import { loadConfig } from '/work/main/src/config.js';
import { createLogger } from '/work/main/src/log.js';
import { SqliteStore } from '/work/main/src/store/sqlite/sqlite-store.js';
const db = process.argv[2]!;
const store = new SqliteStore(db);
const config = loadConfig({ PAPERBOY_DB: db, PAPERBOY_DEMO: '0', PAPERBOY_SECRET: 'x'.repeat(40) });
const app = createApp({ store, config, logger: createLogger('warn') });
const ids = store.db.prepare('SELECT id FROM papers ORDER BY random() LIMIT 200').pluck().all() as string[];
for (const [name, path] of [['feed', () => '/'], ['paper', () => `/papers/${ids[Math.floor(Math.random()*ids.length)]}`], ['search', () => '/search?q=diffusion+models'], ['api', () => '/api/daily_papers?limit=20'], ['healthz', () => '/healthz']] as const) {
  for (let i = 0; i < 20; i++) await (await app.request(path())).text();
  const t = performance.now(); const n = 200;
  for (let i = 0; i < n; i++) await (await app.request(path())).text();
  console.log(name, ((performance.now() - t) / n).toFixed(2), 'ms/request');
}
