import type { JournalEntry, RowResult, Transaction } from './api/bindings';

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
  return table(CSV_COLUMNS, transactions);
}

export const JOURNAL_COLUMNS = [
  'at',
  'operator',
  'environment',
  'operation',
  'target',
  'outcome',
  'p100Code',
  'httpStatus',
  'durationMs',
  'message',
] as const;

/** The journal as CSV, same rules; empty cells for what is not known. */
export function journalCsv(entries: readonly JournalEntry[]): string {
  return table(JOURNAL_COLUMNS, entries);
}

function table<T, K extends keyof T>(columns: readonly K[], rows: readonly T[]): string {
  const lines = [
    columns.join(','),
    ...rows.map((r) => columns.map((c) => csvCell(r[c] === null || r[c] === undefined ? '' : String(r[c]))).join(',')),
  ];
  return `${lines.join('\r\n')}\r\n`;
}

export const IMPORT_RESULT_COLUMNS = ['row', 'externalUserId', 'outcome', 'fields', 'message'] as const;

/** An import's row results (or its dry run's refusals) as CSV, the refused fields space-separated. */
export function importResultsCsv(rows: readonly RowResult[]): string {
  return table(
    IMPORT_RESULT_COLUMNS,
    rows.map((r) => ({ ...r, fields: r.fields.map((f) => f || '(row)').join(' ') })),
  );
}
