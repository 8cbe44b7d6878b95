/**
 * Digest issues: the calendar period one message covers. The send log holds one row per subscriber and
 * issue, so running a digest twice for the same period sends nothing the second time.
 */
import { isoWeekOf } from '../web/feed-period.js';
import type { DigestKind } from './topics.js';

/** YYYY-MM-DD of a UTC date. */
export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function issueFor(kind: DigestKind, date: Date): string {
  const day = utcDay(date);
  return `${kind}:${kind === 'weekly' || kind === 'personal' ? isoWeekOf(day) : day}`;
}

/**
 * Whether the schedule sends a digest on a day: daily on weekdays, alerts every day, weekly and personal on
 * Mondays — or
 * on the first day after that the schedule runs, since the issue (the ISO week) is sent once whenever it goes.
 */
export function isDue(kind: DigestKind, date: Date): boolean {
  const weekday = date.getUTCDay();
  return kind !== 'daily' || (weekday >= 1 && weekday <= 5);
}

/** How an issue is named in a subject line: `Thu 26 Nov` or `week 48`. */
export function issueLabel(issue: string): string {
  let label = labels.get(issue);
  if (label === undefined) {
    label = formatIssue(issue);
    labels.set(issue, label);
  }
  return label;
}

// One run renders one issue for every subscriber; Intl formatting once per issue is enough.
const labels = new Map<string, string>();

function formatIssue(issue: string): string {
  const period = issue.slice(issue.indexOf(':') + 1);
  const week = /^\d{4}-W(\d{2})$/.exec(period);
  if (week) return `week ${Number(week[1])}`;
  const date = new Date(`${period}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return period;
  return date.toLocaleDateString('en-GB', {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  });
}
