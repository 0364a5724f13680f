import { useCallback, useEffect, useState } from 'preact/hooks';
import { toCommandError, useBackend } from '../../api/backend';
import type { CardLimits, CardStatus, CardSummary, CommandError, NewCard, RevealedCard, UserRecord } from '../../api/bindings';
import { Coded } from '../../components/Coded';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Field } from '../../components/Field';
import { useForm } from '../../useForm';
import type { PanelProps } from './types';

/** How long a revealed number stays on screen. */
export const REVEAL_SECONDS = 30;

const STATUS_WORDS: Record<CardStatus, { text: string; tone: 'ok' | 'wait' | 'bad' | 'neutral' }> = {
  ACTIVE: { text: 'Active', tone: 'ok' },
  LOCKED_BY_USER: { text: 'Blocked', tone: 'wait' },
  BLOCKED: { text: 'Blocked by the issuer', tone: 'bad' },
  SUSPENDED: { text: 'Suspended by the issuer', tone: 'bad' },
  DELETED: { text: 'Deleted', tone: 'neutral' },
};

const LIMIT_FIELDS: Array<[keyof CardLimits, string]> = [
  ['dailyTrxAll', 'Per day, all payments'],
  ['monthlyTrxAll', 'Per month, all payments'],
  ['dailyTrxAtm', 'Per day, cash'],
  ['monthlyTrxAtm', 'Per month, cash'],
  ['dailyTrxEcom', 'Per day, online'],
  ['monthlyTrxEcom', 'Per month, online'],
];

/** A card number in groups of four, as it is printed on a card. */
const grouped = (n: string) => n.replace(/(\d{4})(?=\d)/g, '$1 ');

/**
 * The user's virtual cards, as P100 lists them: create one, reveal its number for 30 s, block,
 * unblock, set its PIN and limits, delete. The number and CVV reach the page only for a reveal
 * and are dropped when it ends.
 */
