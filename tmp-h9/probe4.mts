import { fromHfDaily } from '/work/main/src/ingest/formats/hf-daily.js';
console.log(fromHfDaily({
      paper: { id: '2501.00002', title: 'Links from an import', summary: 'See the code.', upvotes: 3 },
      publishedAt: '2026-03-02T08:00:00.000Z',
      githubRepo: 'javascript:pbxss(11)',
      projectPage: 'https://example.org/"><script>pbxss(12)</script>',
      submittedBy: { name: 'mallory', fullname: '<script>pbxss(14)</script>', avatarUrl: 'javascript:pbxss(15)' },
    }));
