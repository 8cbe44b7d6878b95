import { describe, expect, it } from 'vitest';
import {
  PeriodParamsSchema,
  addDays,
  formatPeriod,
  isValidDay,
  isoWeekOf,
  monthPeriod,
  periodContaining,
  weekPeriod,
} from './feed-period.js';

describe('isValidDay', () => {
  it('accepts real calendar days only', () => {
    expect(isValidDay('2025-03-18')).toBe(true);
    expect(isValidDay('2024-02-29')).toBe(true);
    expect(isValidDay('2025-02-29')).toBe(false);
    expect(isValidDay('2025-13-40')).toBe(false);
    expect(isValidDay('2025-3-18')).toBe(false);
    expect(isValidDay('yesterday')).toBe(false);
  });
});

describe('ISO weeks', () => {
  it('puts days into the week whose Thursday they share', () => {
    expect(isoWeekOf('2026-08-21')).toBe('2026-W34');
    // 1 January 2021 was a Friday: it belongs to the last week of 2020.
    expect(isoWeekOf('2021-01-01')).toBe('2020-W53');
    // 29 December 2025 is a Monday in week 1 of 2026.
    expect(isoWeekOf('2025-12-29')).toBe('2026-W01');
  });

  it('turns a week key into Monday…Sunday', () => {
    expect(weekPeriod('2026-W34')).toEqual({
      kind: 'week',
      key: '2026-W34',
      from: '2026-08-17',
      to: '2026-08-23',
    });
    expect(weekPeriod('2020-W53')?.from).toBe('2020-12-28');
  });

  it('rejects weeks a year does not have', () => {
    expect(weekPeriod('2025-W53')).toBeNull();
    expect(weekPeriod('2025-W00')).toBeNull();
    expect(weekPeriod('2025-W5')).toBeNull();
  });
});

describe('months', () => {
  it('covers the whole month, leap years included', () => {
    expect(monthPeriod('2024-02')).toMatchObject({ from: '2024-02-01', to: '2024-02-29' });
    expect(monthPeriod('2025-12')).toMatchObject({ from: '2025-12-01', to: '2025-12-31' });
    expect(monthPeriod('2025-13')).toBeNull();
  });
});

describe('periodContaining', () => {
  it('finds the day, week or month around a day', () => {
    expect(periodContaining('day', '2025-03-18').to).toBe('2025-03-18');
    expect(periodContaining('week', '2025-03-18').key).toBe('2025-W12');
    expect(periodContaining('month', '2025-03-18').key).toBe('2025-03');
  });
});

describe('addDays', () => {
  it('crosses month and year ends', () => {
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
  });
});

describe('PeriodParamsSchema', () => {
  it('explains a bad date', () => {
    const result = PeriodParamsSchema.safeParse({ date: '2025-13-40' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/YYYY-MM-DD/);
  });

  it('refuses two periods at once', () => {
    const result = PeriodParamsSchema.safeParse({ date: '2025-03-18', month: '2025-03' });
    expect(result.error?.issues[0]?.message).toBe('give only one of date, week and month');
  });
});

describe('formatPeriod', () => {
  it('writes headings people read', () => {
    expect(formatPeriod(periodContaining('day', '2026-08-21'))).toBe('Friday, August 21, 2026');
    expect(formatPeriod(periodContaining('week', '2026-08-21'))).toBe('Week 34, 2026 (Aug 17 – Aug 23)');
    expect(formatPeriod(periodContaining('month', '2026-08-21'))).toBe('August 2026');
  });
});
