import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyPaper, type Paper } from '../model/paper.js';
import { DigestRenderer, renderConfirmation } from './render.js';

const BASE = 'https://papers.example.org';

function paper(overrides: Partial<Paper>): Paper {
  return {
    ...emptyPaper('2611.00001', 'A title', '2026-11-20'),
    isArxiv: true,
    numComments: 0,
    ...overrides,
  };
}

function render(papers: Paper[], kind: 'daily' | 'alerts' = 'daily') {
  return new DigestRenderer(BASE).render({
    kind,
    issue: `${kind}:2026-11-26`,
    sections: [
      { topic: kind === 'daily' ? { type: 'daily' } : { type: 'search', query: 'a "b" <c>' }, papers },
    ],
    email: 'ada@example.org',
    manageUrl: `${BASE}/preferences?token=1.x.y`,
    unsubscribeUrl: `${BASE}/unsubscribe?token=1.x.y`,
  });
}

describe('digest rendering', () => {
  it('shows why each recommended paper is in a personal digest, escaped, under that paper only', () => {
    const evil = '<b>x</b>';
    const mail = new DigestRenderer(BASE).render({
      kind: 'personal',
      issue: 'personal:2026-W48',
      sections: [
        {
          topic: { type: 'personal', userId: 3 },
          papers: [paper({ title: 'First' }), paper({ id: '2611.00002', title: 'Second' })],
          notes: { '2611.00001': `Because you saved “${evil}”; shared terms: masked` },
        },
      ],
      email: 'ada@example.org',
      manageUrl: `${BASE}/preferences?token=1.x.y`,
      unsubscribeUrl: `${BASE}/unsubscribe?token=1.x.y`,
    });
    expect(mail.subject).toBe('Recommended for you (week 48): First and 1 more');
    expect(mail.text).toContain(`Why: Because you saved “${evil}”; shared terms: masked`);
    expect(mail.text.match(/Why:/g)).toHaveLength(1);
    expect(mail.html).not.toContain(evil);
    expect(mail.html).toContain('&lt;b&gt;x&lt;/b&gt;');
  });

  it('escapes everything that comes from a paper, in every place it appears', () => {
    const evil = '<img src=x onerror=alert(1)>';
    const mail = render([
      paper({
        title: `Title ${evil}`,
        abstract: `Abstract ${evil} "quoted" & more`,
        authors: [`Author ${evil}`],
        categories: ['cs.LG'],
      }),
    ]);
    expect(mail.html).not.toContain(evil);
    expect(mail.html).toContain('Title &lt;img src=x onerror=alert(1)&gt;');
    expect(mail.html).toContain('Abstract &lt;img src=x onerror=alert(1)&gt; &quot;quoted&quot; &amp; more');
    expect(mail.html).toContain('Author &lt;img');
    expect(mail.text).toContain(`Title ${evil}`);
  });

  it('never lets a title or abstract open a tag, whatever it holds', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (title, abstract) => {
        const mail = render([paper({ title: `<zz${title}`, abstract: `<zz${abstract}` })], 'alerts');
        expect(mail.html).not.toContain('<zz');
      }),
      { numRuns: 200 },
    );
  });

  it('links only http(s) URLs from metadata, and builds its own links from the base URL', () => {
    const mail = render([
      paper({ codeUrl: 'javascript:alert(1)', projectUrl: 'https://project.example.org/x' }),
    ]);
    expect(mail.html).not.toContain('javascript:');
    expect(mail.html).toContain('href="https://project.example.org/x"');
    expect(mail.html).toContain(`href="${BASE}/papers/2611.00001"`);
    expect(mail.html).toContain('href="https://arxiv.org/abs/2611.00001"');
    expect(mail.text).toContain(`${BASE}/papers/2611.00001`);
    const old = render([paper({ id: 'astro-ph/0601001' })]);
    expect(old.text).toContain(`${BASE}/papers/astro-ph%2F0601001`);
  });

  it('puts the unsubscribe and preferences links in both parts', () => {
    const mail = render([paper({})]);
    for (const part of [mail.text, mail.html]) {
      expect(part).toContain(`${BASE}/unsubscribe?token=1.x.y`);
      expect(part).toContain(`${BASE}/preferences?token=1.x.y`);
      expect(part).toContain('ada@example.org');
    }
  });

  it('names the first paper in a daily subject and the topic in an alert subject', () => {
    const papers = [paper({ title: 'Scaling $\\alpha$ laws' }), paper({ id: '2611.00002', title: 'Second' })];
    expect(render(papers).subject).toBe('Trending today (Thu 26 Nov): Scaling α laws and 1 more');
    expect(render(papers, 'alerts').subject).toBe('2 new papers for “a "b" <c>” · Thu 26 Nov');
  });

  it('asks a pending address only to confirm, with the link in both parts', () => {
    const mail = renderConfirmation({
      baseUrl: BASE,
      email: 'ada@example.org',
      topics: [{ type: 'weekly' }, { type: 'category', category: 'cs.CL' }],
      confirmUrl: `${BASE}/subscribe/confirm?token=1.a.b`,
      validDays: 3,
    });
    expect(mail.text).toContain(`${BASE}/subscribe/confirm?token=1.a.b`);
    expect(mail.html).toContain(`href="${BASE}/subscribe/confirm?token=1.a.b"`);
    expect(mail.text).toContain('New papers in cs.CL');
    expect(mail.text).not.toContain('unsubscribe');
  });
});
