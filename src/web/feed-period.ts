/**
 * Feed periods — a day (`2026-08-21`), an ISO week (`2026-W34`) or a month (`2026-08`) — as inclusive
 * ranges of feed days. Shared by the web feed and the JSON API so both accept and reject the same input.
 * All arithmetic is on UTC calendar days: feed days carry no time zone.
 */
import { z } from 'zod';

export type PeriodKind = 'day' | 'week' | 'month';

export interface FeedPeriod {
  kind: PeriodKind;
  /** The period as written in URLs: `2026-08-21`, `2026-W34`, `2026-08`. */
  key: string;
  /** First and last feed day, YYYY-MM-DD, inclusive. */
  from: string;
  to: string;
}

const DAY_MS = 86_400_000;

function toDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function dayMs(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

/** True for a real calendar day written YYYY-MM-DD (`2025-02-29` and `2025-13-40` are not). */
export function isValidDay(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const ms = dayMs(text);
  return !Number.isNaN(ms) && toDay(ms) === text;
}

/** Adds `days` (may be negative) to a YYYY-MM-DD day. */
export function addDays(day: string, days: number): string {
  return toDay(dayMs(day) + days * DAY_MS);
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Monday of ISO week 1: the week that holds 4 January. */
function isoWeekOneMonday(year: number): number {
  const jan4 = Date.UTC(year, 0, 4);
  const weekday = (new Date(jan4).getUTCDay() + 6) % 7; // Monday = 0
  return jan4 - weekday * DAY_MS;
}

/** The ISO week (`2026-W34`) that a day belongs to; early January may belong to the previous year's week. */
export function isoWeekOf(day: string): string {
  const ms = dayMs(day);
  const weekday = (new Date(ms).getUTCDay() + 6) % 7;
  // The Thursday of the same week decides the week's year.
  const thursday = ms + (3 - weekday) * DAY_MS;
  const year = new Date(thursday).getUTCFullYear();
  const week = 1 + Math.floor((thursday - isoWeekOneMonday(year)) / (7 * DAY_MS));
  return `${year}-W${pad(week)}`;
}

function weeksInYear(year: number): number {
  return Number(isoWeekOf(`${year}-12-28`).slice(6));
}

function lastDayOfMonth(year: number, month: number): string {
  return toDay(Date.UTC(year, month, 0));
}

const WEEK = /^(\d{4})-W(\d{2})$/;
const MONTH = /^(\d{4})-(\d{2})$/;

export function dayPeriod(day: string): FeedPeriod {
  return { kind: 'day', key: day, from: day, to: day };
}

/** Parses `YYYY-Www`; null when it is malformed or the year has no such week. */
export function weekPeriod(key: string): FeedPeriod | null {
  const match = WEEK.exec(key);
  if (!match) return null;
  const year = Number(match[1]);
  const week = Number(match[2]);
  if (week < 1 || week > weeksInYear(year)) return null;
  const from = isoWeekOneMonday(year) + (week - 1) * 7 * DAY_MS;
  return { kind: 'week', key, from: toDay(from), to: toDay(from + 6 * DAY_MS) };
}

/** Parses `YYYY-MM`; null when it is malformed. */
export function monthPeriod(key: string): FeedPeriod | null {
  const match = MONTH.exec(key);
  if (!match) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  if (month < 1 || month > 12) return null;
  return { kind: 'month', key, from: `${key}-01`, to: lastDayOfMonth(year, month) };
}

/** The period of the given kind that contains `day`. */
export function periodContaining(kind: PeriodKind, day: string): FeedPeriod {
  if (kind === 'day') return dayPeriod(day);
  const period = kind === 'week' ? weekPeriod(isoWeekOf(day)) : monthPeriod(day.slice(0, 7));
  // Both keys are derived from a valid day, so they always parse.
  if (!period) throw new Error(`no ${kind} contains ${day}`);
  return period;
}

// Validation schemas shared by the web feed and the API, so both give the same messages.
export const DaySchema = z
  .string()
  .refine(isValidDay, { message: 'must be a real date written YYYY-MM-DD, e.g. 2025-03-18' });
export const WeekSchema = z.string().refine((v) => weekPeriod(v) !== null, {
  message: 'must be an ISO week written YYYY-Www, e.g. 2025-W12',
});
export const MonthSchema = z.string().refine((v) => monthPeriod(v) !== null, {
  message: 'must be a month written YYYY-MM, e.g. 2025-03',
});

/** Query fields naming a period; combine with atMostOnePeriod. */
export const periodFields = {
  date: DaySchema.optional(),
  week: WeekSchema.optional(),
  month: MonthSchema.optional(),
};

/** A refinement for schemas built from periodFields: at most one of date, week and month. */
export const atMostOnePeriod = [
  (p: { date?: string; week?: string; month?: string }): boolean =>
    [p.date, p.week, p.month].filter((v) => v !== undefined).length <= 1,
  { message: 'give only one of date, week and month' },
] as const;

export const PeriodParamsSchema = z.object(periodFields).refine(...atMostOnePeriod);

/** The period named by already-validated params, or null when none is named. */
export function periodFromParams(params: {
  date?: string;
  week?: string;
  month?: string;
}): FeedPeriod | null {
  if (params.date !== undefined) return dayPeriod(params.date);
  if (params.week !== undefined) return weekPeriod(params.week);
  if (params.month !== undefined) return monthPeriod(params.month);
  return null;
}

const LONG_DAY = new Intl.DateTimeFormat('en-US', {
  weekday: 'long',
  year: 'numeric',
  month: 'long',
  day: 'numeric',
  timeZone: 'UTC',
});
const SHORT_DAY = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
const MEDIUM_DAY = new Intl.DateTimeFormat('en-US', {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  timeZone: 'UTC',
});
const LONG_MONTH = new Intl.DateTimeFormat('en-US', { year: 'numeric', month: 'long', timeZone: 'UTC' });

/** `Friday, August 21, 2026` */
export function formatLongDay(day: string): string {
  return LONG_DAY.format(dayMs(day));
}

/** `Aug 21, 2026` */
export function formatDay(day: string): string {
  return MEDIUM_DAY.format(dayMs(day));
}

/** A heading for a period: `Friday, August 21, 2026`, `Week 34, 2026 (Aug 17 – Aug 23)`, `August 2026`. */
export function formatPeriod(period: FeedPeriod): string {
  if (period.kind === 'day') return formatLongDay(period.from);
  if (period.kind === 'month') return LONG_MONTH.format(dayMs(period.from));
  const week = Number(period.key.slice(6));
  const year = period.key.slice(0, 4);
  return `Week ${week}, ${year} (${SHORT_DAY.format(dayMs(period.from))} – ${SHORT_DAY.format(dayMs(period.to))})`;
}
