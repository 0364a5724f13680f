import type { Transaction } from './api/bindings';

export const CSV_COLUMNS = ['id', 'createdAt', 'type', 'status', 'currency', 'amount', 'description'] as const;

// A cell starting with one of these is run as a formula by spreadsheet programs; a leading
// apostrophe makes them show it as text (OWASP's advice for CSV injection).
const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV cell: quoted when it holds a quote, comma or line break, with quotes doubled. */
export function csvCell(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** RFC 4180 CSV (CRLF line ends) with a header row, in the column order above. */
export function toCsv(transactions: readonly Transaction[]): string {
  const rows = [
    CSV_COLUMNS.join(','),
    ...transactions.map((t) => CSV_COLUMNS.map((c) => csvCell(String(t[c]))).join(',')),
  ];
  return `${rows.join('\r\n')}\r\n`;
}
