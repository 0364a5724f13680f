import { useCallback, useEffect, useState } from 'preact/hooks';
import { BackendContext, tauriBackend, toCommandError, useBackend, type Backend } from './api/backend';
import type { CommandError, Country, EnvironmentInfo, EnvironmentKind, UserRecord } from './api/bindings';
import { ENV_OPTIONS } from './environments';
import { ErrorBanner } from './components/ErrorBanner';
import { Toast, type ToastMessage } from './components/Toast';
import { Roster } from './screens/Roster';
import { Settings } from './screens/Settings';
import { UserForm, emptyDraft, type Draft } from './screens/UserForm';

type Screen = 'roster' | 'new-user' | 'settings';

const SCREENS: Array<{ id: Screen; label: string }> = [
  { id: 'roster', label: 'Users' },
  { id: 'new-user', label: 'New user' },
  { id: 'settings', label: 'Settings' },
];

let toastSeq = 0;

export function App({ backend = tauriBackend }: { backend?: Backend }) {
  return (
    <BackendContext.Provider value={backend}>
      <Shell />
    </BackendContext.Provider>
  );
}

function Shell() {
  const backend = useBackend();
  const [screen, setScreen] = useState<Screen>('roster');
  const [env, setEnv] = useState<EnvironmentInfo | null>(null);
  const [loadError, setLoadError] = useState<CommandError | null>(null);
  const [countries, setCountries] = useState<Country[]>([]);
  const [countriesError, setCountriesError] = useState<CommandError | null>(null);
  // The draft lives here so that leaving the form does not throw away what was typed.
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [toast, setToast] = useState<ToastMessage | null>(null);

  const notify = useCallback(
    (kind: ToastMessage['kind'], text: string) => setToast({ id: ++toastSeq, kind, text }),
    [],
  );
  const clearToast = useCallback(() => setToast(null), []);

  const refreshEnv = useCallback(() => {
    backend.environmentGet().then(
      (info) => {
        setEnv(info);
        setLoadError(null);
      },
      (e) => setLoadError(toCommandError(e)),
    );
  }, [backend]);

  useEffect(() => {
    refreshEnv();
    backend.countriesList().then(setCountries, (e) => setCountriesError(toCommandError(e)));
  }, [backend, refreshEnv]);

  const onHeaderEnv = async (e: Event) => {
    const select = e.currentTarget as HTMLSelectElement;
    try {
      setEnv(await backend.environmentSelect(select.value as EnvironmentKind, null));
    } catch (err) {
      // The state did not change, so put the control back by hand.
      if (env) select.value = env.kind;
      notify('error', toCommandError(err).message);
    }
  };

  const onCreated = (user: UserRecord) => {
    const name = [user.firstName ?? draft.firstName, user.lastName ?? draft.lastName].join(' ').trim();
    setDraft(emptyDraft());
    notify('success', `Created ${name}`);
    setScreen('roster');
  };

  const production = env?.isProduction ?? false;

  return (
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
              aria-current={screen === s.id ? 'page' : undefined}
              onClick={() => setScreen(s.id)}
            >
              {s.label}
            </button>
          ))}
        </nav>
        <main class="main">
          <ErrorBanner error={loadError} testId="app-error" />
          {screen === 'roster' && <Roster env={env} />}
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
            <Settings env={env} onEnv={setEnv} refreshEnv={refreshEnv} />
          )}
        </main>
      </div>
      <Toast toast={toast} onDone={clearToast} />
    </div>
  );
}
