import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from './arxiv-http.js';

describe('parseRetryAfter', () => {
  const at = Date.parse('2026-03-10T06:00:00Z');

  it('reads delay-seconds', () => {
    expect(parseRetryAfter('2', at)).toBe(2000);
    expect(parseRetryAfter(' 120 ', at)).toBe(120_000);
  });

  it('reads an HTTP date, never negative', () => {
    expect(parseRetryAfter('Tue, 10 Mar 2026 06:00:30 GMT', at)).toBe(30_000);
    expect(parseRetryAfter('Tue, 10 Mar 2026 05:00:00 GMT', at)).toBe(0);
  });

  it('ignores a missing or unreadable header', () => {
    expect(parseRetryAfter(null, at)).toBeNull();
    expect(parseRetryAfter('', at)).toBeNull();
    expect(parseRetryAfter('soon', at)).toBeNull();
    expect(parseRetryAfter('-5', at)).toBeNull();
  });
});
