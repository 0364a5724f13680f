/**
 * Amounts as P100 writes them — decimal strings in a lower-case currency — shown in the OS
 * locale at the currency's precision.
 */

/**
 * Digits after the point per currency, as `p100::models::money::Currency::decimals` has them
 * (EUR 2; the stablecoins EURT, USDC, USDT 6; the other coins 8). Fiat P100 does not list takes
 * ISO 4217's usual 2.
 */
const PRECISION: Record<string, number> = { eurt: 6, usdc: 6, usdt: 6, btc: 8, doge: 8, eth: 8, ltc: 8, pol: 8 };

export const currencyPrecision = (currency: string): number => PRECISION[currency.toLowerCase()] ?? 2;

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

let grouping: { group: string; decimal: string } | null = null;

/** A locale's separators, read from Intl (the digits are grouped by threes below). */
function separatorsOf(locale?: string) {
  const parts = new Intl.NumberFormat(locale).formatToParts(1234567.5);
  return {
    group: parts.find((p) => p.type === 'group')?.value ?? ',',
    decimal: parts.find((p) => p.type === 'decimal')?.value ?? '.',
  };
}

/**
 * `"1234.5"` in EUR → `"1,234.50"` (en) or `"1.234,50"` (de): every digit P100 gave is kept —
 * the string is never a float — and padded to the currency's precision. Anything that is not a
 * decimal string is shown as it came, so nothing is hidden.
 */
export function formatAmount(amount: string, currency: string, locale?: string): string {
  const m = DECIMAL.exec(amount.trim());
  if (!m) return amount;
  const [, sign, whole, fraction = ''] = m;
  // The OS locale's, read once; another (the tests') each time.
  const { group, decimal } = locale ? separatorsOf(locale) : (grouping ??= separatorsOf());
  const digits = Math.max(currencyPrecision(currency), fraction.length);
  const grouped = whole.replace(/^0+(?=\d)/, '').replace(/\B(?=(\d{3})+$)/g, group);
  return `${sign}${grouped}${digits > 0 ? decimal + fraction.padEnd(digits, '0') : ''}`;
}

/**
 * What is wrong with an amount the operator typed for `currency` ("12.50" or "12,50"), if
 * anything: the desk's own rule (`p100::validate::money::parse_amount`), checked here first so
 * the field says it at once. `null` when it may be sent.
 */
export function amountProblem(typed: string, currency: string): string | null {
  const t = typed.trim().replace(',', '.');
  if (!/^\d*\.?\d*$/.test(t) || !/\d/.test(t)) return 'A number such as 12.50';
  const places = currencyPrecision(currency);
  const fraction = t.split('.')[1] ?? '';
  if (fraction.length > places) return `At most ${places} decimal places for ${currency.toUpperCase()}`;
  if (!(Number(t) > 0)) return 'More than 0';
  return null;
}

/** The same amount typed twice, however its decimal mark was written. */
export const sameAmount = (a: string, b: string) => a.trim().replace(',', '.') === b.trim().replace(',', '.');
