import { useMemo, useRef, useState } from 'preact/hooks';
import type { EnvironmentInfo, UserRecord } from '../api/bindings';
import { ErrorBanner } from '../components/ErrorBanner';
import { StageBadge } from '../components/StageBadge';
import { Select } from '../components/Select';
import { plainOptions } from '../labels';
import { StatusBadge } from '../components/StatusBadge';
import { TrackUsers } from '../components/TrackUsers';
import { formatCount, formatDate, fullName } from '../format';
import { distinct, filterRoster, sortRoster, type RosterQuery, type SortKey } from '../rosterQuery';
import { STAGES, STAGE_LABELS } from '../stages';
import type { RosterState } from '../useRoster';

/** Every row is this tall (styles.css `.roster-row`), so the visible slice is arithmetic. */
export const ROW_HEIGHT = 44;
/** Rows drawn above and below the visible ones, so fast scrolling shows no blank band. */
const OVERSCAN = 10;
/** Rows drawn before the list has measured itself (jsdom never does). */
const INITIAL_ROWS = 40;

const STAGE_OPTIONS = STAGES.map((value) => ({ value, label: STAGE_LABELS[value] }));

const COLUMNS: Array<{ key: SortKey | null; label: string }> = [
  { key: 'name', label: 'Name' },
  { key: null, label: 'Email' },
  { key: 'country', label: 'Country' },
  { key: 'status', label: 'Status' },
  { key: 'stage', label: 'Stage' },
  { key: 'created', label: 'Created' },
  { key: null, label: 'External user ID' },
];

