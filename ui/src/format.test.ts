import { describe, expect, it } from 'vitest';
import { formatCount, formatDate } from './format';

describe('formatCount', () => {
  // The OS locale's grouping (the desk's window takes the locale from the OS, as Node does here).
  const locale = new Intl.NumberFormat();
  it('groups thousands in the OS locale', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(10000)).toBe(locale.format(10000));
    expect(formatCount(1234567)).toBe(locale.format(1234567));
    expect(formatCount(1234567)).not.toBe('1234567');
  });

  it('keeps the sign and drops a fraction', () => {
    expect(formatCount(-12345)).toBe(locale.format(-12345));
    expect(formatCount(1999.9)).toBe(locale.format(1999));
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
