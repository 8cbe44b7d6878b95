import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import { createApp } from '/work/main/src/app.js';
import { loadConfig } from '/work/main/src/config.js';
import { createLogger } from '/work/main/src/log.js';
import { SqliteStore } from '/work/main/src/store/sqlite/sqlite-store.js';
const db = process.argv[2]!; const path = process.argv[3]!;
const store = new SqliteStore(db);
const config = loadConfig({ PAPERBOY_DB: db, PAPERBOY_DEMO: '0', PAPERBOY_SECRET: 'x'.repeat(40) });
const app = createApp({ store, config, logger: createLogger('warn') });
for (let i = 0; i < 50; i++) await (await app.request(path)).text();
const session = new Session(); session.connect();
await session.post('Profiler.enable'); await session.post('Profiler.start');
for (let i = 0; i < 400; i++) await (await app.request(path)).text();
const { profile } = await session.post('Profiler.stop');
// aggregate self time by function+url
const self = new Map<string, number>();
const nodes = new Map(profile.nodes.map((n: any) => [n.id, n]));
const dt = profile.timeDeltas; const samples = profile.samples;
for (let i = 0; i < samples.length; i++) { const n: any = nodes.get(samples[i]); const key = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.replace(/.*node_modules\//, 'nm/').replace(/.*\/work\/main\//, '')}:${n.callFrame.lineNumber}`; self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0)); }
const total = [...self.values()].reduce((a, b) => a + b, 0);
console.log('total ms', (total/1000).toFixed(0));
for (const [k, v] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log((v / total * 100).toFixed(1) + '%', k);
