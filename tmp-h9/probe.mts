import { createTempApp, testPaper } from '/work/main/test/support/temp-app.js';
const t = createTempApp();
await t.store.upsertPapers([testPaper('2503.11731', 'Hello $x^2$ world', '2025-03-12')]);
const probes: [string, string, RequestInit?][] = [
 ['POST', '/login', { body: '--x\r\ngarbage', headers: { 'content-type': 'multipart/form-data; boundary=x' } }],
 ['POST', '/login', { body: 'garbage', headers: { 'content-type': 'multipart/form-data' } }],
 ['POST', '/unsubscribe', { body: 'garbage', headers: { 'content-type': 'multipart/form-data; boundary=zz' } }],
 ['POST', '/unsubscribe', { body: '%FF=%FF&token=%E0%A4%A', headers: { 'content-type': 'application/x-www-form-urlencoded' } }],
 ['POST', '/login', { body: '_csrf=%FF', headers: { 'content-type': 'application/x-www-form-urlencoded' } }],
 ['GET', '/search?q=%FF&page=%FF'],
 ['GET', '/search?q=%&category=%zz'],
 ['GET', '/?date=%FF'],
 ['GET', '/?page=99999999999999999999'],
 ['GET', '/api/daily_papers?p=99999999&limit=-1'],
 ['GET', '/api/daily_papers?p=999999999&limit=100'],
 ['GET', '/api/papers/search?q=%FF&limit=NaN'],
 ['GET', '/api/papers/%FF'],
 ['GET', '/papers/%FF'],
 ['GET', '/papers/%FF.bib'],
 ['GET', '/u/%FF'],
 ['GET', '/static/%2e%2e/%2e%2e/package.json'],
 ['GET', '/static/..%2f..%2fpackage.json'],
 ['GET', '/static/community/..%2f..%2fpackage.json'],
 ['GET', '/collections/99999999999999999999999'],
 ['GET', '/collections/99999999999999999999999.bib'],
 ['GET', '/comments/99999999999999999999999/edit'],
 ['GET', '/feeds/category/%FF.atom'],
 ['GET', '/feeds/search.atom?q=%FF'],
 ['GET', '/digest/preview?kind=alerts&q=%FF&category=%3Cscript%3E'],
 ['GET', '/digest/preview/message?kind=alerts&q=x&category=cs.LG'],
 ['GET', '/subscribe/confirm?token=%FF'],
 ['GET', '/preferences?token=aaaa.bbbb'],
 ['GET', '/trending?window=%FF&page=-1'],
 ['GET', '/%FF'],
];
for (const [m, p, init] of probes) {
  const r = await t.app.request(p, { method: m, ...init });
  console.log(r.status, m, p, (await r.text()).replace(/\s+/g,' ').slice(0, 160));
}
await t.close();
