import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { useBackend } from '../api/backend';
import type { EnvironmentInfo, Tag, UserRecord } from '../api/bindings';
import { MarksFilters, TagChips, useMarks } from '../components/Marks';
import { ErrorBanner } from '../components/ErrorBanner';
import { StageBadge } from '../components/StageBadge';
import { Select } from '../components/Select';
import { plainOptions, userStatusOptions } from '../labels';
import { StatusBadge } from '../components/StatusBadge';
import { ImportJobs } from '../components/ImportJobs';
import { ImportUsers } from '../components/ImportUsers';
import { TrackUsers } from '../components/TrackUsers';
import { formatCount, fullName } from '../format';
import { When } from '../components/When';
import type { RosterQuery, SortKey } from '../rosterQuery';
import { STAGES, STAGE_LABELS } from '../stages';
import { useDelayed } from '../useDelayed';
import { useLiveAnswer, type RosterState } from '../useRoster';

/** Every row is this tall (styles.css `.roster-row`), so the visible slice is arithmetic. */
export const ROW_HEIGHT = 44;
/** Rows drawn above and below the visible ones, so fast scrolling shows no blank band. */
const OVERSCAN = 10;
/** Rows drawn before the list has measured itself (jsdom never does). */
const INITIAL_ROWS = 40;
/** How long the store may take before the roster looks busy. */
const BUSY_AFTER_MS = 300;

