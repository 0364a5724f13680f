import type { DocumentToken } from '../api/bindings';
import { formatBytes } from '../format';

const TYPE_NAMES: Record<string, string> = {
  'image/jpeg': 'JPEG',
  'image/png': 'PNG',
  'application/pdf': 'PDF',
};

/**
 * What the operator picked: a thumbnail (images) or the type (PDFs), name, size, type; with
 * `onView`, a button that opens it full size.
 */
export function TokenPreview({ token, onView }: { token: DocumentToken; onView?: () => void }) {
  return (
    <div class="token" data-testid="token">
      {token.thumbnail ? (
        <img class="thumb" src={token.thumbnail} alt={`Preview of ${token.name}`} />
      ) : (
        <span class="thumb pages" aria-hidden="true">
          {TYPE_NAMES[token.mime] ?? 'File'}
        </span>
      )}
      <span class="token-text">
        <span class="token-name" title={token.name}>
          {token.name}
        </span>
        <span class="muted">
          {formatBytes(token.size)} · {TYPE_NAMES[token.mime] ?? token.mime}
        </span>
      </span>
      {onView && (
        <button type="button" class="secondary small" data-testid="view-document" aria-label={`View ${token.name}`} onClick={onView}>
          View
        </button>
      )}
    </div>
  );
}
