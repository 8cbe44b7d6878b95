import { serve } from '@hono/node-server';
import { request } from 'node:http';
import { createHostileApp } from '/work/main/test/support/hostile.js';
import { testPaper } from '/work/main/test/support/temp-app.js';
import { createAccount } from '/work/main/src/community/accounts.js';
import { hashToken } from '/work/main/src/web/session.js';
const t = createHostileApp();
await t.store.upsertPapers([testPaper('2501.00001', 'T', '2026-03-02')]);
const r = await createAccount(t.store, { username: 'alice', email: 'a@example.org', password: 'correct horse battery staple' });
if (!r.ok) throw new Error();
await t.store.createSession({ idHash: hashToken('tok'), userId: r.user.id, createdAt: new Date().toISOString(), expiresAt: new Date(Date.now()+1e9).toISOString() });
const server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' });
await new Promise((r) => setTimeout(r, 200));
const port = (server.address() as any).port;
function send(method: string, p: string, body?: string, cookie = 'pb_session=tok'): Promise<[number, any, string]> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: p, method, headers: { cookie, ...(body ? {'content-type': 'application/x-www-form-urlencoded'} : {}) } }, (res) => { let b=''; res.on('data', (d) => b += d); res.on('end', () => resolve([res.statusCode!, res.headers, b])); });
    req.on('error', (e) => resolve([0, {}, String(e)]));
    req.end(body);
  });
}
const page = await send('GET', '/collections');
const csrf = /name="_csrf" value="([^"]+)"/.exec(page[2])![1];
for (const next of ['/😀', '/é', '/\u2028', '/a%0d%0aSet-Cookie:x=1', '/%F0', '/\u0085x']) {
  const [s, h, b] = await send('POST', '/papers/2501.00001/upvote', `_csrf=${encodeURIComponent(csrf)}&next=${encodeURIComponent(next)}`);
  console.log(JSON.stringify(next), s, h.location, b.slice(0, 100));
}
const [s2, h2, b2] = await send('GET', '/login?next=' + encodeURIComponent('/😀'), undefined, '');
console.log(s2, b2.match(/name="next" value="[^"]*"/)?.[0]);
server.close(); await t.close();
