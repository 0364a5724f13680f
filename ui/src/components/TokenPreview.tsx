import type { DocumentToken } from '../api/bindings';
import { formatBytes } from '../format';

const TYPE_NAMES: Record<string, string> = {
  'image/jpeg': 'JPEG',
  'image/png': 'PNG',
  'application/pdf': 'PDF',
};

/** What the operator picked: a thumbnail (images) or the page count (PDFs), name, size, type. */
export function TokenPreview({ token }: { token: DocumentToken }) {
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
    </div>
  );
}
