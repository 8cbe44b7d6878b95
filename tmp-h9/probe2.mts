import { createTempApp, testPaper } from '/work/main/test/support/temp-app.js';
import { reflectedPayload } from '/work/main/test/support/hostile.js';
const t = createTempApp();
await t.store.upsertPapers([testPaper('2501.00001', 'T', '2026-03-02', { codeUrl: 'javascript:pbxss(11)', projectUrl: 'https://example.org/"><script>pbxss(12)</script>' })]);
for (const p of ['/papers/2501.00001', '/papers/..\\..\\windows\\win.ini.bib', '/papers/x.bib', '/papers/..%5cwin.ini.bib']) {
  const r = await t.app.request(p);
  const b = await r.text();
  console.log(p, r.status, r.headers.get('content-type'), JSON.stringify(b.slice(0,100)), reflectedPayload(b));
}
const r = await t.app.request('/?date=2026-03-02'); const b = await r.text(); console.log(reflectedPayload(b));
const r2 = await t.app.request('/api/papers/2501.00001'); console.log(await r2.text());
await t.close();
