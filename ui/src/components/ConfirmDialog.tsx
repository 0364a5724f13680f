import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { CommandError } from '../api/bindings';
import { Dialog } from './Dialog';
import { ErrorBanner } from './ErrorBanner';

let seq = 0;

interface Props {
  title: string;
  /** What will happen, in words. */
  children: ComponentChildren;
  confirmLabel: string;
  confirmTestId?: string;
  /**
   * When given, the operator must type one of these (e.g. the e-mail or the id) before the
   * confirm button enables; what was typed is passed to `onConfirm`.
   */
  expected?: readonly string[];
  inputLabel?: string;
  inputTestId?: string;
  busy?: boolean;
  error?: CommandError | null;
  danger?: boolean;
  onConfirm: (typed: string) => void;
  onCancel: () => void;
}

/** A modal question before an action that cannot be undone. */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  confirmTestId,
  expected,
  inputLabel = 'Type to confirm',
  inputTestId,
  busy = false,
  error = null,
  danger = true,
  onConfirm,
  onCancel,
}: Props) {
  const [id] = useState(() => `confirm-${++seq}`);
  const [typed, setTyped] = useState('');
  const wanted = (expected ?? []).filter(Boolean);
  const matches = !expected || wanted.includes(typed.trim());

  return (
    <Dialog labelledBy={`${id}-title`} onClose={() => !busy && onCancel()} modal testId="confirm-dialog">
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (matches && !busy) onConfirm(typed.trim());
        }}
      >
        <h2 id={`${id}-title`}>{title}</h2>
        <div class="dialog-body">{children}</div>
        {expected && (
          <div class="field">
            <label for={`${id}-input`}>{inputLabel}</label>
            <input
              id={`${id}-input`}
              type="text"
              autoComplete="off"
              spellcheck={false}
              data-testid={inputTestId}
              value={typed}
              aria-describedby={`${id}-hint`}
              onInput={(e) => setTyped(e.currentTarget.value)}
            />
            <p id={`${id}-hint`} class="hint">
              Type exactly: {wanted.map((w, i) => (
                <span key={w}>
                  {i > 0 && ' or '}
                  <code>{w}</code>
                </span>
              ))}
            </p>
          </div>
        )}
        <ErrorBanner error={error} />
        <div class="actions">
          <button
            type="submit"
            class={danger ? 'danger' : 'primary'}
            data-testid={confirmTestId}
            disabled={!matches || busy}
            aria-busy={busy}
          >
            {busy ? 'Working…' : confirmLabel}
          </button>
          <button type="button" class="secondary" onClick={onCancel} disabled={busy}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
