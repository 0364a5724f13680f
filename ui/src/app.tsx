import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { BackendContext, tauriBackend, toCommandError, useBackend, type Backend } from './api/backend';
import type { Admitted, CommandError, Country, EnvironmentInfo, EnvironmentKind, UserRecord } from './api/bindings';
import { BootContext, useBoot, type Boot } from './boot';
import { ENV_OPTIONS } from './environments';
import { CommandPalette, type Command } from './components/CommandPalette';
import { ErrorBanner } from './components/ErrorBanner';
import { OpenOperations } from './components/OpenOperations';
import { RetryBanner } from './components/RetryBanner';
import { KeyBanner } from './components/KeyBanner';
import { Toasts, stacked, type ToastMessage } from './components/Toast';
import { DropProvider } from './drops';
import { displayName } from './format';
import { EMPTY_QUERY, type RosterQuery } from './rosterQuery';
import { Board } from './screens/Board';
import { Journal } from './screens/Journal';
import { Roster, type RosterAction } from './screens/Roster';
import { useRoster } from './useRoster';
import { useSubscription } from './useSubscription';
import { Settings } from './screens/Settings';
import { UserDetail } from './screens/UserDetail';
import { UserForm, emptyDraft, type Draft } from './screens/UserForm';

/** `user` is the detail screen, reached from the roster rather than the nav. */
type Screen = 'board' | 'roster' | 'new-user' | 'journal' | 'settings' | 'user';

const SCREENS: Array<{ id: Exclude<Screen, 'user'>; label: string }> = [
  { id: 'roster', label: 'Users' },
  { id: 'board', label: 'Onboarding' },
  { id: 'new-user', label: 'New user' },
  { id: 'journal', label: 'Journal' },
  { id: 'settings', label: 'Settings' },
];

let toastSeq = 0;

/** Whether a key press is text going into a field, which `/` must not steal. */
function typing(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))
  );
}

/** A modal dialog is open: the page's shortcuts wait until it closes. */
const modalOpen = () => document.querySelector('dialog.modal[open]') !== null;

export function App({ backend = tauriBackend, boot = null }: { backend?: Backend; boot?: Boot | null }) {
  return (
    <BackendContext.Provider value={backend}>
      <BootContext.Provider value={boot}>
        <Shell />
      </BootContext.Provider>
    </BackendContext.Provider>
  );
}

