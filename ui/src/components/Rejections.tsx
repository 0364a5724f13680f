import type { DocumentRejection } from '../api/bindings';

/** Files Rust would not take (wrong type by content, too big, unreadable), each with why. */
export function Rejections({ items, testId }: { items: DocumentRejection[]; testId?: string }) {
  if (items.length === 0) return null;
  return (
    <div class="error-banner" role="alert" data-testid={testId}>
      <p>{items.length === 1 ? 'This file was not added:' : 'These files were not added:'}</p>
      <ul>
        {items.map((r, i) => (
          <li key={i}>
            <strong>{r.name}</strong>: {r.message}
          </li>
        ))}
      </ul>
    </div>
  );
}
