import { useState } from 'preact/hooks';
import { toCommandError, useBackend } from '../../api/backend';
import type { Admitted, CommandError, DocumentRejection, DocumentToken } from '../../api/bindings';
import { DocumentViewer } from '../../components/DocumentViewer';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Rejections } from '../../components/Rejections';
import { TokenPreview } from '../../components/TokenPreview';
import { UploadProgressList } from '../../components/UploadProgressList';
import { useDropZone } from '../../drops';
import { displayName } from '../../format';
import { useUpload } from '../../useUpload';
import { DropHint } from './DropHint';
import { uploadLabel } from './KycFilesPanel';
import type { PanelProps } from './types';

/** P100 takes at most three proof-of-address files, all in one request. */
export const POA_MAX_FILES = 3;

export function PoaPanel({ record, onUpdated }: PanelProps) {
  const backend = useBackend();
  const { upload, run, cancel } = useUpload();
  const [files, setFiles] = useState<DocumentToken[]>([]);
  const [rejected, setRejected] = useState<DocumentRejection[]>([]);
  const [note, setNote] = useState<string | null>(null);
  const [picking, setPicking] = useState(false);
  const [error, setError] = useState<CommandError | null>(null);
  const [viewing, setViewing] = useState<DocumentToken | null>(null);
  const busy = upload !== null;

  const add = (admitted: Admitted) => {
    setError(null);
    setNote(null);
    setRejected(admitted.rejected);
    if (busy) {
      if (admitted.accepted.length > 0) setNote('Wait for the upload to finish before adding files.');
      return;
    }
    const room = POA_MAX_FILES - files.length;
    const taken = admitted.accepted.slice(0, Math.max(room, 0));
    const left = admitted.accepted.slice(taken.length);
    setFiles([...files, ...taken]);
    if (left.length > 0) {
      setNote(`At most ${POA_MAX_FILES} files: ${left.map((t) => t.name).join(', ')} not added.`);
    }
  };
  const drop = useDropZone('poa', add);

  const pick = async () => {
    setPicking(true);
    try {
      add(await backend.call('documents_pick', { multiple: true }));
    } catch (e) {
      setError(toCommandError(e));
    }
    setPicking(false);
  };

  const send = async () => {
    if (busy || files.length === 0) return;
    setError(null);
    setNote(null);
    setRejected([]);
    const tokens = files.map((f) => f.id);
    try {
      const updated = await run(files, (uploadId, channel) =>
        backend.call('poa_upload', { uploadId, externalUserId: record.externalUserId, tokens, onProgress: channel }),
      );
      setFiles([]);
      onUpdated(updated, `Sent the proof of address of ${displayName(updated)}`);
    } catch (e) {
      setError(toCommandError(e));
    }
  };

  return (
    <section
      class={`panel drop-zone${drop.active ? ' active' : ''}`}
      aria-labelledby="poa-title"
      data-testid="poa-panel"
      onFocusIn={drop.activate}
      onPointerDown={drop.activate}
    >
      <h2 id="poa-title">Proof of address</h2>
      {record.poaRequiredForExtended ? (
        <p class="note" data-testid="poa-required">
          P100 asks this user for a proof of address (country of residence {record.country ?? 'unknown'}): it
          must be approved before the account can be extended.
        </p>
      ) : (
        <p class="muted" data-testid="poa-not-required">
          P100 does not ask this user for a proof of address; it will refuse an upload (P460).
        </p>
      )}
      <p class="muted">
        Up to {POA_MAX_FILES} files (JPEG, PNG or PDF). All files are sent in one request.
      </p>
      <DropHint active={drop.active} testId="poa-drop-hint" />
      {files.length > 0 ? (
        <ul class="file-list">
          {files.map((f) => (
            <li key={f.id} data-testid="poa-file">
              <TokenPreview token={f} onView={() => setViewing(f)} />
              <button
                type="button"
                class="secondary small"
                data-testid="poa-remove"
                aria-label={`Remove ${f.name}`}
                disabled={busy}
                onClick={() => setFiles((list) => list.filter((x) => x.id !== f.id))}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">No files yet.</p>
      )}
      {note && (
        <p class="note" role="status" data-testid="poa-note">
          {note}
        </p>
      )}
      <Rejections items={rejected} testId="poa-rejected" />
      <ErrorBanner error={error} testId="poa-error" />
      {upload && <UploadProgressList upload={upload} onCancel={() => void cancel()} />}
      <div class="actions">
        <button
          type="button"
          class="secondary"
          data-testid="poa-pick"
          disabled={busy || picking || files.length >= POA_MAX_FILES}
          onClick={() => void pick()}
        >
          {picking ? 'Choosing…' : 'Choose files…'}
        </button>
        <button
          type="button"
          class="primary"
          data-testid="poa-upload"
          disabled={busy || files.length === 0}
          aria-busy={busy}
          onClick={() => void send()}
        >
          {busy ? 'Uploading…' : uploadLabel(files.length)}
        </button>
      </div>
      {viewing && (
        <DocumentViewer docs={[{ token: viewing, label: 'Proof of address' }]} onClose={() => setViewing(null)} />
      )}
    </section>
  );
}
