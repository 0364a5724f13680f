import type { Stage, UserRecord } from './api/bindings';
import { STAGES } from './stages';

export type SortKey = 'created' | 'name' | 'country' | 'status' | 'stage';

export interface RosterQuery {
  /** Matches name, e-mail or external user id, case-insensitively. */
  search: string;
  stage: Stage | '';
  status: string;
  country: string;
  sort: SortKey;
  descending: boolean;
}

export const EMPTY_QUERY: RosterQuery = {
  search: '',
  stage: '',
  status: '',
  country: '',
  sort: 'created',
  descending: true,
};

/** The lower-cased text a search runs over, made once per row (10,000 rows, every keystroke). */
const haystacks = new WeakMap<UserRecord, string>();
function haystack(u: UserRecord): string {
  let h = haystacks.get(u);
  if (h === undefined) {
    h = [u.firstName, u.lastName, u.email, u.externalUserId].filter(Boolean).join(' ').toLowerCase();
    haystacks.set(u, h);
  }
  return h;
}

const nameKey = (u: UserRecord) => `${u.lastName ?? ''} ${u.firstName ?? ''}`.toLowerCase();

const COMPARE: Record<SortKey, (a: UserRecord, b: UserRecord) => number> = {
  created: (a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0),
  name: (a, b) => nameKey(a).localeCompare(nameKey(b)),
  country: (a, b) => (a.country ?? '').localeCompare(b.country ?? ''),
  status: (a, b) => a.status.localeCompare(b.status),
  stage: (a, b) => STAGES.indexOf(a.stage) - STAGES.indexOf(b.stage),
};

/**
 * The roster in display order. Sorting is the expensive part, so it runs only when the rows or
 * the sort change, not on every keystroke; the search text of each row is made here too, so the
 * first keystroke does not pay for it.
 */
export function sortRoster(users: UserRecord[], sort: SortKey, descending: boolean): UserRecord[] {
  const cmp = COMPARE[sort];
  // Ties keep the roster's order (newest first), so equal rows do not jump around.
  const indexed = users.map((u, i) => {
    haystack(u);
    return [u, i] as const;
  });
  indexed.sort(([a, ia], [b, ib]) => (descending ? cmp(b, a) : cmp(a, b)) || ia - ib);
  return indexed.map(([u]) => u);
}

/** The sorted rows that match the search and filters, in the same order. */
export function filterRoster(sorted: UserRecord[], q: RosterQuery): UserRecord[] {
  const terms = q.search.toLowerCase().split(/\s+/).filter(Boolean);
  if (!terms.length && !q.stage && !q.status && !q.country) return sorted;
  return sorted.filter(
    (u) =>
      (!q.stage || u.stage === q.stage) &&
      (!q.status || u.status === q.status) &&
      (!q.country || u.country === q.country) &&
      terms.every((t) => haystack(u).includes(t)),
  );
}

/** The rows to show, filtered and sorted. Pure, so the 10,000-row case is tested without a DOM. */
export function queryRoster(users: UserRecord[], q: RosterQuery): UserRecord[] {
  return filterRoster(sortRoster(users, q.sort, q.descending), q);
}

/** The distinct values of a column, sorted, for a filter's options. */
export function distinct(users: UserRecord[], pick: (u: UserRecord) => string | null): string[] {
  const set = new Set<string>();
  for (const u of users) {
    const v = pick(u);
    if (v) set.add(v);
  }
  return [...set].sort();
}
