import { useEffect, useState } from 'preact/hooks';
import { toCommandError, useBackend } from '../api/backend';
import type { CommandError, Retention } from '../api/bindings';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorBanner } from '../components/ErrorBanner';
import { formatBytes, formatCount } from '../format';

/** Most days a document may be kept (the desk refuses more too). */
const MAX_DAYS = 365;

/**
 * Settings: whether this desktop keeps the documents it uploads (off by default), for how many
 * days, and deleting what it keeps in one action. Identity documents are a customer's: keeping
 * them is the operator's explicit choice, and turning it off deletes them.
 */
export function DocumentsPanel() {
  const backend = useBackend();
  const [retention, setRetention] = useState<Retention | null>(null);
  const [days, setDays] = useState('30');
  const [dayError, setDayError] = useState<string | null>(null);
  const [error, setError] = useState<CommandError | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    backend.call('documents_retention_get').then(
      (r) => {
        setRetention(r);
        if (r.days !== null) setDays(String(r.days));
      },
      (e) => setError(toCommandError(e)),
    );
  }, [backend]);

  const save = async (next: number | null) => {
    setBusy(true);
    setError(null);
    try {
      setRetention(await backend.call('documents_retention_set', { days: next }));
    } catch (e) {
      const failure = toCommandError(e);
      const field = failure.fields?.find((f) => f.field === 'days');
      if (field) setDayError(field.message);
      else setError(failure);
    } finally {
      setBusy(false);
    }
  };

  const saveDays = () => {
    const n = Number(days);
    if (!/^\d+$/.test(days.trim()) || n < 1 || n > MAX_DAYS) {
      setDayError(`Keep documents from 1 to ${MAX_DAYS} days`);
      return;
    }
    setDayError(null);
    void save(n);
  };

  const keeping = retention?.days != null;
  return (
    <section class="panel" aria-labelledby="documents-title" data-testid="documents-settings">
      <h2 id="documents-title">Documents</h2>
      <p class="muted">
        After an upload P100 has the documents. This desktop keeps a copy only if you choose to, in its private data
        folder, for the days you set; the document viewer then opens them from the user's page.
      </p>
      <ErrorBanner error={error} testId="documents-error" />
      <div class="field check">
        <label>
          <input
            type="checkbox"
            data-testid="documents-keep"
            checked={keeping}
            disabled={busy || retention === null}
            onChange={(e) => {
              if (e.currentTarget.checked) saveDays();
              else void save(null);
            }}
          />{' '}
          Keep documents on this desktop after upload
        </label>
      </div>
      <div class="field">
        <label for="documents-days">Days to keep them</label>
        <div class="inline">
          <input
            id="documents-days"
            data-testid="documents-days"
            inputMode="numeric"
            value={days}
            aria-invalid={dayError ? 'true' : undefined}
            aria-describedby={dayError ? 'documents-days-error' : undefined}
            onInput={(e) => setDays(e.currentTarget.value)}
          />
          <button type="button" class="secondary" data-testid="documents-days-save" disabled={busy || !keeping} onClick={saveDays}>
            Save days
          </button>
        </div>
        {dayError && (
          <p id="documents-days-error" class="field-error" data-testid="documents-days-error">
            {dayError}
          </p>
        )}
      </div>
      <p data-testid="documents-kept">
        {retention === null
          ? ''
          : retention.documents === 0
            ? 'No documents are kept on this desktop.'
            : `${formatCount(retention.documents)} ${retention.documents === 1 ? 'document' : 'documents'} kept (${formatBytes(Number(retention.bytes))}).`}
      </p>
      <button
        type="button"
        class="danger"
        data-testid="documents-delete"
        disabled={busy || !retention || retention.documents === 0}
        onClick={() => setConfirming(true)}
      >
        Delete kept documents…
      </button>
      {confirming && retention && (
        <ConfirmDialog
          title="Delete the kept documents?"
          confirmLabel="Delete them"
          confirmTestId="documents-delete-confirm"
          busy={busy}
          onCancel={() => setConfirming(false)}
          onConfirm={async () => {
            setBusy(true);
            try {
              setRetention(await backend.call('documents_kept_delete'));
              setConfirming(false);
            } catch (e) {
              setError(toCommandError(e));
            } finally {
              setBusy(false);
            }
          }}
        >
          <p>
            {formatCount(retention.documents)} kept {retention.documents === 1 ? 'document goes' : 'documents go'} from this
            desktop now. P100 keeps what it received.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
