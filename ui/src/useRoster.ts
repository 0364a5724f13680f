import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { toCommandError, useBackend } from './api/backend';
import { useBoot } from './boot';
import type { CommandError, EnvironmentInfo, RosterPage, UserRecord } from './api/bindings';
import { PAGE, isFirstScreen, storeQuery, type RosterQuery } from './rosterQuery';
import { useSubscription } from './useSubscription';

/** Pages kept on either side of the ones on screen. */
const KEPT_AROUND = 3;
/** A burst of changes (an import, a storm of webhooks) is read again once, after it settles. */
const SETTLE_MS = 250;
/**
 * First pages of recent questions kept to answer them again at once (Backspace back to a word
 * just typed, a filter toggled back): at most this many, for at most `RECENT_MS`, and all of them
 * forgotten at any change to the roster, so a kept answer is the one the store would give.
 */
const RECENT = 8;
const RECENT_MS = 30_000;

export interface RosterState {
  /** Users the search and filters match; `null` while the first answer is awaited. */
  matching: number | null;
  /** Users in the environment. */
  total: number | null;
  /** The row at `index` in the query's order, once its page has arrived. */
  row: (index: number) => UserRecord | undefined;
  /** Asks for the pages holding rows `first` to `last` (exclusive) that are not here yet. */
  show: (first: number, last: number) => void;
  error: CommandError | null;
  loading: boolean;
  reload: () => void;
  /** Puts a changed or new row in place (a command's answer), then reads the pages again. */
  upsert: (user: UserRecord) => void;
  /** Counts the answers applied: changes whenever what the roster shows may have changed. */
  version: number;
}

/**
 * The selected environment's roster as the store answers `query`, a page at a time: the webview
 * holds the pages it has drawn, never the whole roster. Live sync's `roster-changed` events put
 * a changed row in place at once, then read the loaded pages again (its place in the order, or
 * the counts, may have changed).
 */
export function useRoster(env: EnvironmentInfo | null, query: RosterQuery): RosterState {
  const backend = useBackend();
  const boot = useBoot();
  const kind = env?.kind;
  const [matching, setMatching] = useState<number | null>(null);
  const [total, setTotal] = useState<number | null>(null);
  const [error, setError] = useState<CommandError | null>(null);
  const [loading, setLoading] = useState(false);
  const [version, setVersion] = useState(0);
  // The pages of the current question; a new question (or environment) starts a new map, and
  // answers to an older one are dropped.
  const pages = useRef(new Map<number, UserRecord[]>());
  const asked = useRef(new Set<number>());
  const question = useRef(0);
  const recent = useRef(new Map<string, { at: number; answer: RosterPage }>());
  const asking = kind ? `${kind} ${JSON.stringify(storeQuery(query, 0, PAGE))}` : '';

  const apply = useCallback((q: number, page: number, answer: RosterPage) => {
    if (q !== question.current) return;
    pages.current.set(page, answer.rows);
    setMatching(answer.matching);
    setTotal(answer.total);
    setError(null);
    setVersion((v) => v + 1);
  }, []);

  const fetchPage = useCallback(
    (q: number, page: number) => {
      asked.current.add(page);
      // One mark each, replaced every time: where a keystroke's time goes (bench/roster-filter.mjs).
      mark('roster-asked');
      const first =
        page === 0 && kind && isFirstScreen(query) ? boot?.takeFirstPage(kind) : null;
      return (first ?? backend.call('users_query', { query: storeQuery(query, page * PAGE, PAGE) })).then(
        (answer) => {
          mark('roster-answered');
          if (page === 0 && q === question.current) remember(recent.current, asking, answer);
          apply(q, page, answer);
        },
        (e) => {
          if (q !== question.current) return;
          asked.current.delete(page);
          setError(toCommandError(e));
        },
      );
    },
    [apply, asking, backend, boot, kind, query],
  );

  // A new question, or a new environment: the first page, before the paint when it can be.
  useLayoutEffect(() => {
    if (!kind) return;
    const q = ++question.current;
    pages.current = new Map();
    asked.current = new Set();
    const kept = recent.current.get(asking);
    if (kept && performance.now() - kept.at < RECENT_MS) {
      // Asked and answered at once, for the bench's split of a key's time.
      mark('roster-asked');
      mark('roster-answered');
      asked.current.add(0);
      apply(q, 0, { ...kept.answer, rows: [...kept.answer.rows] });
      setLoading(false);
      return;
    }
    setLoading(true);
    void fetchPage(q, 0).finally(() => q === question.current && setLoading(false));
  }, [kind, fetchPage, apply, asking]);

  // Another environment's users must not linger under this one's name.
  useLayoutEffect(() => {
    setMatching(null);
    setTotal(null);
  }, [kind]);

  const show = useCallback(
    (first: number, last: number) => {
      const q = question.current;
      const from = Math.floor(first / PAGE);
      const to = Math.ceil(last / PAGE);
      for (let p = from; p < to; p++) {
        if (!asked.current.has(p)) void fetchPage(q, p);
      }
      // Pages far from the window are let go: scrolling through 100,000 users must not end
      // with all of them in the webview. They are asked again if the operator comes back.
      for (const p of [...asked.current]) {
        if (p < from - KEPT_AROUND || p >= to + KEPT_AROUND) {
          asked.current.delete(p);
          pages.current.delete(p);
        }
      }
    },
    [fetchPage],
  );

  /** Reads every page held again, in place: nothing blanks while the answers come. */
  const refresh = useCallback(() => {
    recent.current.clear();
    const q = question.current;
    const held = [...asked.current];
    setLoading(true);
    void Promise.all(held.length ? held.map((p) => fetchPage(q, p)) : [fetchPage(q, 0)]).finally(
      () => q === question.current && setLoading(false),
    );
  }, [fetchPage]);

  const refreshSoon = useSettled(refresh);

  /** Puts `user` in place where its row is held; whether it was. */
  const putInPlace = useCallback(
    (user: UserRecord) => {
      if (user.environment !== kind) return false;
      let found = false;
      for (const rows of pages.current.values()) {
        const i = rows.findIndex((u) => u.externalUserId === user.externalUserId);
        if (i >= 0) {
          rows[i] = user;
          found = true;
        }
      }
      if (found) setVersion((v) => v + 1);
      return true;
    },
    [kind],
  );

  // A command's answer: one change, read again at once (a new user appears in its place).
  const upsert = useCallback((user: UserRecord) => putInPlace(user) && refresh(), [putInPlace, refresh]);

  useSubscription(
    useCallback(
      () =>
        backend.onRosterChanged((record) => {
          recent.current.clear();
          if (!record || putInPlace(record)) refreshSoon();
        }),
      [backend, putInPlace, refreshSoon],
    ),
    (e) => setError(toCommandError(e)),
  );

  const row = useCallback((index: number) => pages.current.get(Math.floor(index / PAGE))?.[index % PAGE], []);

  return { matching, total, row, show, error, loading, reload: refresh, upsert, version };
}

