import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { toCommandError, useBackend } from '../api/backend';
import type { CommandError, CredentialStatus, EnvironmentInfo, EnvironmentKind } from '../api/bindings';
import { ErrorBanner } from '../components/ErrorBanner';
import { ENV_OPTIONS } from '../environments';
import { explain } from '../formErrors';
import { DocumentsPanel } from './DocumentsPanel';
import { SyncPanel } from './SyncPanel';
import { TeamPanel } from './TeamPanel';

interface Props {
  env: EnvironmentInfo | null;
  onEnv: (info: EnvironmentInfo) => void;
  refreshEnv: () => void;
  /** What the last "Test key" of an environment said when it failed; `null` once it passed,
   * or the key was replaced or removed. */
  onKeyTested: KeyTested;
}

export type KeyTested = (kind: EnvironmentKind, failure: string | null) => void;

export function Settings({ env, onEnv, refreshEnv, onKeyTested }: Props) {
  return (
    <section class="screen" aria-labelledby="settings-title">
      <div class="screen-head">
        <h1 id="settings-title">Settings</h1>
      </div>
      <EnvironmentPanel env={env} onEnv={onEnv} />
      <CredentialsPanel onChanged={refreshEnv} onKeyTested={onKeyTested} />
      <TeamPanel onChanged={refreshEnv} />
      <SyncPanel />
      <DocumentsPanel />
    </section>
  );
}

function EnvironmentPanel({ env, onEnv }: { env: EnvironmentInfo | null; onEnv: (info: EnvironmentInfo) => void }) {
  const backend = useBackend();
  const [choice, setChoice] = useState<EnvironmentKind | null>(env?.kind ?? null);
  const [url, setUrl] = useState(env?.customUrl ?? '');
  const [error, setError] = useState<CommandError | null>(null);
  const [busy, setBusy] = useState(false);

  // Follow switches made elsewhere (the header), and the first load.
  const currentKind = env?.kind;
  const savedUrl = env?.customUrl;
  useEffect(() => {
    if (currentKind) setChoice(currentKind);
  }, [currentKind]);
  useEffect(() => {
    if (savedUrl) setUrl(savedUrl);
  }, [savedUrl]);

  const select = async (kind: EnvironmentKind, customUrl: string | null) => {
    setBusy(true);
    setError(null);
    try {
      onEnv(await backend.call('environment_select', { kind, customUrl }));
    } catch (e) {
      setError(toCommandError(e));
      // A failed custom URL stays on screen to be corrected; other choices fall back.
      if (kind !== 'custom' && env) setChoice(env.kind);
    }
    setBusy(false);
  };

  const pick = (kind: EnvironmentKind) => {
    setChoice(kind);
    setError(null);
    // Custom needs its URL first; the others switch at once, like the header.
    if (kind !== 'custom') void select(kind, null);
  };

  return (
    <div class="panel">
      <h2>Environment</h2>
      <fieldset class="env-choices" disabled={!env || busy}>
        <legend class="sr-only">Environment</legend>
        {ENV_OPTIONS.map((o) => (
          <label key={o.kind} class="radio">
            <input
              type="radio"
              name="environment"
              value={o.kind}
              data-testid={`settings-env-${o.kind}`}
              checked={choice === o.kind}
              onChange={() => pick(o.kind)}
            />
            {o.label}
          </label>
        ))}
      </fieldset>
      {choice === 'custom' && (
        <form
          class="custom-url"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void select('custom', url);
          }}
        >
          <label for="custom-url">Custom base URL</label>
          <div class="inline">
            <input
              id="custom-url"
              type="url"
              data-testid="settings-custom-url"
              placeholder="https://p100.example.com"
              autoComplete="off"
              spellcheck={false}
              value={url}
              aria-invalid={error ? 'true' : undefined}
              onInput={(e) => setUrl(e.currentTarget.value)}
            />
            <button type="submit" data-testid="settings-custom-apply" disabled={busy}>
              Use this URL
            </button>
          </div>
        </form>
      )}
      <ErrorBanner error={error} testId="settings-env-error" />
      <p class="muted">
        {env ? (
          <>
            Current: <strong>{env.label}</strong>, calls go to{' '}
            <code data-testid="settings-base-url">{env.baseUrl ?? 'the sandbox (starting…)'}</code>
          </>
        ) : (
          'Loading…'
        )}
      </p>
    </div>
  );
}

