import { useState } from 'preact/hooks';
import { toCommandError, useBackend } from '../api/backend';
import type { CommandError, TrackOutcome, TrackResult } from '../api/bindings';
import { STAGE_LABELS } from '../stages';
import { Dialog } from './Dialog';
import { ErrorBanner } from './ErrorBanner';

/** What each outcome means, for the operator. */
export const OUTCOME_LABELS: Record<TrackOutcome, string> = {
  tracked: 'Tracked',
  alreadyTracked: 'Already on the roster',
  unknown: 'Not at P100',
  refused: 'Refused',
  failed: 'Failed: try again',
};

const ORDER: TrackOutcome[] = ['tracked', 'alreadyTracked', 'unknown', 'refused', 'failed'];

/** The ids in pasted text: one per line, or separated by commas, semicolons or spaces (an
 * externalUserId holds none of them). */
export function splitIds(text: string): string[] {
  return text.split(/[\s,;]+/).filter((id) => id !== '');
}

/**
 * Tracks users that already exist at P100 (made by the partner's own backend) by their
 * externalUserIds. The desk asks P100 where each stands; an id P100 does not know is reported,
 * not added. What was typed stays until the operator clears it.
 */
export function TrackUsers({ onClose, onTracked }: { onClose: () => void; onTracked: () => void }) {
  const backend = useBackend();
  const [text, setText] = useState('');
  const [results, setResults] = useState<TrackResult[] | null>(null);
  const [error, setError] = useState<CommandError | null>(null);
  const [busy, setBusy] = useState(false);
  const ids = splitIds(text);
  const fieldError = error?.fields.find((f) => f.field === 'externalUserIds')?.message;

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setResults(null);
    try {
      const answer = await backend.call('users_track', { externalUserIds: ids });
      setResults(answer);
      if (answer.some((r) => r.outcome === 'tracked')) onTracked();
    } catch (err) {
      setError(toCommandError(err));
    } finally {
      setBusy(false);
    }
  };

  const count = (o: TrackOutcome) => results?.filter((r) => r.outcome === o).length ?? 0;
  const notTracked = results?.filter((r) => r.outcome !== 'tracked' && r.outcome !== 'alreadyTracked') ?? [];

  return (
    <Dialog labelledBy="track-title" onClose={onClose} modal testId="track-dialog" class="track-dialog">
      <form onSubmit={(e) => void submit(e)}>
        <h2 id="track-title">Track existing users</h2>
        <p class="muted">
          Users your own systems created at P100. Paste their externalUserIds, one per line (or separated by commas);
          the desk asks P100 where each one stands.
        </p>
        <label>
          <span>externalUserIds</span>
          <textarea
            data-testid="track-ids"
            rows={8}
            value={text}
            aria-invalid={fieldError ? 'true' : undefined}
            aria-describedby={fieldError ? 'track-ids-error' : undefined}
            onInput={(e) => setText(e.currentTarget.value)}
          />
        </label>
        {fieldError && (
          <p class="field-error" id="track-ids-error" data-testid="track-ids-error">
            {fieldError}
          </p>
        )}
        {error && !fieldError && <ErrorBanner error={error} />}
        <div class="actions">
          <button type="submit" data-testid="track-submit" disabled={busy || ids.length === 0}>
            {busy ? `Asking P100 about ${ids.length}…` : `Track ${ids.length || ''} ${ids.length === 1 ? 'user' : 'users'}`}
          </button>
          <button type="button" class="secondary" data-testid="track-close" onClick={onClose}>
            Close
          </button>
        </div>
      </form>
      {results && (
        <div data-testid="track-results" aria-live="polite">
          <ul class="track-summary">
            {ORDER.filter((o) => count(o) > 0).map((o) => (
              <li key={o} data-testid={`track-count-${o}`}>
                {OUTCOME_LABELS[o]}: {count(o)}
              </li>
            ))}
          </ul>
          {results.some((r) => r.outcome === 'tracked') && (
            <p class="muted">
              Tracked users are on the roster and the board, where P100&rsquo;s answers put them (
              {results
                .flatMap((r) => (r.outcome === 'tracked' && r.stage ? [`${r.externalUserId}: ${STAGE_LABELS[r.stage]}`] : []))
                .slice(0, 5)
                .join('; ')}
              {count('tracked') > 5 ? '; …' : ''}).
            </p>
          )}
          {notTracked.length > 0 && (
            <table class="track-problems">
              <thead>
                <tr>
                  <th scope="col">externalUserId</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">Why</th>
                </tr>
              </thead>
              <tbody>
                {notTracked.map((r, i) => (
                  <tr key={`${r.externalUserId}-${i}`} data-testid="track-problem">
                    <td>
                      <code>{r.externalUserId}</code>
                    </td>
                    <td>{OUTCOME_LABELS[r.outcome]}</td>
                    <td>{r.message ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </Dialog>
  );
}