function Shell() {
  const backend = useBackend();
  const boot = useBoot();
  const [screen, setScreen] = useState<Screen>('roster');
  const [env, setEnv] = useState<EnvironmentInfo | null>(null);
  const [loadError, setLoadError] = useState<CommandError | null>(null);
  const [countries, setCountries] = useState<Country[]>([]);
  const [countriesError, setCountriesError] = useState<CommandError | null>(null);
  // The draft lives here so that leaving the form does not throw away what was typed.
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [toasts, setToasts] = useState<ToastMessage[]>([]);
  // Each environment's last failed key test, for the banner on every screen.
  const [keyFailures, setKeyFailures] = useState<Partial<Record<EnvironmentKind, string>>>({});
  const onKeyTested = useCallback(
    (kind: EnvironmentKind, failure: string | null) =>
      setKeyFailures((was) => {
        const next = { ...was };
        if (failure === null) delete next[kind];
        else next[kind] = failure;
        return next;
      }),
    [],
  );
  // The user the detail screen shows; commands answer with the new record, which replaces it.
  const [detail, setDetail] = useState<UserRecord | null>(null);
  // Where the operator came from to a user, so "Back" returns there.
  const [from, setFrom] = useState<'roster' | 'board'>('roster');
  const [query, setQuery] = useState<RosterQuery>(EMPTY_QUERY);
  const roster = useRoster(env, query);
  const { upsert } = roster;
  const notify = useCallback(
    (kind: ToastMessage['kind'], text: string) => setToasts((list) => stacked(list, { id: ++toastSeq, kind, text })),
    [],
  );
  const [palette, setPalette] = useState(false);
  // Asks the roster for something from outside it (the palette, `/`); `seq` makes each ask new.
  const [rosterAction, setRosterAction] = useState<RosterAction | null>(null);
  const askRoster = useCallback((kind: RosterAction['kind']) => {
    setScreen('roster');
    setRosterAction((was) => ({ kind, seq: (was?.seq ?? 0) + 1 }));
  }, []);

  const actionTaken = useCallback(() => setRosterAction(null), []);

  // A new screen is announced and the keyboard starts at its top: focus goes to its heading,
  // unless the screen already put it somewhere inside (the roster's search after `/`).
  const shown = useRef(screen);
  useEffect(() => {
    if (shown.current === screen) return;
    shown.current = screen;
    const main = document.querySelector('main');
    if (main?.contains(document.activeElement) && document.activeElement !== main) return;
    const heading = main?.querySelector<HTMLElement>('h1');
    if (!heading) return;
    if (!heading.hasAttribute('tabindex')) heading.tabIndex = -1;
    heading.focus();
  }, [screen]);

  // Closing the window may only hide it to the tray: Quit is its own command.
  const quit = useCallback(
    () => void backend.call('app_quit').catch((e) => notify('error', toCommandError(e).message)),
    [backend, notify],
  );

  // Ctrl+K opens the palette anywhere, Ctrl+Q quits; `/` goes to the roster's search unless it
  // is typed.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.altKey || modalOpen()) return;
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        setPalette(true);
      } else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'q') {
        e.preventDefault();
        quit();
      } else if (e.key === '/' && !e.ctrlKey && !e.metaKey && !typing(e.target)) {
        e.preventDefault();
        askRoster('search');
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [askRoster, quit]);

  const dismissToast = useCallback((id: number) => setToasts((list) => list.filter((t) => t.id !== id)), []);

  const refreshEnv = useCallback(() => {
    (boot?.takeEnvironment() ?? backend.call('environment_get')).then(
      (info) => {
        setEnv(info);
        setLoadError(null);
      },
      (e) => setLoadError(toCommandError(e)),
    );
  }, [backend, boot]);

  // A layout effect: it runs before the first paint, so the environment's answer can be drawn
  // in the first frame.
  useLayoutEffect(() => refreshEnv(), [refreshEnv]);
  useEffect(() => {
    backend.call('countries_list').then(setCountries, (e) => setCountriesError(toCommandError(e)));
  }, [backend]);

  const switchEnv = async (kind: EnvironmentKind, select?: HTMLSelectElement) => {
    try {
      setEnv(await backend.call('environment_select', { kind, customUrl: null }));
    } catch (err) {
      // The state did not change, so put the control back by hand.
      if (env && select) select.value = env.kind;
      notify('error', toCommandError(err).message);
    }
  };
  const onHeaderEnv = (e: Event) => {
    const select = e.currentTarget as HTMLSelectElement;
    void switchEnv(select.value as EnvironmentKind, select);
  };

  // Live sync moves the open user too, not only the roster's row.
  useSubscription(
    useCallback(
      () =>
        backend.onRosterChanged((record) => {
          if (record) setDetail((d) => (d && d.externalUserId === record.externalUserId ? record : d));
        }),
      [backend],
    ),
  );

  const onCreated = (user: UserRecord) => {
    upsert(user);
    const name = [user.firstName ?? draft.firstName, user.lastName ?? draft.lastName].join(' ').trim();
    setDraft(emptyDraft());
    notify('success', `Created ${name}`);
    setScreen('roster');
  };

  // A user belongs to one environment: switching away leaves its detail screen.
  const envKind = env?.kind;
  useEffect(() => {
    if (envKind && detail && detail.environment !== envKind) {
      setDetail(null);
      setScreen((s) => (s === 'user' ? 'roster' : s));
    }
  }, [envKind, detail]);

  // Stable, so the roster's rows (memoized) are not drawn again on every keystroke.
  const screenNow = useRef(screen);
  screenNow.current = screen;
  const openUser = useCallback((user: UserRecord) => {
    setFrom(screenNow.current === 'board' ? 'board' : 'roster');
    setDetail(user);
    setScreen('user');
  }, []);

  // An answer may come after the operator moved on (an upload finishing): it only replaces the
  // record of the same user, and its toast shows wherever the operator is.
  const onUpdated = useCallback(
    (user: UserRecord, message: string) => {
      setDetail((d) => (d && d.externalUserId === user.externalUserId ? user : d));
      upsert(user);
      notify('success', message);
    },
    [notify, upsert],
  );

  const onDeleted = (user: UserRecord) => {
    upsert(user);
    notify('success', `Deleted ${displayName(user)}`);
    setDetail(null);
    setScreen('roster');
  };

  const onUnroutedDrop = useCallback(
    (admitted: Admitted) => {
      const names = [
        ...admitted.accepted.map((t) => t.name),
        ...admitted.rejected.map((r) => `${r.name} (${r.message})`),
      ];
      notify('error', `Open a user's upload panel to add files. Not used: ${names.join(', ')}`);
    },
    [notify],
  );
  const onDropListenError = useCallback(
    (e: CommandError) => notify('error', `Dropped files cannot be received: ${e.message}`),
    [notify],
  );

  const production = env?.isProduction ?? false;

  const commands: Command[] = [
    ...SCREENS.map((s) => ({ id: `go-${s.id}`, label: `Go to ${s.label}`, run: () => setScreen(s.id) })),
    { id: 'search', label: 'Search users', run: () => askRoster('search') },
    { id: 'track', label: 'Track existing users…', run: () => askRoster('track') },
    { id: 'import', label: 'Import users from CSV…', run: () => askRoster('import') },
    ...ENV_OPTIONS.filter((o) => o.kind !== env?.kind).map((o) => ({
      id: `env-${o.kind}`,
      label: `Switch to ${o.label}`,
      run: () => void switchEnv(o.kind),
    })),
    { id: 'quit', label: 'Quit Partner Desk (Ctrl+Q)', run: quit },
  ];

  return (
    <DropProvider onUnrouted={onUnroutedDrop} onListenError={onDropListenError}>
      <div class={`app${production ? ' production' : ''}`}>
        <header class="header">
          <span class="brand">Partner Desk</span>
          <label class="env-switch">
            <span>Environment</span>
            <select
              data-testid="env-select"
              value={env?.kind ?? ''}
              disabled={!env}
              onChange={onHeaderEnv}
            >
              {!env && <option value="">Loading…</option>}
              {ENV_OPTIONS.map((o) => (
                <option key={o.kind} value={o.kind}>
                  {o.label}
                </option>
              ))}
            </select>
          </label>
          <span class="base-url" title={env?.baseUrl ?? undefined}>
            {env ? (env.baseUrl ?? 'starting…') : ''}
          </span>
        </header>
        {production && (
          <div class="production-banner" data-testid="production-banner" role="note">
            PRODUCTION — real customers and money
          </div>
        )}
        <div class="body">
          <nav class="nav" aria-label="Main">
            {SCREENS.map((s) => (
              <button
                key={s.id}
                type="button"
                data-testid={`nav-${s.id}`}
                aria-current={screen === s.id || (s.id === from && screen === 'user') ? 'page' : undefined}
                onClick={() => setScreen(s.id)}
              >
                {s.label}
              </button>
            ))}
          </nav>
          <main class="main">
            <ErrorBanner error={loadError} testId="app-error" />
            {screen !== 'settings' && (
              <KeyBanner env={env} failure={(env && keyFailures[env.kind]) ?? null} onSettings={() => setScreen('settings')} />
            )}
            <RetryBanner onError={(m) => notify('error', m)} />
            {(screen === 'roster' || screen === 'journal') && <OpenOperations onUpdated={onUpdated} />}
            {screen === 'roster' && (
              <Roster
                env={env}
                roster={roster}
                query={query}
                onQuery={setQuery}
                onOpen={openUser}
                notify={notify}
                action={rosterAction}
                onActionTaken={actionTaken}
              />
            )}
            {screen === 'board' && (
              <Board
                env={env}
                onOpen={openUser}
                onShowStage={(stage) => {
                  setQuery({ ...EMPTY_QUERY, stage });
                  setScreen('roster');
                }}
              />
            )}
            {screen === 'journal' && <Journal notify={notify} />}
            {screen === 'user' && detail && (
              <UserDetail
                key={detail.externalUserId}
                record={detail}
                countries={countries}
                onUpdated={onUpdated}
                onDeleted={onDeleted}
                onBack={() => setScreen(from)}
              />
            )}
            {screen === 'new-user' && (
              <UserForm
                countries={countries}
                countriesError={countriesError}
                draft={draft}
                setDraft={setDraft}
                onCreated={onCreated}
              />
            )}
            {screen === 'settings' && (
              <Settings env={env} onEnv={setEnv} refreshEnv={refreshEnv} onKeyTested={onKeyTested} />
            )}
          </main>
        </div>
        <Toasts toasts={toasts} onDismiss={dismissToast} />
        {palette && <CommandPalette commands={commands} onOpenUser={openUser} onClose={() => setPalette(false)} />}
      </div>
    </DropProvider>
  );
}
