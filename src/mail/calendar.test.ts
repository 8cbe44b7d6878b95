import { describe, expect, it } from 'vitest';
import { isDue, issueFor, issueLabel } from './calendar.js';

describe('digest calendar', () => {
  it('names issues by UTC day, and weekly ones by ISO week', () => {
    expect(issueFor('daily', new Date('2026-11-26T23:59:00Z'))).toBe('daily:2026-11-26');
    expect(issueFor('alerts', new Date('2026-11-27T00:00:00Z'))).toBe('alerts:2026-11-27');
    expect(issueFor('weekly', new Date('2026-11-23T08:00:00Z'))).toBe('weekly:2026-W48');
    expect(issueFor('weekly', new Date('2026-11-29T20:00:00Z'))).toBe('weekly:2026-W48');
    expect(issueFor('weekly', new Date('2027-01-01T08:00:00Z'))).toBe('weekly:2026-W53');
  });

  it('sends the daily digest on weekdays only', () => {
    expect(isDue('daily', new Date('2026-11-27T08:00:00Z'))).toBe(true); // Friday
    expect(isDue('daily', new Date('2026-11-28T08:00:00Z'))).toBe(false); // Saturday
    expect(isDue('alerts', new Date('2026-11-28T08:00:00Z'))).toBe(true);
  });

  it('labels issues for subject lines', () => {
    expect(issueLabel('daily:2026-11-26')).toBe('Thu 26 Nov');
    expect(issueLabel('weekly:2026-W48')).toBe('week 48');
  });
});
