import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';

const FOCUSABLE =
  'input:not([disabled]), textarea:not([disabled]), select:not([disabled]), button:not([disabled]), [href], [tabindex]:not([tabindex="-1"])';

interface Props {
  /** The id of the element that names the dialog (its heading). */
  labelledBy: string;
  onClose: () => void;
  /** Modal: `showModal()` — the page under it inert, for assistive tech too. Otherwise inline. */
  modal?: boolean;
  testId?: string;
  class?: string;
  children: ComponentChildren;
}

/**
 * A native `<dialog>`. Modal ones open with `showModal()`: the browser draws the backdrop, keeps
 * focus and the accessibility tree inside and makes the rest of the page inert. Either kind
 * focuses its first field on opening, asks its owner to close on Escape (the owner holds the
 * open state, and may say no while busy), and gives focus back to whatever had it before (the
 * button that opened it) on closing.
 */
export function Dialog({ labelledBy, onClose, modal, testId, class: className, children }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const close = useRef(onClose);
  close.current = onClose;

  // A layout effect: the dialog is open in the same task that inserts it, so nothing (a person's
  // next key, a test's next command) ever meets it in the page but not yet open.
  useLayoutEffect(() => {
    const d = ref.current;
    if (!d) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    // jsdom (the unit tests) has no showModal; there the dialog is simply open.
    const native = modal && typeof d.showModal === 'function';
    if (native) d.showModal();
    else d.setAttribute('open', '');
    d.querySelector<HTMLElement>(FOCUSABLE)?.focus();

    // A modal dialog hears Escape as `cancel`; closing it is the owner's call, not the browser's.
    const onCancel = (e: Event) => {
      e.preventDefault();
      close.current();
    };
    // An inline (or jsdom's) dialog has no `cancel`: it listens for the key itself.
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      e.preventDefault();
      e.stopPropagation();
      close.current();
    };
    d.addEventListener('cancel', onCancel);
    if (!native) d.addEventListener('keydown', onKey);
    return () => {
      d.removeEventListener('cancel', onCancel);
      d.removeEventListener('keydown', onKey);
      if (d.open && typeof d.close === 'function') d.close();
      if (opener?.isConnected) opener.focus();
    };
  }, [modal]);

  return (
    <dialog
      ref={ref}
      aria-labelledby={labelledBy}
      data-testid={testId}
      class={`dialog${modal ? ' modal' : ' inline-dialog'}${className ? ` ${className}` : ''}`}
    >
      {children}
    </dialog>
  );
}
