import { useEffect, useState } from 'preact/hooks';
import { toCommandError, useBackend } from '../api/backend';
import type { CommandError, TeamStatus } from '../api/bindings';
import { ErrorBanner } from '../components/ErrorBanner';

/**
 * Team mode: the hub this desk works through and the operator's token (write-only: it goes to
 * the OS keychain, bound to the hub). While a hub is set, every screen works on the team's
 * roster, board and journal, and live updates come from the hub.
 */
export function TeamPanel({ onChanged }: { onChanged?: () => void }) {
  const backend = useBackend();
  const [status, setStatus] = useState<TeamStatus | null>(null);
  const [error, setError] = useState<CommandError | null>(null);
  const [hubUrl, setHubUrl] = useState('');
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    backend.call('team_get').then(setStatus, (e) => setError(toCommandError(e)));
  }, [backend]);

  const fieldError = (name: string) => error?.fields.find((f) => f.field === name)?.message;

  const connect = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setStatus(await backend.call('team_connect', { hubUrl, operatorToken: token }));
      // The token is kept in the keychain only; the URL stays in the field.
      setToken('');
      onChanged?.();
    } catch (err) {
      setError(toCommandError(err));
    } finally {
      setBusy(false);
    }
  };

  const disconnect = async () => {
    setBusy(true);
    setError(null);
    try {
      setStatus(await backend.call('team_disconnect'));
      onChanged?.();
    } catch (err) {
      setError(toCommandError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="panel" data-testid="team-panel">
      <h2>Team</h2>
      {status?.hubUrl ? (
        <>
          <p data-testid="team-status">
            {status.connected ? (
              <>
                Working through the team&rsquo;s hub at <code>{status.hubUrl}</code> as{' '}
                <strong data-testid="team-operator">{status.operator}</strong> ({status.role}), on{' '}
                {status.environment}.
              </>
            ) : (
              <>
                The team&rsquo;s hub at <code>{status.hubUrl}</code> does not answer now:{' '}
                <span data-testid="team-problem">{status.problem}</span>
              </>
            )}
          </p>
          <button type="button" class="secondary" data-testid="team-disconnect" disabled={busy} onClick={() => void disconnect()}>
            Leave the team (back to solo)
          </button>
        </>
      ) : (
        <p class="muted" data-testid="team-status">
          Solo: this desk keeps its own roster and journal. Connect to your team&rsquo;s hub to share them.
        </p>
      )}
      {error && !error.field && <ErrorBanner error={error} />}
      <form class="cred-form" onSubmit={(e) => void connect(e)} noValidate>
        <label for="team-hub-url">Hub URL</label>
        <input
          id="team-hub-url"
          type="url"
          data-testid="team-hub-url"
          placeholder="https://hub.example.com"
          value={hubUrl}
          aria-invalid={fieldError('hubUrl') ? 'true' : undefined}
          aria-describedby={fieldError('hubUrl') ? 'team-hub-url-error' : undefined}
          onInput={(e) => setHubUrl(e.currentTarget.value)}
        />
        {fieldError('hubUrl') && (
          <span id="team-hub-url-error" class="field-error" data-testid="team-hub-url-error">
            {fieldError('hubUrl')}
          </span>
        )}
        <label for="team-token">Operator token</label>
        <input
          id="team-token"
          type="password"
          autoComplete="off"
          spellcheck={false}
          data-testid="team-token"
          placeholder="pdh_…"
          value={token}
          aria-invalid={fieldError('operatorToken') ? 'true' : undefined}
          aria-describedby={fieldError('operatorToken') ? 'team-token-error' : undefined}
          onInput={(e) => setToken(e.currentTarget.value)}
        />
        {fieldError('operatorToken') && (
          <span id="team-token-error" class="field-error" data-testid="team-token-error">
            {fieldError('operatorToken')}
          </span>
        )}
        <button type="submit" data-testid="team-connect" disabled={!hubUrl || !token || busy}>
          Connect
        </button>
      </form>
      <p class="muted">Your administrator gives you the hub&rsquo;s URL and your token (<code>partner-desk-hub operator add</code>).</p>
    </div>
  );
}
