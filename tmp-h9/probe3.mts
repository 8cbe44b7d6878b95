import { serve } from '@hono/node-server';
import { request } from 'node:http';
import { createTempApp } from '/work/main/test/support/temp-app.js';
const t = createTempApp();
const server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' });
await new Promise((r) => setTimeout(r, 200));
const port = (server.address() as any).port;
for (const p of ['/papers/..\\..\\windows\\win.ini.bib', '/a\\b', '/static\\..\\x', '/papers/a\\b']) {
  await new Promise<void>((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: p }, (res) => { let b=''; res.on('data', (d) => b += d); res.on('end', () => { console.log(p, res.statusCode, res.headers['content-type'], JSON.stringify(b.slice(0, 200))); resolve(); }); });
    req.end();
  });
}
server.close(); await t.close();
