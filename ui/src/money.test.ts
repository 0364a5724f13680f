import { describe, expect, it } from 'vitest';
import { amountProblem, currencyPrecision, formatAmount, sameAmount } from './money';

describe('currencyPrecision', () => {
  it("follows P100's amounts: 2 for fiat, 6 for stablecoins, 8 for the other crypto", () => {
    expect(currencyPrecision('eur')).toBe(2);
    expect(currencyPrecision('PLN')).toBe(2);
    expect(currencyPrecision('usdt')).toBe(6);
    expect(currencyPrecision('USDC')).toBe(6);
    expect(currencyPrecision('btc')).toBe(8);
    expect(currencyPrecision('pol')).toBe(8);
  });
});

describe('formatAmount', () => {
  it('groups in the locale and pads to the precision, without going through a float', () => {
    expect(formatAmount('1234.5', 'eur', 'en-US')).toBe('1,234.50');
    expect(formatAmount('1234.5', 'eur', 'de-DE')).toBe('1.234,50');
    expect(formatAmount('0', 'eur', 'en-US')).toBe('0.00');
    expect(formatAmount('0.1', 'btc', 'en-US')).toBe('0.10000000');
    expect(formatAmount('12345678901234567890.123456', 'usdt', 'en-US')).toBe('12,345,678,901,234,567,890.123456');
    expect(formatAmount('-5', 'usdc', 'en-US')).toBe('-5.000000');
  });

  it('keeps every digit P100 gave, even beyond the precision', () => {
    expect(formatAmount('1.239', 'eur', 'en-US')).toBe('1.239');
  });

  it('shows what is not a decimal string as it came', () => {
    expect(formatAmount('1e3', 'eur', 'en-US')).toBe('1e3');
    expect(formatAmount('', 'eur', 'en-US')).toBe('');
    expect(formatAmount('12,50', 'eur', 'en-US')).toBe('12,50');
  });
});

describe('amountProblem', () => {
  it("takes a point or a comma and refuses what the desk's rule refuses, at the currency's places", () => {
    expect(amountProblem('12.50', 'eur')).toBeNull();
    expect(amountProblem(' 12,5 ', 'eur')).toBeNull();
    expect(amountProblem('0.00000001', 'btc')).toBeNull();
    expect(amountProblem('12.345', 'eur')).toBe('At most 2 decimal places for EUR');
    expect(amountProblem('1.1234567', 'usdc')).toBe('At most 6 decimal places for USDC');
    for (const bad of ['', 'abc', '-5', '1e3', '1.2.3', '.']) expect(amountProblem(bad, 'eur')).toBe('A number such as 12.50');
    expect(amountProblem('0', 'eur')).toBe('More than 0');
    expect(sameAmount('12,50', ' 12.50')).toBe(true);
    expect(sameAmount('12.5', '12.50')).toBe(false);
  });
});