function CredentialsPanel({ onChanged, onKeyTested }: { onChanged: () => void; onKeyTested: KeyTested }) {
  const backend = useBackend();
  const [list, setList] = useState<CredentialStatus[] | null>(null);
  const [error, setError] = useState<CommandError | null>(null);

  const load = useCallback(() => {
    backend.call('credentials_list').then(
      (l) => {
        setList(l);
        setError(null);
      },
      (e) => setError(toCommandError(e)),
    );
  }, [backend]);

  useEffect(load, [load]);

  const changed = () => {
    load();
    onChanged();
  };

  return (
    <div class="panel">
      <h2>API keys</h2>
      <p class="muted">Keys are kept in the system keychain. Once saved, a key is never shown again.</p>
      <ErrorBanner error={error} testId="cred-error" />
      <div class="cred-area">
        {list === null ? (
          !error && <p class="placeholder">Loading…</p>
        ) : (
          <ul class="cred-list">
            {list.map((c) =>
              c.needsKey ? (
                <CredentialRow key={c.kind} status={c} onChanged={changed} onKeyTested={onKeyTested} />
              ) : (
                <li key={c.kind} class="cred-row">
                  <span class="cred-label">{c.label}</span>
                  <span class="muted cred-note">The embedded sandbox needs no key</span>
                </li>
              ),
            )}
          </ul>
        )}
      </div>
    </div>
  );
}

type Busy = 'save' | 'test' | 'remove' | null;

function CredentialRow({
  status,
  onChanged,
  onKeyTested,
}: {
  status: CredentialStatus;
  onChanged: () => void;
  onKeyTested: KeyTested;
}) {
  const backend = useBackend();
  const { kind, label, keySet } = status;
  // The key exists only here while typed; it is dropped as soon as it is saved.
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState<Busy>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [confirming, setConfirming] = useState(false);
  const cancelRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (confirming) cancelRef.current?.focus();
  }, [confirming]);

  const run = async (what: Exclude<Busy, null>, action: () => Promise<{ ok: boolean; text: string }>) => {
    setBusy(what);
    setMessage(null);
    try {
      setMessage(await action());
    } catch (e) {
      setMessage({ ok: false, text: explain(toCommandError(e)) });
    }
    setBusy(null);
  };

  const save = (e: Event) => {
    e.preventDefault();
    if (!key) return;
    void run('save', async () => {
      await backend.call('credentials_set', { kind, apiKey: key });
      setKey('');
      onKeyTested(kind, null);
      onChanged();
      return { ok: true, text: 'Key saved' };
    });
  };

  const test = () =>
    void run('test', async () => {
      const result = await backend.call('credentials_test', { kind });
      onKeyTested(kind, result.ok ? null : result.message);
      return { ok: result.ok, text: result.message };
    });

  const remove = () => {
    setConfirming(false);
    void run('remove', async () => {
      const removed = await backend.call('credentials_remove', { kind });
      onKeyTested(kind, null);
      onChanged();
      return { ok: true, text: removed ? 'Key removed' : 'There was no key to remove' };
    });
  };

  const inputId = `cred-input-${kind}`;
  return (
    <li class="cred-row">
      <span class="cred-label">{label}</span>
      <span class={`badge ${keySet ? 'ok' : 'neutral'}`} data-testid={`cred-status-${kind}`}>
        {keySet ? 'Key set' : 'No key'}
      </span>
      <form class="cred-form" onSubmit={save} noValidate>
        <label for={inputId} class="sr-only">
          {label} API key
        </label>
        <input
          id={inputId}
          type="password"
          autoComplete="off"
          spellcheck={false}
          data-testid={inputId}
          placeholder={keySet ? 'Paste a new key to replace it' : 'Paste the API key'}
          value={key}
          onInput={(e) => setKey(e.currentTarget.value)}
        />
        <button type="submit" data-testid={`cred-save-${kind}`} disabled={!key || busy !== null}>
          {busy === 'save' ? 'Saving…' : 'Save'}
        </button>
        <button type="button" class="secondary" data-testid={`cred-test-${kind}`} disabled={busy !== null} onClick={test}>
          {busy === 'test' ? 'Testing…' : 'Test'}
        </button>
        {confirming ? (
          <span class="confirm" role="group" aria-label={`Remove the ${label} key?`}>
            <span>Remove the key?</span>
            <button type="button" class="danger" data-testid={`cred-remove-confirm-${kind}`} onClick={remove}>
              Remove
            </button>
            <button
              type="button"
              class="secondary"
              ref={cancelRef}
              data-testid={`cred-remove-cancel-${kind}`}
              onClick={() => setConfirming(false)}
            >
              Cancel
            </button>
          </span>
        ) : (
          <button
            type="button"
            class="secondary"
            data-testid={`cred-remove-${kind}`}
            disabled={!keySet || busy !== null}
            onClick={() => setConfirming(true)}
          >
            Remove
          </button>
        )}
      </form>
      <p
        class={`cred-msg${message ? (message.ok ? ' ok' : ' bad') : ''}`}
        data-testid={`cred-message-${kind}`}
        aria-live="polite"
      >
        {message?.text ?? ''}
      </p>
    </li>
  );
}
