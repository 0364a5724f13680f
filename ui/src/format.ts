import type { UserRecord } from './api/bindings';

// Made once: `toLocaleString` with options builds a new formatter on every call, which in
// WebKit was most of the roster's per-keystroke script time (60 rows' dates each repaint).
// And made on first use, not as the script loads: building it costs WebKit 6–9 ms, which an
// empty first screen (a new install) need not wait for.
let dateTime: Intl.DateTimeFormat | null = null;

export function formatDate(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  dateTime ??= new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'short' });
  return dateTime.format(d);
}

let count: Intl.NumberFormat | null = null;

/**
 * A count in the OS locale ("10,000", "10.000", "10 000"). Made on first use, like the dates'
 * formatter: ICU's set-up (5–6 ms in WebKit) is paid once, by whichever draws first.
 */
export function formatCount(n: number): string {
  count ??= new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
  return count.format(Math.trunc(n));
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

export const fullName = (u: Pick<UserRecord, 'firstName' | 'lastName'>): string =>
  [u.firstName, u.lastName].filter(Boolean).join(' ');

/** What to call the user in a heading or a toast: the name, else the e-mail, else the id. */
export const displayName = (u: UserRecord): string => fullName(u) || u.email || u.externalUserId;
