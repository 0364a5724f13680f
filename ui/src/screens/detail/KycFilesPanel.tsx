import { useState } from 'preact/hooks';
import { toCommandError, useBackend } from '../../api/backend';
import type {
  Admitted,
  CommandError,
  DocumentRejection,
  DocumentToken,
  KycFileRef,
  KycFileSide,
} from '../../api/bindings';
import { DocumentViewer, type ViewedDocument } from '../../components/DocumentViewer';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Rejections } from '../../components/Rejections';
import { TokenPreview } from '../../components/TokenPreview';
import { UploadProgressList } from '../../components/UploadProgressList';
import { useDropZone } from '../../drops';
import { displayName } from '../../format';
import { splitErrors } from '../../formErrors';
import {
  DOCUMENT_TYPE_LABELS,
  FILE_DOCUMENT_TYPES,
  SIDES_FOR,
  sideLabel,
  type FileDocumentType,
} from '../../labels';
import { useUpload } from '../../useUpload';
import { DropHint } from './DropHint';
import type { PanelProps } from './types';

type Slots = Partial<Record<KycFileSide, DocumentToken>>;
const ERROR_FIELDS = ['front', 'back', 'selfie', 'documentType', 'files'] as const;
type ErrorField = (typeof ERROR_FIELDS)[number];

export const uploadLabel = (n: number) => (n === 0 ? 'Upload' : `Upload ${n} ${n === 1 ? 'file' : 'files'}`);

