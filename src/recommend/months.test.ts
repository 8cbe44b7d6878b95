import { describe, expect, it } from 'vitest';
import { fillMonths, monthOf, monthsBetween } from './months.js';

describe('months', () => {
  it('lists every month of a range across years', () => {
    expect(monthsBetween('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(monthsBetween('2025-03', '2025-03')).toEqual(['2025-03']);
    expect(monthsBetween('2025-04', '2025-03')).toEqual([]);
  });

  it('fills months without counts with zero', () => {
    expect(fillMonths('2025-01', '2025-03', new Map([['2025-02', 4]]))).toEqual([
      { month: '2025-01', count: 0 },
      { month: '2025-02', count: 4 },
      { month: '2025-03', count: 0 },
    ]);
    expect(monthOf('2026-07-01')).toBe('2026-07');
  });
});
