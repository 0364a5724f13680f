import { useEffect } from 'preact/hooks';

export interface ToastMessage {
  /** New for every toast, so the same text shown twice restarts the timer. */
  id: number;
  kind: 'success' | 'error';
  text: string;
}

const SHOW_MS = 6000;

export function Toast({ toast, onDone }: { toast: ToastMessage | null; onDone: () => void }) {
  useEffect(() => {
    if (!toast) return;
    const timer = setTimeout(onDone, SHOW_MS);
    return () => clearTimeout(timer);
  }, [toast, onDone]);
  // The live region stays mounted so screen readers announce what appears in it.
  return (
    <div class="toast-region" aria-live="polite">
      {toast && (
        <div
          class={`toast ${toast.kind}`}
          data-testid="toast"
          role={toast.kind === 'error' ? 'alert' : 'status'}
        >
          {toast.text}
        </div>
      )}
    </div>
  );
}
