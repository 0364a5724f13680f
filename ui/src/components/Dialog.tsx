import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

const FOCUSABLE =
  'input:not([disabled]), textarea:not([disabled]), select:not([disabled]), button:not([disabled]), [href], [tabindex]:not([tabindex="-1"])';

interface Props {
  /** The id of the element that names the dialog (its heading). */
  labelledBy: string;
  onClose: () => void;
  /** Modal: drawn over a backdrop, Tab stays inside. Otherwise it sits inline in the page. */
  modal?: boolean;
  testId?: string;
  class?: string;
  children: ComponentChildren;
}

/**
 * Focuses its first field on opening, closes on Escape, and gives focus back to whatever had it
 * before (the button that opened it) on closing.
 */
export function Dialog({ labelledBy, onClose, modal, testId, class: className, children }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const close = useRef(onClose);
  close.current = onClose;

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    ref.current?.querySelector<HTMLElement>(FOCUSABLE)?.focus();
    return () => {
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      close.current();
      return;
    }
    if (!modal || e.key !== 'Tab' || !ref.current) return;
    const items = [...ref.current.querySelectorAll<HTMLElement>(FOCUSABLE)];
    if (items.length === 0) return;
    const first = items[0];
    const last = items[items.length - 1];
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };

  const dialog = (
    <div
      ref={ref}
      role="dialog"
      aria-modal={modal ? 'true' : undefined}
      aria-labelledby={labelledBy}
      data-testid={testId}
      class={`dialog${modal ? ' modal' : ' inline-dialog'}${className ? ` ${className}` : ''}`}
      onKeyDown={onKeyDown}
    >
      {children}
    </div>
  );
  return modal ? <div class="backdrop">{dialog}</div> : dialog;
}
