import { useEffect } from 'preact/hooks';

export interface ToastMessage {
  /** New for every toast, so the same text shown twice is two toasts. */
  id: number;
  kind: 'success' | 'error';
  text: string;
}

/** How long a success stays; an error stays until the operator dismisses it. */
const SUCCESS_MS = 6000;
/** Toasts kept at once (one success at most): past that the oldest goes. */
export const MAX_TOASTS = 5;

/**
 * `list` with `toast` on top (newest first), within [`MAX_TOASTS`]. A success replaces the
 * success before it — "Saved" then "Sent" needs only the latest, and a column of confirmations
 * would cover the page's buttons — while errors stack until each is dismissed.
 */
export function stacked(list: ToastMessage[], toast: ToastMessage): ToastMessage[] {
  const kept = toast.kind === 'success' ? list.filter((t) => t.kind !== 'success') : list;
  const next = [toast, ...kept];
  while (next.length > MAX_TOASTS) {
    // The newest stays; the oldest goes.
    next.splice(next.length - 1, 1);
  }
  return next;
}

/**
 * The toasts, newest on top. A success fades by itself; an error stays until dismissed, so an
 * operator who looked away still reads what failed.
 */
export function Toasts({ toasts, onDismiss }: { toasts: ToastMessage[]; onDismiss: (id: number) => void }) {
  // The live region stays mounted so screen readers announce what appears in it.
  return (
    <div class="toast-region" aria-live="polite">
      {toasts.map((t) => (
        <Toast key={t.id} toast={t} onDismiss={onDismiss} />
      ))}
    </div>
  );
}

function Toast({ toast, onDismiss }: { toast: ToastMessage; onDismiss: (id: number) => void }) {
  useEffect(() => {
    if (toast.kind !== 'success') return;
    const timer = setTimeout(() => onDismiss(toast.id), SUCCESS_MS);
    return () => clearTimeout(timer);
  }, [toast, onDismiss]);
  return (
    <div class={`toast ${toast.kind}`} data-kind={toast.kind} role={toast.kind === 'error' ? 'alert' : 'status'}>
      {/* The text alone carries the test id: what a test reads is what the toast says. */}
      <span class="toast-text" data-testid="toast">
        {toast.text}
      </span>
      <button type="button" class="toast-dismiss" aria-label="Dismiss" data-testid="toast-dismiss" onClick={() => onDismiss(toast.id)}>
        ×
      </button>
    </div>
  );
}