export function Roster({
  env,
  roster,
  query,
  onQuery,
  onOpen,
}: {
  env: EnvironmentInfo | null;
  roster: RosterState;
  /** Kept by the shell, so leaving the roster (to a user and back) keeps the search. */
  query: RosterQuery;
  onQuery: (q: RosterQuery) => void;
  onOpen: (user: UserRecord) => void;
}) {
  const { users, error, loading, reload } = roster;
  const all = useMemo(() => users ?? [], [users]);
  const sorted = useMemo(() => sortRoster(all, query.sort, query.descending), [all, query.sort, query.descending]);
  const rows = useMemo(() => filterRoster(sorted, query), [sorted, query]);
  const statuses = useMemo(() => distinct(all, (u) => u.status), [all]);
  const countries = useMemo(() => distinct(all, (u) => u.country), [all]);
  const set = (patch: Partial<RosterQuery>) => onQuery({ ...query, ...patch });

  const [tracking, setTracking] = useState(false);
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(0);
  const visible = viewport > 0 ? Math.ceil(viewport / ROW_HEIGHT) : INITIAL_ROWS;
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(rows.length, first + visible + 2 * OVERSCAN);
  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    setScrollTop(el.scrollTop);
    setViewport(el.clientHeight);
  };

  const sortBy = (key: SortKey) =>
    set(query.sort === key ? { descending: !query.descending } : { sort: key, descending: key === 'created' });

  return (
    <section class="screen roster-screen" aria-labelledby="roster-title">
      <div class="screen-head">
        <h1 id="roster-title">Users</h1>
        {env && <span class="muted">{env.label}</span>}
        <button type="button" class="secondary" onClick={() => void reload()} disabled={loading || !env}>
          {loading ? 'Loading…' : 'Reload'}
        </button>
        <button type="button" class="secondary" data-testid="track-open" onClick={() => setTracking(true)} disabled={!env}>
          Track existing users…
        </button>
      </div>
      {tracking && <TrackUsers onClose={() => setTracking(false)} onTracked={() => void reload()} />}
      <div class="roster-filters" role="search">
        <label>
          <span>Search</span>
          <input
            type="search"
            data-testid="roster-search"
            placeholder="Name, e-mail or external id"
            value={query.search}
            onInput={(e) => set({ search: e.currentTarget.value })}
          />
        </label>
        <label>
          <span>Stage</span>
          <Select
            id="roster-stage"
            name="stage"
            data-testid="roster-stage"
            options={STAGE_OPTIONS}
            placeholder="All stages"
            value={query.stage}
            onChange={(stage) => set({ stage })}
          />
        </label>
        <label>
          <span>Status</span>
          <Select
            id="roster-status-filter"
            name="status"
            data-testid="roster-status-filter"
            options={plainOptions(statuses)}
            placeholder="All statuses"
            value={query.status}
            onChange={(status) => set({ status })}
          />
        </label>
        <label>
          <span>Country</span>
          <Select
            id="roster-country"
            name="country"
            data-testid="roster-country"
            options={plainOptions(countries)}
            placeholder="All countries"
            value={query.country}
            onChange={(country) => set({ country })}
          />
        </label>
        <span class="muted roster-count" data-testid="roster-count" aria-live="polite">
          {users === null ? '' : `${formatCount(rows.length)} of ${formatCount(all.length)}`}
        </span>
      </div>
      <ErrorBanner error={error} testId="roster-error" />
      <div class="table-wrap roster-scroll" aria-busy={loading} ref={scroller} onScroll={onScroll} data-testid="roster-scroll">
        {users === null ? (
          <p class="placeholder">{error ? '' : 'Loading users…'}</p>
        ) : all.length === 0 ? (
          <p class="empty" data-testid="roster-empty">
            No users in {env?.label ?? 'this environment'} yet. Create one with “New user”.
          </p>
        ) : (
          <table data-testid="roster" class="roster-table" aria-rowcount={rows.length + 1}>
            <thead>
              <tr>
                {COLUMNS.map((c) => (
                  <th
                    key={c.label}
                    scope="col"
                    aria-sort={
                      c.key && query.sort === c.key ? (query.descending ? 'descending' : 'ascending') : undefined
                    }
                  >
                    {c.key ? (
                      <button type="button" class="sort" data-testid={`sort-${c.key}`} onClick={() => sortBy(c.key as SortKey)}>
                        {c.label}
                        {query.sort === c.key ? (query.descending ? ' ▼' : ' ▲') : ''}
                      </button>
                    ) : (
                      c.label
                    )}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {first > 0 && (
                <tr class="spacer" aria-hidden="true" style={{ height: `${first * ROW_HEIGHT}px` }} />
              )}
              {rows.slice(first, last).map((u, i) => (
                // Keyed by slot, not by user: a keystroke then rewrites the text of the rows on
                // screen instead of tearing them down and building new ones (half the script time).
                <Row key={first + i} u={u} index={first + i} onOpen={onOpen} />
              ))}
              {last < rows.length && (
                <tr class="spacer" aria-hidden="true" style={{ height: `${(rows.length - last) * ROW_HEIGHT}px` }} />
              )}
            </tbody>
          </table>
        )}
        {users !== null && all.length > 0 && rows.length === 0 && (
          <p class="empty" data-testid="roster-no-match">
            No user matches these filters.
          </p>
        )}
      </div>
    </section>
  );
}

function Row({ u, index, onOpen }: { u: UserRecord; index: number; onOpen: (user: UserRecord) => void }) {
  const name = fullName(u);
  const deleted = u.deletedAt !== null;
  // The whole row opens the user for the mouse; the button inside is the keyboard's way.
  return (
    <tr
      class={`roster-row${deleted ? ' deleted' : ''}`}
      aria-rowindex={index + 2}
      data-testid="roster-row"
      data-external-user-id={u.externalUserId}
      onClick={(e) => {
        // Selecting text (to copy an id) is not a click on the row.
        if ((e.target as Element).closest('button') || window.getSelection()?.toString()) return;
        onOpen(u);
      }}
    >
      <td data-testid="roster-name">
        <button
          type="button"
          class="link"
          data-testid="roster-open"
          aria-label={`Open ${name || u.email || u.externalUserId}`}
          onClick={() => onOpen(u)}
        >
          {name || <span class="muted">(no name)</span>}
        </button>
      </td>
      <td data-testid="roster-email">{u.email ?? ''}</td>
      <td>{u.country ?? ''}</td>
      <td data-testid="roster-status">
        {deleted ? (
          <span class="badge deleted" title={`Deleted ${u.deletedAt}`}>
            Deleted
          </span>
        ) : (
          <StatusBadge status={u.status} />
        )}
      </td>
      <td data-testid="roster-stage-cell">
        <StageBadge stage={u.stage} />
      </td>
      <td>
        <time dateTime={u.createdAt} title={u.createdAt}>
          {formatDate(u.createdAt)}
        </time>
      </td>
      <td>
        <code class="ext-id" title={u.externalUserId}>
          {u.externalUserId}
        </code>
      </td>
    </tr>
  );
}
