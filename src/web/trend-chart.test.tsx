import { describe, expect, it } from 'vitest';
import type { MonthlyCounts } from '../recommend/records.js';
import { TrendChart } from './trend-chart.js';

const render = async (counts: MonthlyCounts, subject = 'masked diffusion'): Promise<string> =>
  String(await (<div>{TrendChart({ counts, subject })}</div>).toString());

const counts: MonthlyCounts = {
  months: [
    { month: '2025-03', count: 2 },
    { month: '2025-04', count: 0 },
    { month: '2025-05', count: 8 },
    { month: '2025-06', count: 4 },
  ],
  firstDay: '2025-03-18',
  lastDay: '2025-06-30',
  estimated: false,
};

describe('TrendChart', () => {
  it('draws one bar per month, as tall as its count relative to the busiest month', async () => {
    const html = await render(counts);
    const bars = [...html.matchAll(/<rect class="trend-bar"[^>]*>/g)].map((m) => m[0]);
    expect(bars).toHaveLength(4);
    expect(bars.map((bar) => /data-count="(\d+)"/.exec(bar)?.[1])).toEqual(['2', '0', '8', '4']);
    const heights = bars.map((bar) => Number(/ height="([\d.]+)"/.exec(bar)?.[1]));
    expect(heights[2]).toBeCloseTo(80, 1); // the busiest month fills the plot (96 − 16 for labels)
    expect(heights[0]).toBeCloseTo(20, 1);
    expect(heights[1]).toBe(0);
  });

  it('is an accessible image whose label and title carry every number', async () => {
    const html = await render(counts);
    expect(html).toContain('role="img"');
    const label =
      'Papers matching “masked diffusion” per month: Mar 2025: 2, Apr 2025: 0, May 2025: 8, Jun 2025: 4.';
    expect(html).toContain(`aria-label="${label}"`);
    expect(html).toContain(`<title>${label}</title>`);
  });

  it('marks a month the range only partly covers', async () => {
    const html = await render(counts);
    expect(html).toMatch(/data-month="2025-03"[^>]*><title>Mar 2025: 2 papers \(from 18 Mar only\)<\/title>/);
    expect(html).toMatch(/data-month="2025-06"[^>]*><title>Jun 2025: 4 papers<\/title>/);
  });

  it('says when counts are estimated, escapes the query, and draws nothing without a trend', async () => {
    const html = await render({ ...counts, estimated: true }, '<script>alert(1)</script>');
    expect(html).toContain('(estimated)');
    expect(html).toContain('about 8 papers');
    expect(html).not.toContain('<script>');
    expect(await render({ ...counts, months: [{ month: '2025-03', count: 3 }] })).toBe('<div></div>');
    expect(await render({ ...counts, months: counts.months.map((m) => ({ ...m, count: 0 })) })).toBe(
      '<div></div>',
    );
  });
});