export function CardsPanel({ record, onUpdated }: PanelProps) {
  const backend = useBackend();
  const ext = record.externalUserId;
  const [cards, setCards] = useState<CardSummary[] | null>(null);
  const [error, setError] = useState<CommandError | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [shown, setShown] = useState<RevealedCard | null>(null);
  const [left, setLeft] = useState(0);
  const [deleting, setDeleting] = useState<CardSummary | null>(null);
  const [editing, setEditing] = useState<{ card: CardSummary; what: 'pin' | 'limits' } | null>(null);
  const [copied, setCopied] = useState<string | null>(null);

  const load = useCallback(() => {
    backend.call('cards_list', { externalUserId: ext }).then(
      (list) => {
        setCards(list);
        setError(null);
      },
      (e) => setError(toCommandError(e)),
    );
  }, [backend, ext]);

  useEffect(() => load(), [load, record.updatedAt]);

  // A revealed number counts down and is dropped from the page when the time is up.
  useEffect(() => {
    if (!shown) return;
    setLeft(REVEAL_SECONDS);
    const started = Date.now();
    const timer = setInterval(() => {
      const rest = REVEAL_SECONDS - Math.floor((Date.now() - started) / 1000);
      if (rest <= 0) setShown(null);
      else setLeft(rest);
    }, 250);
    return () => clearInterval(timer);
  }, [shown]);

  /** Runs one card action; the user's record (and so the list) follows. */
  const act = async (id: string, action: () => Promise<void>) => {
    setBusy(id);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(toCommandError(e));
    }
    setBusy(null);
  };

  const change = (card: CardSummary, command: 'card_block' | 'card_unblock' | 'card_delete', words: string) =>
    act(card.cardId, async () => {
      onUpdated(await backend.call(command, { externalUserId: ext, cardId: card.cardId }), `${words} the card ending ${card.cardLastDigits}`);
      if (shown?.cardId === card.cardId) setShown(null);
    });

  const live = (cards ?? []).filter((c) => c.status !== 'DELETED');
  return (
    <section class="panel" aria-labelledby="cards-title" data-testid="cards-panel">
      <h2 id="cards-title">Cards</h2>
      <ErrorBanner error={error} testId="cards-error" />
      <p class="muted" aria-live="polite" data-testid="card-copied">
        {copied ?? ''}
      </p>
      {cards === null ? (
        <p class="placeholder">{error ? '' : 'Loading…'}</p>
      ) : cards.length === 0 ? (
        <p class="muted" data-testid="cards-empty">
          No cards yet.
        </p>
      ) : (
        <table class="cards" data-testid="cards">
          <thead>
            <tr>
              <th scope="col">Card</th>
              <th scope="col">Label</th>
              <th scope="col">Status</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {cards.map((c) => {
              const status = STATUS_WORDS[c.status];
              const revealed = shown?.cardId === c.cardId ? shown : null;
              const deleted = c.status === 'DELETED';
              return (
                <tr key={c.cardId} data-testid="card-row" data-card-id={c.cardId} data-status={c.status}>
                  <td>
                    {revealed ? (
                      <span class="card-secret" data-testid="card-revealed">
                        <code data-testid="card-number">{grouped(revealed.cardNumber)}</code>
                        <span>
                          CVV <code data-testid="card-cvv">{revealed.cvv}</code> · expires {revealed.exp}
                        </span>
                        <span class="muted" aria-live="polite" data-testid="card-hides-in">
                          hidden again in {left} s
                        </span>
                      </span>
                    ) : (
                      <code>•••• {c.cardLastDigits}</code>
                    )}
                  </td>
                  <td>{c.label}</td>
                  <td>
                    <Coded code={c.status} words={status.text} tone={status.tone} />
                  </td>
                  <td>
                    {!deleted && (
                      <div class="card-actions">
                        {revealed ? (
                          <button type="button" class="secondary small" data-testid="card-hide" onClick={() => setShown(null)}>
                            Hide
                          </button>
                        ) : (
                          <button
                            type="button"
                            class="secondary small"
                            data-testid="card-reveal"
                            disabled={busy !== null}
                            onClick={() =>
                              void act(c.cardId, async () => setShown(await backend.call('card_reveal', { externalUserId: ext, cardId: c.cardId })))
                            }
                          >
                            Reveal
                          </button>
                        )}
                        <button
                          type="button"
                          class="secondary small"
                          data-testid="card-copy"
                          disabled={busy !== null}
                          aria-label={`Copy number of the card ending ${c.cardLastDigits}`}
                          onClick={() =>
                            void act(c.cardId, async () => {
                              const done = await backend.call('card_number_copy', { externalUserId: ext, cardId: c.cardId });
                              setCopied(
                                `The number of the card ending ${done.lastDigits} is on the clipboard for ${done.clipboardClearedAfterSecs} s`,
                              );
                            })
                          }
                        >
                          Copy number
                        </button>
                        {c.status === 'ACTIVE' && (
                          <button type="button" class="secondary small" data-testid="card-block" disabled={busy !== null} onClick={() => void change(c, 'card_block', 'Blocked')}>
                            Block
                          </button>
                        )}
                        {c.status === 'LOCKED_BY_USER' && (
                          <button type="button" class="secondary small" data-testid="card-unblock" disabled={busy !== null} onClick={() => void change(c, 'card_unblock', 'Unblocked')}>
                            Unblock
                          </button>
                        )}
                        <button type="button" class="secondary small" data-testid="card-pin-open" onClick={() => setEditing({ card: c, what: 'pin' })}>
                          PIN
                        </button>
                        <button type="button" class="secondary small" data-testid="card-limits-open" onClick={() => setEditing({ card: c, what: 'limits' })}>
                          Limits
                        </button>
                        <button type="button" class="danger small" data-testid="card-delete" disabled={busy !== null} onClick={() => setDeleting(c)}>
                          Delete
                        </button>
                      </div>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {editing?.what === 'pin' && (
        <PinForm
          ext={ext}
          card={editing.card}
          onDone={(r) => {
            setEditing(null);
            onUpdated(r, `New PIN set for the card ending ${editing.card.cardLastDigits}`);
          }}
          onCancel={() => setEditing(null)}
        />
      )}
      {editing?.what === 'limits' && (
        <LimitsForm
          ext={ext}
          card={editing.card}
          onDone={(r) => {
            setEditing(null);
            onUpdated(r, `New limits set for the card ending ${editing.card.cardLastDigits}`);
          }}
          onCancel={() => setEditing(null)}
        />
      )}
      {live.length < 10 && <NewCardForm ext={ext} onCreated={(r, label) => onUpdated(r, `Card “${label}” created`)} />}
      {deleting && (
        <ConfirmDialog
          title={`Delete the card ending ${deleting.cardLastDigits}?`}
          confirmLabel="Delete the card"
          confirmTestId="card-delete-confirm"
          busy={busy !== null}
          error={error}
          onConfirm={() => {
            const card = deleting;
            void change(card, 'card_delete', 'Deleted').then(() => setDeleting(null));
          }}
          onCancel={() => setDeleting(null)}
        >
          <p>A deleted card cannot pay and cannot come back.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}

type NewCardField = 'label' | 'pin' | 'pinAgain';
const EMPTY_CARD: NewCard = { label: '', pin: '', pinAgain: '' };

function NewCardForm({ ext, onCreated }: { ext: string; onCreated: (r: UserRecord, label: string) => void }) {
  const backend = useBackend();
  const { draft, errors, failure, busy, formRef, update, invalid, run, reset } = useForm<NewCard, NewCardField>(
    useState<NewCard>(EMPTY_CARD),
    ['label', 'pin', 'pinAgain'],
  );
  const submit = async (e: Event) => {
    e.preventDefault();
    const found: Partial<Record<NewCardField, string>> = {};
    if (draft.label.trim().length < 3 || draft.label.length > 30) found.label = 'A label of 3 to 30 characters';
    if (!/^\d{4}$/.test(draft.pin)) found.pin = 'Exactly 4 digits';
    if (draft.pin !== draft.pinAgain) found.pinAgain = 'The two PINs differ';
    if (Object.keys(found).length > 0) return invalid(found);
    const label = draft.label;
    const r = await run(() => backend.call('card_create', { externalUserId: ext, form: draft }));
    if (r) {
      reset(EMPTY_CARD);
      onCreated(r, label);
    }
  };
  return (
    <form ref={formRef} class="grid-form card-new" onSubmit={submit} noValidate data-testid="card-new">
      <h3 class="span-all">New virtual card</h3>
      <ErrorBanner error={failure?.error ?? null} loose={failure?.loose} testId="card-new-error" />
      <Field prefix="card" name="label" label="Label" required hint="3 to 30 characters, e.g. Groceries" error={errors.label}>
        {(control) => <input {...control} maxLength={30} value={draft.label} onInput={(e) => update('label', e.currentTarget.value)} />}
      </Field>
      <PinFields pin={draft.pin} again={draft.pinAgain} errors={errors} onPin={(v) => update('pin', v)} onAgain={(v) => update('pinAgain', v)} />
      <div class="actions span-all">
        <button type="submit" class="primary" data-testid="card-create" disabled={busy} aria-busy={busy}>
          {busy ? 'Creating…' : 'Create card'}
        </button>
      </div>
    </form>
  );
}

/** A PIN typed twice: hidden, digits only, never kept by the page after it is sent. */
function PinFields({
  pin,
  again,
  errors,
  onPin,
  onAgain,
}: {
  pin: string;
  again: string;
  errors: Partial<Record<'pin' | 'pinAgain', string>>;
  onPin: (v: string) => void;
  onAgain: (v: string) => void;
}) {
  const digits = { type: 'password', inputMode: 'numeric', autocomplete: 'off', maxLength: 4 } as const;
  return (
    <>
      <Field prefix="card" name="pin" label="PIN" required hint="4 digits" error={errors.pin}>
        {(control) => <input {...control} {...digits} value={pin} onInput={(e) => onPin(e.currentTarget.value)} />}
      </Field>
      <Field prefix="card" name="pinAgain" label="PIN again" required error={errors.pinAgain}>
        {(control) => <input {...control} {...digits} value={again} onInput={(e) => onAgain(e.currentTarget.value)} />}
      </Field>
    </>
  );
}

type PinField = 'pin' | 'pinAgain';

/** A form about one card, shown under the list: what it sends answers with the user's record. */
interface CardFormProps {
  ext: string;
  card: CardSummary;
  onDone: (r: UserRecord) => void;
  onCancel: () => void;
}

function PinForm({ ext, card, onDone, onCancel }: CardFormProps) {
  const backend = useBackend();
  const { draft, errors, failure, busy, formRef, update, invalid, run } = useForm<{ pin: string; pinAgain: string }, PinField>(
    useState({ pin: '', pinAgain: '' }),
    ['pin', 'pinAgain'],
  );
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!/^\d{4}$/.test(draft.pin)) return invalid({ pin: 'Exactly 4 digits' });
    if (draft.pin !== draft.pinAgain) return invalid({ pinAgain: 'The two PINs differ' });
    const r = await run(() => backend.call('card_pin_set', { externalUserId: ext, cardId: card.cardId, pin: draft }));
    if (r) onDone(r);
  };
  return (
    <form ref={formRef} class="grid-form" onSubmit={submit} noValidate data-testid="card-pin-form">
      <h3 class="span-all">New PIN for the card ending {card.cardLastDigits}</h3>
      <ErrorBanner error={failure?.error ?? null} loose={failure?.loose} testId="card-pin-error" />
      <PinFields pin={draft.pin} again={draft.pinAgain} errors={errors} onPin={(v) => update('pin', v)} onAgain={(v) => update('pinAgain', v)} />
      <div class="actions span-all">
        <button type="submit" class="primary" data-testid="card-pin-save" disabled={busy}>
          Set PIN
        </button>
        <button type="button" class="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function LimitsForm({ ext, card, onDone, onCancel }: CardFormProps) {
  const backend = useBackend();
  const [loaded, setLoaded] = useState<CommandError | null>(null);
  const form = useForm<Record<keyof CardLimits, string>, keyof CardLimits>(
    useState<Record<keyof CardLimits, string>>({
      dailyTrxAll: '',
      monthlyTrxAll: '',
      dailyTrxAtm: '',
      monthlyTrxAtm: '',
      dailyTrxEcom: '',
      monthlyTrxEcom: '',
    }),
    LIMIT_FIELDS.map(([k]) => k),
  );
  const { draft, errors, failure, busy, formRef, update, invalid, run, reset } = form;
  useEffect(() => {
    backend.call('card_limits_get', { externalUserId: ext, cardId: card.cardId }).then(
      (l) => reset(Object.fromEntries(LIMIT_FIELDS.map(([k]) => [k, String(l[k])])) as Record<keyof CardLimits, string>),
      (e) => setLoaded(toCommandError(e)),
    );
    // `reset` is a new function each render; the limits are read once per card.
    // eslint-disable-next-line react-hooks/exhaustive-deps -- see above
  }, [backend, ext, card.cardId]);
  const submit = async (e: Event) => {
    e.preventDefault();
    const found: Partial<Record<keyof CardLimits, string>> = {};
    const limits = {} as CardLimits;
    for (const [k] of LIMIT_FIELDS) {
      const v = Number(draft[k]);
      if (draft[k].trim() === '' || !Number.isFinite(v) || v < 0 || v > 1_000_000) found[k] = 'A number of euros from 0 to 1,000,000';
      else if (Math.round(v * 100) !== v * 100) found[k] = 'At most 2 decimals';
      limits[k] = v;
    }
    for (const kind of ['All', 'Atm', 'Ecom'] as const) {
      const daily = `dailyTrx${kind}` as const;
      if (!found[daily] && limits[daily] > limits[`monthlyTrx${kind}`]) found[daily] = 'Not more than the monthly limit';
    }
    if (Object.keys(found).length > 0) return invalid(found);
    const r = await run(() => backend.call('card_limits_set', { externalUserId: ext, cardId: card.cardId, limits }));
    if (r) onDone(r);
  };
  return (
    <form ref={formRef} class="grid-form" onSubmit={submit} noValidate data-testid="card-limits-form">
      <h3 class="span-all">Limits of the card ending {card.cardLastDigits}, in euros</h3>
      <ErrorBanner error={loaded ?? failure?.error ?? null} loose={failure?.loose} testId="card-limits-error" />
      {LIMIT_FIELDS.map(([k, label]) => (
        <Field key={k} prefix="card" name={k} label={label} required error={errors[k]}>
          {(control) => <input {...control} inputMode="decimal" value={draft[k]} onInput={(e) => update(k, e.currentTarget.value)} />}
        </Field>
      ))}
      <div class="actions span-all">
        <button type="submit" class="primary" data-testid="card-limits-save" disabled={busy}>
          Set limits
        </button>
        <button type="button" class="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