/** Method A: the operator sends the document images (one per side) and a selfie. */
export function KycFilesPanel({ record, onUpdated }: PanelProps) {
  const backend = useBackend();
  const { upload, run, cancel } = useUpload();
  const [docType, setDocType] = useState<FileDocumentType>('ID_CARD');
  const [slots, setSlots] = useState<Slots>({});
  const [rejected, setRejected] = useState<DocumentRejection[]>([]);
  const [note, setNote] = useState<string | null>(null);
  const [picking, setPicking] = useState<KycFileSide | null>(null);
  const [errors, setErrors] = useState<Partial<Record<ErrorField, string>>>({});
  const [error, setError] = useState<CommandError | null>(null);
  const [viewing, setViewing] = useState<ViewedDocument[] | null>(null);

  const sides = SIDES_FOR[docType];
  // The selfie opens beside the ID's front (or the ID beside the selfie): the reviewer compares.
  const beside = (side: KycFileSide): ViewedDocument[] => {
    const shown = (s: KycFileSide): ViewedDocument[] => {
      const token = slots[s];
      return token ? [{ token, label: sideLabel(docType, s) }] : [];
    };
    if (side === 'selfie') return [...shown(sides.find((s) => s !== 'selfie' && slots[s]) ?? 'front'), ...shown('selfie')];
    return [...shown(side), ...shown('selfie')];
  };
  const filled = sides.filter((s) => slots[s]);
  const missing = sides.filter((s) => !slots[s]);
  const busy = upload !== null;

  const clearMessages = () => {
    setRejected([]);
    setNote(null);
    setError(null);
    setErrors({});
  };

  // A drop fills the empty slots in order; whatever does not fit is named.
  const onDrop = (admitted: Admitted) => {
    clearMessages();
    setRejected(admitted.rejected);
    if (busy) {
      if (admitted.accepted.length > 0) setNote('Wait for the upload to finish before adding files.');
      return;
    }
    const next = { ...slots };
    const left: DocumentToken[] = [];
    for (const token of admitted.accepted) {
      const side = sides.find((s) => !next[s]);
      if (side) next[side] = token;
      else left.push(token);
    }
    setSlots(next);
    if (left.length > 0) {
      setNote(`No empty slot for ${left.map((t) => t.name).join(', ')}. Remove a file first.`);
    }
  };
  const drop = useDropZone('kyc', onDrop);

  const pick = async (side: KycFileSide) => {
    clearMessages();
    setPicking(side);
    try {
      const admitted = await backend.call('documents_pick', { multiple: false });
      setRejected(admitted.rejected);
      const token = admitted.accepted[0];
      if (token) setSlots((s) => ({ ...s, [side]: token }));
    } catch (e) {
      setError(toCommandError(e));
    }
    setPicking(null);
  };

  const send = async () => {
    if (busy || filled.length === 0) return;
    clearMessages();
    const tokens = filled.map((s) => slots[s]!);
    const files: KycFileRef[] = filled.map((side, i) => ({ side, token: tokens[i].id }));
    try {
      const updated = await run(tokens, (uploadId, channel) =>
        backend.call('kyc_upload', {
          uploadId,
          externalUserId: record.externalUserId,
          documentType: docType,
          files,
          onProgress: channel,
        }),
      );
      setSlots({});
      onUpdated(updated, `Sent the identity documents of ${displayName(updated)}`);
    } catch (e) {
      const err = toCommandError(e);
      const { byField } = splitErrors(err, ERROR_FIELDS);
      setErrors(byField);
      setError(err);
    }
  };

  return (
    <section
      class={`panel drop-zone${drop.active ? ' active' : ''}`}
      aria-labelledby="kyc-title"
      data-testid="kyc-panel"
      onFocusIn={drop.activate}
      onPointerDown={drop.activate}
    >
      <h2 id="kyc-title">Identity documents — Method A</h2>
      <p class="muted">
        Images of the document and a selfie, sent to P100 in one request. JPEG, PNG or PDF.
      </p>
      <DropHint active={drop.active} testId="kyc-drop-hint" />
      <div class="field narrow">
        <label for="kyc-document-type">Document type</label>
        <select
          id="kyc-document-type"
          data-testid="kyc-document-type"
          value={docType}
          disabled={busy}
          aria-invalid={errors.documentType ? 'true' : undefined}
          onChange={(e) => {
            setDocType(e.currentTarget.value as FileDocumentType);
            setErrors({});
          }}
        >
          {FILE_DOCUMENT_TYPES.map((t) => (
            <option key={t} value={t}>
              {DOCUMENT_TYPE_LABELS[t]}
            </option>
          ))}
        </select>
        {errors.documentType && <p class="field-error">{errors.documentType}</p>}
      </div>
      <div class="slots">
        {sides.map((side) => {
          const label = sideLabel(docType, side);
          const token = slots[side];
          const slotError = errors[side];
          return (
            <div
              key={side}
              class={`slot${token ? ' filled' : ''}${slotError ? ' invalid' : ''}`}
              role="group"
              aria-labelledby={`kyc-slot-label-${side}`}
              data-testid={`kyc-slot-${side}`}
            >
              <span id={`kyc-slot-label-${side}`} class="slot-label">
                {label}
              </span>
              {token ? (
                <TokenPreview token={token} onView={() => setViewing(beside(side))} />
              ) : (
                <span class="muted slot-empty">No file yet</span>
              )}
              <div class="slot-actions">
                <button
                  type="button"
                  class="secondary small"
                  data-testid={`kyc-pick-${side}`}
                  // The name spoken starts with the words shown, so "click Choose file" works by voice.
                  aria-label={`${picking === side ? 'Choosing…' : 'Choose file…'} for ${label}`}
                  disabled={busy || picking !== null}
                  onClick={() => void pick(side)}
                >
                  {picking === side ? 'Choosing…' : 'Choose file…'}
                </button>
                {token && (
                  <button
                    type="button"
                    class="secondary small"
                    data-testid={`kyc-clear-${side}`}
                    aria-label={`Remove the ${label} file`}
                    disabled={busy}
                    onClick={() => setSlots((s) => ({ ...s, [side]: undefined }))}
                  >
                    Remove
                  </button>
                )}
              </div>
              {slotError && (
                <p class="field-error" data-testid={`kyc-error-${side}`}>
                  {slotError}
                </p>
              )}
            </div>
          );
        })}
      </div>
      <p class="muted" data-testid="kyc-missing">
        {missing.length > 0
          ? `Missing: ${missing.map((s) => sideLabel(docType, s).toLowerCase()).join(', ')}`
          : 'Every side is filled.'}
      </p>
      {note && (
        <p class="note" role="status" data-testid="kyc-note">
          {note}
        </p>
      )}
      <Rejections items={rejected} testId="kyc-rejected" />
      <ErrorBanner error={error} testId="kyc-error">
        {errors.files && <p>{errors.files}</p>}
      </ErrorBanner>
      {upload && <UploadProgressList upload={upload} onCancel={() => void cancel()} />}
      <div class="actions">
        <button
          type="button"
          class="primary"
          data-testid="kyc-upload"
          disabled={busy || filled.length === 0}
          aria-busy={busy}
          onClick={() => void send()}
        >
          {busy ? 'Uploading…' : uploadLabel(filled.length)}
        </button>
      </div>
      {viewing && <DocumentViewer docs={viewing} onClose={() => setViewing(null)} />}
    </section>
  );
}
