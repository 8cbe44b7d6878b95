/**
 * A small bar chart of matching papers per month, server-rendered SVG (no script), so a reader sees at a
 * glance whether a topic is rising. Screen readers get the numbers: the image's label lists every month.
 */
import type { MonthlyCounts } from '../recommend/records.js';

const WIDTH = 640;
const HEIGHT = 96;
const LABEL_SPACE = 16;
const GAP = 2;

const MONTH = new Intl.DateTimeFormat('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' });
const DAY = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });

export function formatMonth(month: string): string {
  return MONTH.format(new Date(`${month}-01T00:00:00Z`));
}

function lastDayOfMonth(month: string): string {
  const [year, monthNumber] = month.split('-').map(Number);
  const last = new Date(Date.UTC(year ?? 1970, monthNumber ?? 1, 0));
  return last.toISOString().slice(0, 10);
}

/** How the first or last month is cut by the range, e.g. "from 18 Mar"; null for a whole month. */
function partOf(month: string, counts: MonthlyCounts): string | null {
  const { firstDay, lastDay } = counts;
  const from = firstDay && firstDay.startsWith(month) && !firstDay.endsWith('-01') ? firstDay : null;
  const to = lastDay && lastDay.startsWith(month) && lastDay !== lastDayOfMonth(month) ? lastDay : null;
  if (!from && !to) return null;
  const day = (d: string) => DAY.format(new Date(`${d}T00:00:00Z`));
  if (from && to) return `${day(from)} to ${day(to)} only`;
  return from ? `from ${day(from)} only` : `to ${day(to ?? '')} only`;
}

const papers = (count: number, estimated: boolean): string =>
  `${estimated ? 'about ' : ''}${count.toLocaleString('en-US')} ${count === 1 ? 'paper' : 'papers'}`;

export interface TrendChartProps {
  counts: MonthlyCounts;
  /** What matched, e.g. the query, for the label. */
  subject: string;
}

export function TrendChart({ counts, subject }: TrendChartProps) {
  const { months, estimated } = counts;
  if (months.length < 2 || months.every((m) => m.count === 0)) return null;
  const max = Math.max(...months.map((m) => m.count));
  const plotHeight = HEIGHT - LABEL_SPACE;
  const slot = WIDTH / months.length;
  const barWidth = Math.max(1, slot - GAP);
  const label = `Papers matching “${subject}” per month${estimated ? ' (estimated)' : ''}: ${months
    .map((m) => `${formatMonth(m.month)}: ${m.count.toLocaleString('en-US')}`)
    .join(', ')}.`;
  const first = months[0]?.month ?? '';
  const last = months[months.length - 1]?.month ?? '';
  return (
    <figure class="trend-chart" style="margin: 0 0 16px; color: var(--accent)">
      <svg role="img" aria-label={label} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width="100%">
        <title>{label}</title>
        {months.map((m, i) => {
          const height = m.count === 0 ? 0 : Math.max(1, (m.count / max) * plotHeight);
          const part = partOf(m.month, counts);
          return (
            <rect
              class="trend-bar"
              x={(i * slot + GAP / 2).toFixed(2)}
              y={(plotHeight - height).toFixed(2)}
              width={barWidth.toFixed(2)}
              height={height.toFixed(2)}
              fill="currentColor"
              fill-opacity={part ? '0.45' : '0.85'}
              data-month={m.month}
              data-count={m.count}
            >
              <title>
                {formatMonth(m.month)}: {papers(m.count, estimated)}
                {part ? ` (${part})` : ''}
              </title>
            </rect>
          );
        })}
        <line x1="0" y1={plotHeight} x2={WIDTH} y2={plotHeight} stroke="currentColor" stroke-opacity="0.3" />
        <text x="0" y={HEIGHT - 3} font-size="11" style="fill: var(--muted)">
          {formatMonth(first)}
        </text>
        <text x={WIDTH} y={HEIGHT - 3} font-size="11" text-anchor="end" style="fill: var(--muted)">
          {formatMonth(last)}
        </text>
      </svg>
      <figcaption class="muted" style="font-size: 0.85rem">
        Matching papers per month, {formatMonth(first)} – {formatMonth(last)}; busiest month{' '}
        {papers(max, estimated)}
        {estimated ? ', estimated from a sample of the matches' : ''}.
      </figcaption>
    </figure>
  );
}
