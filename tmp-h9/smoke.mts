import { createTempApp, testPaper } from '/work/main/test/support/temp-app.js';
const t = createTempApp();
await t.store.upsertPapers([testPaper('2503.11731', 'Hello $x^2$ world', '2025-03-12')]);
for (const [m, p, body] of [['GET','/'],['GET','/papers/2503.11731'],['GET','/api/daily_papers'],['POST','/login','x'.repeat(300000)], ['GET','/digest/preview/message'], ['GET','/nope']] as const) {
  const r = await t.app.request(p, { method: m, body: body, headers: body ? {'content-type':'application/x-www-form-urlencoded'}:{} });
  console.log(m, p, r.status, Object.fromEntries(r.headers), (await r.text()).slice(0,100));
}
await t.close();
