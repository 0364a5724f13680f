import type { UploadState } from '../useUpload';
import { formatBytes } from '../format';

/** One bar per file in the request, fed by the upload's progress channel, and a Cancel button. */
export function UploadProgressList({ upload, onCancel }: { upload: UploadState; onCancel: () => void }) {
  return (
    <div class="upload-progress" aria-live="polite">
      <ul>
        {upload.files.map((f, i) => {
          const pct = f.total > 0 ? Math.round((f.sent / f.total) * 100) : 0;
          return (
            <li key={i}>
              <label for={`${upload.id}-${i}`}>{f.name}</label>
              <progress
                id={`${upload.id}-${i}`}
                data-testid={`upload-progress-${i}`}
                max={f.total || 1}
                value={f.sent}
              />
              <span class="muted">
                {pct}% of {formatBytes(f.total)}
              </span>
            </li>
          );
        })}
      </ul>
      <button
        type="button"
        class="secondary"
        data-testid="upload-cancel"
        disabled={upload.cancelling}
        onClick={onCancel}
      >
        {upload.cancelling ? 'Cancelling…' : 'Cancel upload'}
      </button>
    </div>
  );
}
