import { useState } from 'preact/hooks';
import { toCommandError, useBackend } from '../../api/backend';
import type { CommandError, UserRecord } from '../../api/bindings';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Dialog } from '../../components/Dialog';
import { ErrorBanner } from '../../components/ErrorBanner';
import { displayName } from '../../format';
import type { PanelProps } from './types';

type Open = 'suspend' | 'unsuspend' | 'delete' | null;
type Busy = 'extend' | 'suspend' | 'unsuspend' | 'delete' | null;

/** Why P100 refuses a suspension, in words (the code alone means nothing to an operator). */
export const P454_TEXT = 'The user has active cards: P100 suspends a user only once every card is blocked';

export function AccountPanel({
  record,
  onUpdated,
  onDeleted,
}: PanelProps & { onDeleted: (record: UserRecord) => void }) {
  const backend = useBackend();
  const [open, setOpen] = useState<Open>(null);
  const [busy, setBusy] = useState<Busy>(null);
  const [error, setError] = useState<CommandError | null>(null);
  const ext = record.externalUserId;
  const suspended = record.status === 'SUSPENDED';
  const poaFirst = record.poaRequiredForExtended && record.poaStatus !== 'APPROVED';

  const show = (which: Open) => {
    setError(null);
    setOpen(which);
  };

  const act = async (which: Exclude<Busy, null>, call: () => Promise<UserRecord>, done: (r: UserRecord) => void) => {
    setBusy(which);
    setError(null);
    try {
      const updated = await call();
      setOpen(null);
      setBusy(null);
      done(updated);
    } catch (e) {
      setError(toCommandError(e));
      setBusy(null);
    }
  };

  return (
    <section class="panel" aria-labelledby="account-title" data-testid="account-panel">
      <h2 id="account-title">Account</h2>
      <div class="account-actions">
        <div class="account-action">
          <button
            type="button"
            class="primary"
            data-testid="action-extend"
            disabled={busy !== null}
            aria-busy={busy === 'extend'}
            aria-describedby={poaFirst ? 'extend-poa-note' : undefined}
            onClick={() => {
              setOpen(null);
              void act('extend', () => backend.call('user_extend', { externalUserId: ext }), (r) =>
                onUpdated(r, `${displayName(r)} now has the extended level`),
              );
            }}
          >
            {busy === 'extend' ? 'Extending…' : 'Extend'}
          </button>
          <span class="muted">
            {record.extended ? 'The account is already extended.' : 'Raise the account to the extended level.'}
          </span>
          {poaFirst && (
            <p id="extend-poa-note" class="note" data-testid="extend-poa-note">
              Proof of address must be approved first
              {record.poaStatus ? ` (it is ${record.poaStatus.toLowerCase()})` : ' (none uploaded yet)'}. You can still try.
            </p>
          )}
        </div>
        <div class="account-action">
          {suspended ? (
            <button
              type="button"
              class="secondary"
              data-testid="action-unsuspend"
              disabled={busy !== null}
              aria-expanded={open === 'unsuspend'}
              onClick={() => show('unsuspend')}
            >
              Unsuspend…
            </button>
          ) : (
            <button
              type="button"
              class="secondary"
              data-testid="action-suspend"
              disabled={busy !== null}
              aria-expanded={open === 'suspend'}
              onClick={() => show('suspend')}
            >
              Suspend…
            </button>
          )}
          <span class="muted">
            {suspended ? 'The account is suspended.' : 'Block the account; it can be unsuspended later.'}
          </span>
        </div>
        <div class="account-action">
          <button
            type="button"
            class="danger"
            data-testid="action-delete"
            disabled={busy !== null}
            onClick={() => show('delete')}
          >
            Delete…
          </button>
          <span class="muted">Deletes the user at P100. This cannot be undone.</span>
        </div>
      </div>

      {open === null && <ErrorBanner error={error} testId="account-error" />}

      {open === 'suspend' && (
        <ReasonDialog
          kind="suspend"
          title={`Suspend ${displayName(record)}`}
          required
          busy={busy === 'suspend'}
          error={error}
          onCancel={() => show(null)}
          onConfirm={(reason) =>
            void act('suspend', () => backend.call('user_suspend', { externalUserId: ext, reason }), (r) =>
              onUpdated(r, `Suspended ${displayName(r)}`),
            )
          }
          onBlockCardsThenSuspend={(reason) =>
            void act('suspend', () => backend.call('user_suspend_blocking_cards', { externalUserId: ext, reason }), (r) =>
              onUpdated(r, `Blocked every active card and suspended ${displayName(r)}`),
            )
          }
        />
      )}
      {open === 'unsuspend' && (
        <ReasonDialog
          kind="unsuspend"
          title={`Unsuspend ${displayName(record)}`}
          required={false}
          busy={busy === 'unsuspend'}
          error={error}
          onCancel={() => show(null)}
          onConfirm={(reason) =>
            void act('unsuspend', () => backend.call('user_unsuspend', { externalUserId: ext, reason }), (r) =>
              onUpdated(r, `Unsuspended ${displayName(r)}`),
            )
          }
        />
      )}
      {open === 'delete' && (
        <ConfirmDialog
          title={`Delete ${displayName(record)}?`}
          confirmLabel="Delete user"
          confirmTestId="delete-confirm"
          expected={[record.email ?? '', ext]}
          inputLabel="Type the user's e-mail or external user ID to confirm"
          inputTestId="delete-confirmation"
          busy={busy === 'delete'}
          error={error}
          onCancel={() => show(null)}
          onConfirm={(typed) =>
            void act('delete', () => backend.call('user_delete', { externalUserId: ext, confirmation: typed }), onDeleted)
          }
        >
          <p>
            P100 deletes the user and their account. The desk keeps the row, marked deleted, for the record. This
            cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

interface ReasonProps {
  kind: 'suspend' | 'unsuspend';
  title: string;
  required: boolean;
  busy: boolean;
  error: CommandError | null;
  onConfirm: (reason: string) => void;
  /** P454's way out, offered once P100 refused a suspension for the user's active cards. */
  onBlockCardsThenSuspend?: (reason: string) => void;
  onCancel: () => void;
}

/** The inline suspend/unsuspend question, with the reason kept in the journal. */
function ReasonDialog({ kind, title, required, busy, error, onConfirm, onBlockCardsThenSuspend, onCancel }: ReasonProps) {
  const [reason, setReason] = useState('');
  const fieldError = error?.fields.find((f) => f.field === 'reason')?.message;
  const blank = reason.trim() === '';
  const inputId = `${kind}-reason-input`;

  return (
    <Dialog labelledBy={`${kind}-title`} onClose={() => !busy && onCancel()} testId={`${kind}-dialog`}>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (!busy && !(required && blank)) onConfirm(reason.trim());
        }}
      >
        <h3 id={`${kind}-title`}>{title}</h3>
        <div class={`field${fieldError ? ' invalid' : ''}`}>
          <label for={inputId}>
            Reason{required ? '' : ' (optional)'}
            {required && (
              <span class="req" aria-hidden="true">
                {' '}*
              </span>
            )}
          </label>
          <textarea
            id={inputId}
            name="reason"
            rows={3}
            maxLength={500}
            data-testid={`${kind}-reason`}
            value={reason}
            aria-required={required ? 'true' : undefined}
            aria-invalid={fieldError ? 'true' : undefined}
            aria-describedby={`${kind}-reason-hint${fieldError ? ` ${kind}-error-reason` : ''}`}
            onInput={(e) => setReason(e.currentTarget.value)}
          />
          <p id={`${kind}-reason-hint`} class="hint">
            {required ? 'Required. ' : ''}Kept in the journal and the user's timeline.
          </p>
          {fieldError && (
            <p id={`${kind}-error-reason`} class="field-error" data-testid={`${kind}-error-reason`}>
              {fieldError}
            </p>
          )}
        </div>
        {error?.p100Code === 'P454' && (
          <div class="note bad" role="alert" data-testid="suspend-p454">
            <p>{P454_TEXT}.</p>
            {onBlockCardsThenSuspend && (
              <button
                type="button"
                class="danger"
                data-testid="suspend-block-cards"
                disabled={busy || blank}
                onClick={() => onBlockCardsThenSuspend(reason.trim())}
              >
                Block every active card, then suspend
              </button>
            )}
          </div>
        )}
        {!fieldError && <ErrorBanner error={error} testId={`${kind}-error`} />}
        <div class="actions">
          <button
            type="submit"
            class={kind === 'suspend' ? 'danger' : 'primary'}
            data-testid={`${kind}-confirm`}
            disabled={busy || (required && blank)}
            aria-busy={busy}
          >
            {busy ? 'Working…' : kind === 'suspend' ? 'Suspend' : 'Unsuspend'}
          </button>
          <button type="button" class="secondary" data-testid={`${kind}-cancel`} disabled={busy} onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
