// The fake backend's roster store, for the UI unit tests ONLY: the search, filters, sort and
// pages that the real store (SQLite's FTS5, PostgreSQL's trigram index; tested in Rust) answers,
// done over an array so the screens can be tested without Tauri.
import type {
  AssigneeFilter,
  BoardColumn,
  BoardFilter,
  RosterFacets, RosterPage, RosterQuery, RosterSort, UserRecord, UserStatus } from './bindings';
import { STAGES } from '../stages';

/** The fake's operator: who "mine" means. */
export const FAKE_OPERATOR = 'ada';

const haystack = (u: UserRecord) =>
  [u.firstName, u.lastName, u.email, u.externalUserId, ...u.tags].filter(Boolean).join(' ').toLowerCase();

const whose = (u: UserRecord, a: AssigneeFilter | undefined) =>
  a === undefined ||
  (a === 'me' ? u.assignee === FAKE_OPERATOR : a === 'nobody' ? u.assignee === null : u.assignee === a.operator);

const kept = (u: UserRecord, f: BoardFilter) => (!f.tag || u.tags.includes(f.tag)) && whose(u, f.assignee);
const nameKey = (u: UserRecord) => `${u.lastName ?? ''} ${u.firstName ?? ''}`.toLowerCase();
const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const COMPARE: Record<RosterSort, (a: UserRecord, b: UserRecord) => number> = {
  created: (a, b) => text(a.createdAt, b.createdAt),
  name: (a, b) => text(nameKey(a), nameKey(b)),
  country: (a, b) => text(a.country ?? '', b.country ?? ''),
  status: (a, b) => text(a.status, b.status),
  stage: (a, b) => STAGES.indexOf(a.stage) - STAGES.indexOf(b.stage),
  waiting: (a, b) => text(a.stageSince, b.stageSince),
};

/** One page of `users` (newest first) as `q` asks. */
export function answerRoster(users: UserRecord[], q: RosterQuery): RosterPage {
  const terms = q.search.toLowerCase().split(/\s+/).filter(Boolean);
  const cmp = COMPARE[q.sort];
  const matching = users
    .map((u, i) => [u, i] as const)
    .filter(
      ([u]) =>
        (!q.stage || u.stage === q.stage) &&
        (!q.status || u.status === q.status) &&
        (!q.country || u.country === q.country) &&
        kept(u, q) &&
        terms.every((t) => haystack(u).includes(t)),
    )
    // Ties keep the roster's order (newest first), as the store's do.
    .sort(([a, ia], [b, ib]) => (q.descending ? cmp(b, a) : cmp(a, b)) || ia - ib)
    .map(([u]) => u);
  return {
    total: users.length,
    matching: matching.length,
    offset: q.offset,
    rows: matching.slice(q.offset, q.offset + q.limit),
  };
}

/** The board: each stage's count and its 25 longest-waiting users. */
export function answerBoard(users: UserRecord[], filter: BoardFilter = {}): BoardColumn[] {
  return STAGES.map((stage) => {
    const list = users.filter((u) => u.stage === stage && kept(u, filter)).sort((a, b) => text(a.stageSince, b.stageSince));
    return { stage, count: list.length, cards: list.slice(0, 25) };
  });
}

/** The statuses and countries `users` have, sorted. */
export function answerFacets(users: UserRecord[]): RosterFacets {
  const statuses = new Set<UserStatus>(users.map((u) => u.status));
  const countries = new Set(users.flatMap((u) => (u.country ? [u.country] : [])));
  return { statuses: [...statuses].sort(), countries: [...countries].sort() };
}