/**
 * An answer about the selected environment that live sync can change (the board, the filters'
 * values): read when the environment changes, and again once a burst of changes settles.
 */
export function useLiveAnswer<T>(env: EnvironmentInfo | null, read: () => Promise<T>) {
  const backend = useBackend();
  const [answer, setAnswer] = useState<T | null>(null);
  const [error, setError] = useState<CommandError | null>(null);
  const latest = useRef(0);
  const kind = env?.kind;

  const load = useCallback(() => {
    const request = ++latest.current;
    read().then(
      (a) => {
        if (request !== latest.current) return;
        setAnswer(a);
        setError(null);
      },
      (e) => request === latest.current && setError(toCommandError(e)),
    );
  }, [read]);

  useEffect(() => {
    if (!kind) return;
    setAnswer(null);
    load();
  }, [kind, load]);

  const loadSoon = useSettled(load);
  useSubscription(
    useCallback(() => backend.onRosterChanged(loadSoon), [backend, loadSoon]),
    (e) => setError(toCommandError(e)),
  );
  return { answer, error, reload: load };
}

/**
 * `run`, once calls to the returned function have stopped for [`SETTLE_MS`]: a burst of changes
 * (an import, a storm of webhooks) is read again once. Nothing runs after the unmount.
 */
function useSettled(run: () => void): () => void {
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const latest = useRef(run);
  latest.current = run;
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);
  return useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      timer.current = null;
      latest.current();
    }, SETTLE_MS);
  }, []);
}

/** Keeps `answer` as the latest for `asking`, forgetting the oldest beyond [`RECENT`]. */
function remember(kept: Map<string, { at: number; answer: RosterPage }>, asking: string, answer: RosterPage) {
  kept.delete(asking);
  kept.set(asking, { at: performance.now(), answer: { ...answer, rows: [...answer.rows] } });
  if (kept.size > RECENT) kept.delete(kept.keys().next().value as string);
}

function mark(name: string) {
  performance.clearMarks(name);
  performance.mark(name);
}
