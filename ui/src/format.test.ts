import { describe, expect, it } from 'vitest';
import { formatCount, formatDate } from './format';

describe('formatCount', () => {
  it('groups thousands with commas', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(1000)).toBe('1,000');
    expect(formatCount(10000)).toBe('10,000');
    expect(formatCount(1234567)).toBe('1,234,567');
  });

  it('keeps the sign and drops a fraction', () => {
    expect(formatCount(-12345)).toBe('-12,345');
    expect(formatCount(1999.9)).toBe('1,999');
  });
});

describe('formatDate', () => {
  it('formats a timestamp and leaves text that is not one as it is', () => {
    const iso = '2026-11-26T09:30:00Z';
    expect(formatDate(iso)).toBe(
      new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'short' }).format(new Date(iso)),
    );
    expect(formatDate('not a date')).toBe('not a date');
  });
});
