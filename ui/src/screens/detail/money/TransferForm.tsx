import { useState } from 'preact/hooks';
import { useBackend } from '../../../api/backend';
import type { Currency, TransferDirection, UserBalances } from '../../../api/bindings';
import { ErrorBanner } from '../../../components/ErrorBanner';
import { Field } from '../../../components/Field';
import { Select } from '../../../components/Select';
import { amountProblem } from '../../../money';
import { useForm } from '../../../useForm';
import { CURRENCIES, currencyOptions, heldOf, MoveConfirm, type MoneyFormProps } from './common';

type F = 'direction' | 'currency' | 'amount' | 'confirmation';
interface Draft {
  direction: TransferDirection;
  currency: Currency;
  amount: string;
}

const DIRECTIONS = [
  { value: 'fund' as const, label: 'Fund the user from the partner balance' },
  { value: 'collect' as const, label: 'Collect from the user to the partner balance' },
];

/** Funds the user from the partner's balance or collects from them (supervisors, in a team). */
export function TransferForm({
  ext,
  environment,
  balances,
  partner,
  onMoved,
}: MoneyFormProps & { partner: UserBalances | null }) {
  const backend = useBackend();
  const { draft, errors, failure, busy, formRef, update, invalid, run } = useForm<Draft, F>(
    useState<Draft>({ direction: 'fund', currency: 'eur', amount: '' }),
    ['direction', 'currency', 'amount', 'confirmation'],
  );
  const [asking, setAsking] = useState(false);

  const submit = (e: Event) => {
    e.preventDefault();
    const problem = amountProblem(draft.amount, draft.currency);
    if (problem) return invalid({ amount: problem });
    setAsking(true);
  };
  const send = async (confirmation: string) => {
    const made = await run(() =>
      backend.call('money_transfer', { externalUserId: ext, form: { ...draft, confirmation } }),
    );
    setAsking(false);
    if (made) {
      const words = draft.direction === 'fund' ? 'Funded' : 'Collected';
      onMoved(made.user, `${words} ${draft.amount.trim()} ${draft.currency.toUpperCase()}`);
      update('amount', '');
    }
  };
  const upper = draft.currency.toUpperCase();
  const held = heldOf(balances, draft.currency);
  const partnerHeld = heldOf(partner, draft.currency);
  return (
    <>
    <form ref={formRef} class="grid-form" onSubmit={submit} noValidate data-testid="transfer-form">
      <h3 class="span-all">Fund or collect</h3>
      <ErrorBanner error={failure?.error ?? null} loose={failure?.loose} testId="transfer-error" />
      <Field prefix="transfer" name="direction" label="Direction" required error={errors.direction}>
        {(control) => (
          <Select {...control} options={DIRECTIONS} value={draft.direction} onChange={(v) => v && update('direction', v)} />
        )}
      </Field>
      <Field prefix="transfer" name="currency" label="Currency" required error={errors.currency}>
        {(control) => (
          <Select
            {...control}
            options={currencyOptions(CURRENCIES)}
            value={draft.currency}
            onChange={(v) => v && update('currency', v)}
          />
        )}
      </Field>
      <Field
        prefix="transfer"
        name="amount"
        label={`Amount (${upper})`}
        required
        hint={
          [
            held !== null ? `The user holds ${held} ${upper}` : '',
            partnerHeld !== null ? `the partner ${partnerHeld} ${upper}` : '',
          ]
            .filter(Boolean)
            .join(' · ') || undefined
        }
        error={errors.amount ?? errors.confirmation}
      >
        {(control) => (
          <input {...control} inputMode="decimal" autoComplete="off" value={draft.amount} onInput={(e) => update('amount', e.currentTarget.value)} />
        )}
      </Field>
      <div class="actions span-all">
        <button type="submit" class="primary" data-testid="transfer-submit" disabled={busy}>
          {draft.direction === 'fund' ? 'Fund…' : 'Collect…'}
        </button>
      </div>
    </form>
      {asking && (
        <MoveConfirm
          environment={environment}
          amount={draft.amount}
          title={draft.direction === 'fund' ? `Fund ${draft.amount.trim()} ${upper}?` : `Collect ${draft.amount.trim()} ${upper}?`}
          confirmLabel={draft.direction === 'fund' ? 'Fund the user' : 'Collect from the user'}
          testId="transfer"
          busy={busy}
          onCancel={() => setAsking(false)}
          onConfirm={(typed) => void send(typed)}
        >
          <p>
            {draft.direction === 'fund'
              ? `${draft.amount.trim()} ${upper} moves from the partner's balance to this user's. P100 settles it at once.`
              : `${draft.amount.trim()} ${upper} moves from this user's balance to the partner's. P100 settles it at once.`}
          </p>
        </MoveConfirm>
      )}
    </>
  );
}
