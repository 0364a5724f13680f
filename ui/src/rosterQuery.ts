import { assigneeFilter } from './components/Marks';
import type { RosterSort, RosterQuery as StoreQuery, Stage, UserStatus } from './api/bindings';

export type SortKey = RosterSort;

/** Rows asked of the store at once: a screenful and its overscan, a few times over. */
export const PAGE = 100;

/** What the roster screen asks, as its controls hold it ('' is "all"). */
export interface RosterQuery {
  /** Matches name, e-mail, external user id, tags and notes, case-insensitively. */
  search: string;
  stage: Stage | '';
  status: string;
  country: string;
  tag: string;
  /** Whose users: '' anyone's, `me`, `nobody`, `operator:<name>` (see `assigneeFilter`). */
  whose: string;
  sort: SortKey;
  descending: boolean;
}

export const EMPTY_QUERY: RosterQuery = {
  search: '',
  stage: '',
  status: '',
  country: '',
  tag: '',
  whose: '',
  sort: 'created',
  descending: true,
};

/** The question as the store takes it: rows `offset` to `offset + limit` of the answer. */
export function storeQuery(q: RosterQuery, offset: number, limit: number): StoreQuery {
  return {
    search: q.search,
    stage: q.stage || null,
    status: (q.status || null) as UserStatus | null,
    country: q.country || null,
    ...(q.tag ? { tag: q.tag } : {}),
    ...(assigneeFilter(q.whose) ? { assignee: assigneeFilter(q.whose) } : {}),
    sort: q.sort,
    descending: q.descending,
    offset,
    limit,
  };
}

/** Whether `q` is the roster's first screen (every user, newest first), which boot asks early. */
export function isFirstScreen(q: RosterQuery): boolean {
  return (
    !q.search &&
    !q.stage &&
    !q.status &&
    !q.country &&
    !q.tag &&
    !q.whose &&
    q.sort === EMPTY_QUERY.sort && q.descending === EMPTY_QUERY.descending
  );
}
