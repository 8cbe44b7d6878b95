/** Calendar months of feed days, for the topic trend (matches per month). */
import type { MonthCount } from './records.js';

/** YYYY-MM of a YYYY-MM-DD day. */
export function monthOf(day: string): string {
  return day.slice(0, 7);
}

/** Every month from `first` to `last` (YYYY-MM, inclusive), oldest first; [] when `first` is after `last`. */
export function monthsBetween(first: string, last: string): string[] {
  const months: string[] = [];
  let year = Number(first.slice(0, 4));
  let month = Number(first.slice(5, 7));
  const end = Number(last.slice(0, 4)) * 12 + Number(last.slice(5, 7));
  while (year * 12 + month <= end) {
    months.push(`${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`);
    month++;
    if (month > 12) {
      month = 1;
      year++;
    }
  }
  return months;
}

/** The counts of every month of the range, 0 for months the counts leave out. */
export function fillMonths(first: string, last: string, counts: ReadonlyMap<string, number>): MonthCount[] {
  return monthsBetween(first, last).map((month) => ({ month, count: counts.get(month) ?? 0 }));
}
