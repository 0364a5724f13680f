import { useState } from 'preact/hooks';
import { toCommandError, useBackend } from '../api/backend';
import type { CommandError, ImportJob, ImportPreview, PickedCsv } from '../api/bindings';
import { importResultsCsv } from '../csv';
import { formatCount } from '../format';
import { Dialog } from './Dialog';
import { ErrorBanner } from './ErrorBanner';

/** Refusals listed in the dialog; all of them are in the export. */
const REFUSALS_SHOWN = 100;
const DEFAULT_PER_SECOND = '5';

/**
 * Bulk onboarding from a CSV export: pick the file (Rust reads it), map its columns to P100's
 * create fields (the desk guesses, and remembers the operator's choices), see the dry run — every
 * row checked by the form's Rust rules, refusals at their fields, exportable — then start it as
 * a job sent at the chosen pace. A column mapped to externalUserId alone tracks users that exist
 * at P100 already. Nothing the operator chose is lost when the core refuses something.
 */
export function ImportUsers({
  onClose,
  onStarted,
  notify,
}: {
  onClose: () => void;
  onStarted: (job: ImportJob) => void;
  notify: (kind: 'success' | 'error', text: string) => void;
}) {
  const backend = useBackend();
  const [file, setFile] = useState<PickedCsv | null>(null);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [perSecond, setPerSecond] = useState(DEFAULT_PER_SECOND);
  const [error, setError] = useState<CommandError | null>(null);
  const [busy, setBusy] = useState(false);
  const fieldError = (field: string) => error?.fields.find((f) => f.field === field)?.message;

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(toCommandError(e));
    } finally {
      setBusy(false);
    }
  };

  const pick = () =>
    run(async () => {
      const picked = await backend.call('import_pick');
      if (!picked) return;
      setFile(picked);
      setPreview(null);
      setPreview(await backend.call('import_preview', { csv: picked.text, mapping: null }));
    });

  const remap = (column: number, field: string) => {
    if (!file || !preview) return;
    const mapping = preview.mapping.map((f, i) => (i === column ? field || null : f));
    // A field fills one column: choosing it here takes it from another.
    if (field) mapping.forEach((f, i) => i !== column && f === field && (mapping[i] = null));
    setPreview({ ...preview, mapping });
    void run(async () => setPreview(await backend.call('import_preview', { csv: file.text, mapping })));
  };

  const start = (e: Event) => {
    e.preventDefault();
    if (!file || !preview) return;
    void run(async () => {
      const job = await backend.call('import_start', {
        fileName: file.fileName,
        csv: file.text,
        mapping: preview.mapping,
        perSecond: Number(perSecond),
      });
      onStarted(job);
    });
  };

  const exportRefusals = async () => {
    if (!preview || !file) return;
    try {
      const name = `${file.fileName.replace(/\.[^.]*$/, '')}-refused.csv`;
      const saved = await backend.call('export_save_csv', { fileName: name, csv: importResultsCsv(preview.refusals) });
      if (saved) notify('success', `Saved ${preview.refusals.length} refused rows to ${saved}`);
    } catch (err) {
      notify('error', toCommandError(err).message);
    }
  };

  const sendable = preview ? preview.creates + preview.tracks : 0;
  const general = error && !error.fields.some((f) => ['perSecond', 'mapping', 'csv', 'fileName'].includes(f.field));

  return (
    <Dialog labelledBy="import-title" onClose={onClose} modal testId="import-dialog" class="import-dialog">
      <form onSubmit={start} noValidate>
        <h2 id="import-title">Import users from CSV</h2>
        <p class="muted">
          Each row creates a user with its externalUserId; a row with only an externalUserId tracks a user your own
          systems created at P100. Every row is checked before anything is sent.
        </p>
        <div class="actions">
          <button type="button" class="secondary" data-testid="import-pick" onClick={() => void pick()} disabled={busy}>
            {file ? 'Choose another file…' : 'Choose a CSV file…'}
          </button>
          {file && (
            <span data-testid="import-file" class="muted">
              {file.fileName}
            </span>
          )}
        </div>
        {fieldError('csv') && (
          <p class="field-error" data-testid="import-csv-error">
            {fieldError('csv')}
          </p>
        )}
        {general && <ErrorBanner error={error} testId="import-error" />}
        {preview && (
          <>
            <div class="table-wrap import-mapping">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Column</th>
                    <th scope="col">First rows</th>
                    <th scope="col">P100 field</th>
                  </tr>
                </thead>
                <tbody>
                  {preview.header.map((name, i) => (
                    <tr key={`${i}-${name}`} data-testid="import-column">
                      <th scope="row" title={name}>
                        {name || <span class="muted">(no name)</span>}
                      </th>
                      <td class="muted samples" title={samplesOf(preview, i)}>
                        {samplesOf(preview, i)}
                      </td>
                      <td>
                        <select
                          data-testid={`import-map-${i}`}
                          aria-label={`P100 field for column ${name}`}
                          value={preview.mapping[i] ?? ''}
                          disabled={busy}
                          onChange={(e) => remap(i, e.currentTarget.value)}
                        >
                          <option value="">— left out —</option>
                          {preview.fields.map((f) => (
                            <option key={f} value={f}>
                              {f}
                            </option>
                          ))}
                        </select>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {(preview.mappingProblem || fieldError('mapping')) && (
              <p class="field-error" data-testid="import-mapping-problem">
                {preview.mappingProblem ?? fieldError('mapping')}
              </p>
            )}
            {!preview.mappingProblem && (
              <div data-testid="import-dry-run" aria-live="polite">
                <p data-testid="import-summary">
                  {formatCount(preview.rows)} rows: <strong data-testid="import-creates">{formatCount(preview.creates)}</strong> to
                  create, <strong data-testid="import-tracks">{formatCount(preview.tracks)}</strong> to track,{' '}
                  <strong data-testid="import-refused">{formatCount(preview.refusals.length)}</strong> refused.
                </p>
                {preview.refusals.length > 0 && (
                  <>
                    <div class="table-wrap import-refusals">
                      <table>
                        <thead>
                          <tr>
                            <th scope="col">Row</th>
                            <th scope="col">externalUserId</th>
                            <th scope="col">Field</th>
                            <th scope="col">Why</th>
                          </tr>
                        </thead>
                        <tbody>
                          {preview.refusals.slice(0, REFUSALS_SHOWN).map((r) => (
                            <tr key={r.row} data-testid="import-refusal">
                              <td>{r.row}</td>
                              <td>
                                <code>{r.externalUserId}</code>
                              </td>
                              <td data-testid="import-refusal-fields">{r.fields.map((f) => f || '(row)').join(', ')}</td>
                              <td title={r.message ?? ''}>{r.message ?? ''}</td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    </div>
                    {preview.refusals.length > REFUSALS_SHOWN && (
                      <p class="muted">
                        The first {REFUSALS_SHOWN} of {formatCount(preview.refusals.length)}; the export has them all.
                      </p>
                    )}
                    <button type="button" class="secondary" data-testid="import-export-refusals" onClick={() => void exportRefusals()}>
                      Export refused rows…
                    </button>
                  </>
                )}
              </div>
            )}
            <label>
              <span>Rows per second</span>
              <input
                type="number"
                data-testid="import-per-second"
                min="0.1"
                max="50"
                step="0.1"
                value={perSecond}
                aria-invalid={fieldError('perSecond') ? 'true' : undefined}
                onInput={(e) => setPerSecond(e.currentTarget.value)}
              />
            </label>
            {fieldError('perSecond') && (
              <p class="field-error" data-testid="import-per-second-error">
                {fieldError('perSecond')}
              </p>
            )}
          </>
        )}
        <div class="actions">
          <button type="submit" data-testid="import-start" disabled={busy || !preview || !!preview.mappingProblem || sendable === 0}>
            {preview && sendable > 0 ? `Start: send ${formatCount(sendable)} ${sendable === 1 ? 'row' : 'rows'}` : 'Start'}
          </button>
          <button type="button" class="secondary" data-testid="import-close" onClick={onClose}>
            Close
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** A column's first values, as the mapping shows them. */
function samplesOf(preview: ImportPreview, column: number): string {
  return preview.samples
    .map((r) => r[column] ?? '')
    .filter(Boolean)
    .join(' · ');
}
