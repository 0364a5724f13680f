import { useEffect, useState } from 'preact/hooks';
import { toCommandError, useBackend } from '../api/backend';
import type { CommandError, EnvironmentKind, GeneratedToken, SyncStatus } from '../api/bindings';
import { ErrorBanner } from '../components/ErrorBanner';
import { ENV_OPTIONS } from '../environments';
import { explain } from '../formErrors';

/**
 * Live sync: where P100 should send webhooks, each environment's webhook token (write-only, in
 * the keychain — the sandbox's is made by the desk) and the receiver's port.
 */
export function SyncPanel() {
  const backend = useBackend();
  const [status, setStatus] = useState<SyncStatus | null>(null);
  const [error, setError] = useState<CommandError | null>(null);
  const [kind, setKind] = useState<EnvironmentKind>('staging');
  const [token, setToken] = useState('');
  const [port, setPort] = useState('');
  const [busy, setBusy] = useState(false);
  const [generated, setGenerated] = useState<(GeneratedToken & { kind: EnvironmentKind }) | null>(null);

  useEffect(() => {
    backend.call('sync_status').then(setStatus, (e) => setError(toCommandError(e)));
  }, [backend]);

  const run = async (f: () => Promise<SyncStatus>) => {
    setBusy(true);
    setError(null);
    try {
      setStatus(await f());
      return true;
    } catch (e) {
      const err = toCommandError(e);
      // The token or port is the whole form: say what is wrong with it, not only "see the field".
      setError({ ...err, message: explain(err), fields: [] });
      return false;
    } finally {
      setBusy(false);
    }
  };

  const saveToken = async (e: Event) => {
    e.preventDefault();
    if (await run(() => backend.call('webhook_token_set', { kind, token }))) setToken('');
  };

  const generate = async () => {
    setGenerated(null);
    await run(async () => {
      const g = await backend.call('webhook_token_generate', { kind });
      setGenerated({ ...g, kind });
      return g.status;
    });
  };

  const savePort = async (e: Event) => {
    e.preventDefault();
    const n = Number(port);
    if (!/^\d+$/.test(port.trim()) || n > 65535) {
      setError({
        code: 'invalid',
        message: 'The port is a number from 0 to 65535 (0: any free port)',
        field: 'port',
        fields: [{ field: 'port', message: 'a number from 0 to 65535' }],
        p100Code: null,
        retryAfterSecs: null,
      });
      return;
    }
    if (await run(() => backend.call('webhook_port_set', { port: n }))) setPort('');
  };

  const has = (k: EnvironmentKind) => status?.tokenSetFor.includes(k) ?? false;

  return (
    <div class="panel" data-testid="sync-panel">
      <h2>Live sync</h2>
      <p>
        {status?.receiverUrl ? (
          <>
            Webhook receiver listening at <code data-testid="sync-receiver-url">{status.receiverUrl}</code> (P100
            posts to <code>/webhook/…</code> there; <code>/webhook/health</code> answers 200).
          </>
        ) : (
          <span class="muted" data-testid="sync-receiver-off">
            {status?.receiverError ?? 'Loading…'}
          </span>
        )}
      </p>
      <p class="muted" data-testid="sync-polling">
        KYC status is polled for {status?.polling ?? 0} user(s) under review, with backoff.
      </p>
      <ul class="cred-list">
        {ENV_OPTIONS.map((o) => (
          <li key={o.kind} class="cred-row">
            <span class="cred-label">{o.label}</span>
            <span class={`badge ${has(o.kind) ? 'ok' : 'neutral'}`} data-testid={`sync-token-${o.kind}`}>
              {has(o.kind) ? 'Webhook token set' : 'No webhook token'}
            </span>
            {o.kind !== 'sandbox' && has(o.kind) && (
              <button
                type="button"
                class="secondary"
                data-testid={`sync-token-remove-${o.kind}`}
                disabled={busy}
                onClick={() => void run(() => backend.call('webhook_token_remove', { kind: o.kind }))}
              >
                Remove
              </button>
            )}
          </li>
        ))}
      </ul>
      <form class="cred-form" onSubmit={(e) => void saveToken(e)} noValidate>
        <label for="sync-token-env">Token for</label>
        <select id="sync-token-env" value={kind} onChange={(e) => setKind(e.currentTarget.value as EnvironmentKind)}>
          {ENV_OPTIONS.filter((o) => o.kind !== 'sandbox').map((o) => (
            <option key={o.kind} value={o.kind}>
              {o.label}
            </option>
          ))}
        </select>
        <label for="sync-token-input" class="sr-only">
          Webhook security token
        </label>
        <input
          id="sync-token-input"
          type="password"
          autoComplete="off"
          spellcheck={false}
          data-testid="sync-token-input"
          placeholder="Paste the webhook security token"
          value={token}
          onInput={(e) => setToken(e.currentTarget.value)}
        />
        <button type="submit" data-testid="sync-token-save" disabled={!token || busy}>
          Save token
        </button>
        <button
          type="button"
          class="secondary"
          data-testid="sync-token-generate"
          disabled={busy}
          onClick={() => void generate()}
        >
          Generate a token
        </button>
      </form>
      <p class="muted">A typed token needs at least 24 characters; a generated one has 32 random bytes.</p>
      {generated && (
        <p class="notice" role="status" data-testid="sync-token-generated">
          A new webhook token for {ENV_OPTIONS.find((o) => o.kind === generated.kind)?.label ?? generated.kind} is on
          the clipboard (fingerprint <code>{generated.fingerprint}</code>). Paste it into P100&rsquo;s webhook settings
          now: it is not shown again, and the clipboard is cleared in{' '}
          {Math.round(generated.clipboardClearedAfterSecs / 60)} minutes.
        </p>
      )}
      <form class="cred-form" onSubmit={(e) => void savePort(e)} noValidate>
        <label for="sync-port">Receiver port</label>
        <input
          id="sync-port"
          inputMode="numeric"
          data-testid="sync-port"
          placeholder="0 = any free port"
          value={port}
          onInput={(e) => setPort(e.currentTarget.value)}
        />
        <button type="submit" class="secondary" data-testid="sync-port-save" disabled={!port || busy}>
          Use port
        </button>
      </form>
      <ErrorBanner error={error} testId="sync-error" />
    </div>
  );
}
