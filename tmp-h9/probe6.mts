import { createTempApp, testPaper } from '/work/main/test/support/temp-app.js';
const t = createTempApp();
await t.store.upsertPapers([testPaper('2603.00001', 'Scaling laws for $\\mathcal{O}(n^2)$ attention', '2026-03-02', {abstract: 'We show that $\\sum_{i=1}^{n} x_i^2 \\leq \\frac{a}{b}$ holds'})]);
const b = await (await t.app.request('/papers/2603.00001')).text();
const i = b.indexOf("class=\"katex"); console.log(b.slice(i-100, i+1200));
await t.close();