/** Asked of the roster from outside (the palette, `/`); a new `seq` is a new ask. */
export interface RosterAction {
  kind: 'search' | 'track' | 'import';
  seq: number;
}

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
  notify,
  action = null,
  onActionTaken,
}: {
  env: EnvironmentInfo | null;
  roster: RosterState;
  /** Kept by the shell, so leaving the roster (to a user and back) keeps the search. */
  query: RosterQuery;
  onQuery: (q: RosterQuery) => void;
  onOpen: (user: UserRecord) => void;
  notify: (kind: 'success' | 'error', text: string) => void;
  action?: RosterAction | null;
  /** The ask is done: a later visit to the roster does not take it again. */
  onActionTaken?: () => void;
}) {
  const backend = useBackend();
  const { matching, total, row, show, error, loading, reload, version } = roster;
  // Dimmed only when an answer is slow: a dimmed table is a full repaint of it, twice per key.
  const busy = useDelayed(loading, BUSY_AFTER_MS);
  const facets = useLiveAnswer(env, useCallback(() => backend.call('users_facets'), [backend]));
  const statuses = facets.answer?.statuses ?? [];
  const countries = facets.answer?.countries ?? [];
  const marks = useMarks(env);
  const set = (patch: Partial<RosterQuery>) => onQuery({ ...query, ...patch });

  const [tracking, setTracking] = useState(false);
  const [importing, setImporting] = useState(false);
  // Bumped when this window starts an import, so its progress is read at once.
  const [imports, setImports] = useState(0);
  const scroller = useRef<HTMLDivElement>(null);
  const searchBox = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (!action) return;
    if (action.kind === 'search') searchBox.current?.focus();
    else if (action.kind === 'track') setTracking(true);
    else setImporting(true);
    onActionTaken?.();
  }, [action, onActionTaken]);

  // Arrow keys move between the rows' open buttons (Enter opens); from the search box, Down
  // enters the list. The rows drawn reach OVERSCAN beyond the screen, so the next one is there.
  // Both read only refs, so they never change: the rows drawn with them need not be redrawn.
  const focusRow = useCallback((rowIndex: number) => {
    const button = scroller.current?.querySelector<HTMLElement>(`tr[aria-rowindex="${rowIndex}"] [data-testid="roster-open"]`);
    if (!button) return false;
    button.focus();
    button.closest('tr')?.scrollIntoView?.({ block: 'nearest' }); // (jsdom does not scroll)
    return true;
  }, []);
  /** On a row's open button: Up and Down move to the next row's (Up from the first, to search). */
  const onRowKey = useCallback(
    (e: KeyboardEvent) => {
      if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
      const row = (e.target as Element).closest('tr[aria-rowindex]');
      if (!row) return;
      const next = Number(row.getAttribute('aria-rowindex')) + (e.key === 'ArrowDown' ? 1 : -1);
      if (next < 2) searchBox.current?.focus();
      else focusRow(next);
      e.preventDefault();
    },
    [focusRow],
  );
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(0);
  const count = matching ?? 0;
  const visible = viewport > 0 ? Math.ceil(viewport / ROW_HEIGHT) : INITIAL_ROWS;
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(count, first + visible + 2 * OVERSCAN);
  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    setScrollTop(el.scrollTop);
    setViewport(el.clientHeight);
  };
  // The list's height is known before the first paint: only the rows that fit are drawn.
  const loaded = matching !== null;
  useLayoutEffect(() => {
    const height = scroller.current?.clientHeight ?? 0;
    if (height > 0) setViewport(height);
  }, [loaded]);
  // The rows on screen, made again only when the store answered or the window moved: a
  // keystroke redraws the search box, not the rows (the same elements are skipped).
  const drawnRows = useMemo(
    () =>
      Array.from({ length: last - first }, (_, i) => {
        const u = row(first + i);
        // Keyed by slot, not by user: an answer rewrites the text of the rows on screen instead
        // of tearing them down and building new ones.
        return u ? (
          <Row key={first + i} u={u} index={first + i} onOpen={onOpen} onKey={onRowKey} tags={marks.tags} />
        ) : (
          <tr key={first + i} class="roster-row pending" aria-rowindex={first + i + 2}>
            <td colSpan={COLUMNS.length} class="muted">
              Loading…
            </td>
          </tr>
        );
      }),
    // `version` counts the answers: a new one may have changed any row (`row` reads a ref).
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `version` is the point, see above
    [first, last, row, onOpen, onRowKey, version, marks.tags],
  );

  // The pages under the rows on screen; those already here are not asked again.
  useEffect(() => show(first, last), [show, first, last]);
  // The moment the store's first answer is drawn, for the first-paint bench (bench/roster-paint.mjs).
  const drawn = matching !== null;
  useEffect(() => {
    if (drawn && !performance.getEntriesByName('roster-drawn').length) performance.mark('roster-drawn');
  }, [drawn]);
  // A new question starts at its first row.
  useEffect(() => {
    if (scroller.current) scroller.current.scrollTop = 0;
    setScrollTop(0);
  }, [query]);

  const sortBy = (key: SortKey) =>
    set(query.sort === key ? { descending: !query.descending } : { sort: key, descending: key === 'created' });

  return (
    <section class="screen roster-screen" aria-labelledby="roster-title">
      <div class="screen-head">
        <h1 id="roster-title">Users</h1>
        {env && <span class="muted">{env.label}</span>}
        <button type="button" class="secondary" onClick={reload} disabled={busy || !env}>
          {busy ? 'Loading…' : 'Reload'}
        </button>
        <button type="button" class="secondary" data-testid="track-open" onClick={() => setTracking(true)} disabled={!env}>
          Track existing users…
        </button>
        <button type="button" class="secondary" data-testid="import-open" onClick={() => setImporting(true)} disabled={!env}>
          Import from CSV…
        </button>
      </div>
      {tracking && <TrackUsers onClose={() => setTracking(false)} onTracked={reload} />}
      {importing && (
        <ImportUsers
          notify={notify}
          onClose={() => setImporting(false)}
          onStarted={(job) => {
            setImporting(false);
            setImports((n) => n + 1);
            notify('success', `Importing ${formatCount(job.rows)} rows from ${job.fileName}`);
          }}
        />
      )}
      <ImportJobs env={env} version={imports} notify={notify} />
      <div class="roster-filters" role="search">
        <label>
          <span>Search</span>
          <input
            type="search"
            data-testid="roster-search"
            placeholder="Name, e-mail, id, tag or note   ( / )"
            aria-keyshortcuts="/"
            ref={searchBox}
            value={query.search}
            onInput={(e) => set({ search: e.currentTarget.value })}
            onKeyDown={(e) => {
              if (e.key === 'ArrowDown' && focusRow(2)) e.preventDefault();
            }}
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
            options={userStatusOptions(statuses)}
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
        <MarksFilters
          prefix="roster"
          tag={query.tag}
          whose={query.whose}
          onTag={(tag) => set({ tag })}
          onWhose={(whose) => set({ whose })}
          tags={marks.tags}
          operators={marks.operators}
        />
        <span class="muted roster-count" data-testid="roster-count" aria-live="polite">
          {matching === null || total === null ? '' : `${formatCount(matching)} of ${formatCount(total)}`}
        </span>
      </div>
      <ErrorBanner error={error ?? facets.error ?? marks.error} testId="roster-error" />
      <div class="table-wrap roster-scroll" aria-busy={busy} ref={scroller} onScroll={onScroll} data-testid="roster-scroll">
        {matching === null ? (
          <p class="placeholder">{error ? '' : 'Loading users…'}</p>
        ) : total === 0 ? (
          <p class="empty" data-testid="roster-empty">
            No users in {env?.label ?? 'this environment'} yet. Create one with “New user”.
          </p>
        ) : (
          // `data-answer` counts the store's answers drawn: the filter bench waits for it.
          <table data-testid="roster" class="roster-table" aria-rowcount={count + 1} data-answer={version}>
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
              {drawnRows}
              {last < count && (
                <tr class="spacer" aria-hidden="true" style={{ height: `${(count - last) * ROW_HEIGHT}px` }} />
              )}
            </tbody>
          </table>
        )}
        {total !== null && total > 0 && matching === 0 && (
          <p class="empty" data-testid="roster-no-match">
            No user matches these filters.
          </p>
        )}
      </div>
    </section>
  );
}

function Row({
  u,
  index,
  onOpen,
  onKey,
  tags,
}: {
  u: UserRecord;
  index: number;
  onOpen: (user: UserRecord) => void;
  onKey: (e: KeyboardEvent) => void;
  tags: Tag[];
}) {
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
          title={name || undefined}
          onClick={() => onOpen(u)}
          onKeyDown={onKey}
        >
          {name || <span class="muted">(no name)</span>}
        </button>
        <TagChips names={u.tags} tags={tags} />
      </td>
      <td data-testid="roster-email">
        <span class="cell" title={u.email ?? undefined}>
          {u.email ?? ''}
        </span>
      </td>
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
        <When iso={u.createdAt} />
      </td>
      <td>
        <code class="ext-id" title={u.externalUserId}>
          {u.externalUserId}
        </code>
      </td>
    </tr>
  );
}
