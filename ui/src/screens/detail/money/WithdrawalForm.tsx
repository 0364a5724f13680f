import { useEffect, useState } from 'preact/hooks';
import { useBackend } from '../../../api/backend';
import type { Currency, Network, ReceiverType, WalletType } from '../../../api/bindings';
import { ErrorBanner } from '../../../components/ErrorBanner';
import { Field } from '../../../components/Field';
import { Select } from '../../../components/Select';
import { amountProblem } from '../../../money';
import { useForm } from '../../../useForm';
import { CRYPTO, currencyOptions, heldOf, MoveConfirm, NETWORKS, type MoneyFormProps } from './common';

type F = 'currency' | 'network' | 'amount' | 'walletAddress' | 'name' | 'walletType' | 'receiverType' | 'memo' | 'confirmation';
interface Draft {
  currency: Currency;
  network: Network;
  amount: string;
  walletAddress: string;
  name: string;
  walletType: WalletType;
  receiverType: ReceiverType;
  memo: string;
}

const WALLET_TYPES = [
  { value: 'NON_CUSTODIAL' as const, label: 'Non-custodial (the owner holds the keys)' },
  { value: 'CUSTODIAL' as const, label: 'Custodial (an exchange or a provider)' },
  { value: 'OTHER' as const, label: 'Other' },
];
const RECEIVER_TYPES = [
  { value: 'NATURAL' as const, label: 'A person' },
  { value: 'LEGAL' as const, label: 'A company' },
];

/**
 * Crypto out to a wallet outside P100 (supervisors, in a team): the network's fee is shown as
 * P100 gives it, and the minimum from the user's balance for that network.
 */
export function WithdrawalForm({ ext, environment, balances, onMoved }: MoneyFormProps) {
  const backend = useBackend();
  const { draft, errors, failure, busy, formRef, update, invalid, run } = useForm<Draft, F>(
    useState<Draft>({
      currency: 'btc',
      network: 'btc',
      amount: '',
      walletAddress: '',
      name: '',
      walletType: 'NON_CUSTODIAL',
      receiverType: 'NATURAL',
      memo: '',
    }),
    ['currency', 'network', 'amount', 'walletAddress', 'name', 'walletType', 'receiverType', 'memo', 'confirmation'],
  );
  const [fee, setFee] = useState<number | null>(null);
  const [asking, setAsking] = useState(false);

  // P100's fee for this currency and network, read again when either changes.
  useEffect(() => {
    let stale = false;
    setFee(null);
    backend.call('network_fee', { currency: draft.currency, network: draft.network }).then(
      (f) => !stale && setFee(f.networkFee),
      () => !stale && setFee(null),
    );
    return () => {
      stale = true;
    };
  }, [backend, draft.currency, draft.network]);

  const upper = draft.currency.toUpperCase();
  const config = balances?.cryptoBalances.find((b) => b.name === draft.currency)?.networkConfig[draft.network];
  const minimum = config?.withdrawal.minWithdrawal;
  const held = heldOf(balances, draft.currency);

  const submit = (e: Event) => {
    e.preventDefault();
    const found: Partial<Record<F, string>> = {};
    const problem = amountProblem(draft.amount, draft.currency);
    if (problem) found.amount = problem;
    else if (minimum !== undefined && Number(draft.amount.replace(',', '.')) < minimum)
      found.amount = `At least ${minimum} ${upper} on ${draft.network}`;
    if (!draft.walletAddress.trim()) found.walletAddress = 'The wallet address to send to';
    if (!draft.name.trim()) found.name = "The beneficiary's name (the travel rule asks for it)";
    if (Object.keys(found).length > 0) return invalid(found);
    setAsking(true);
  };
  const send = async (confirmation: string) => {
    const made = await run(() =>
      backend.call('withdrawal_create', {
        externalUserId: ext,
        form: { ...draft, memo: draft.memo.trim() || null, confirmation },
      }),
    );
    setAsking(false);
    if (made) {
      onMoved(made.user, `Withdrawal of ${draft.amount.trim()} ${upper} sent`);
      update('amount', '');
    }
  };
  return (
    <>
      <form ref={formRef} class="grid-form" onSubmit={submit} noValidate data-testid="withdrawal-form">
        <h3 class="span-all">Crypto withdrawal</h3>
        <ErrorBanner error={failure?.error ?? null} loose={failure?.loose} testId="withdrawal-error" />
        <Field prefix="withdrawal" name="currency" label="Currency" required error={errors.currency}>
          {(control) => (
            <Select
              {...control}
              options={currencyOptions(CRYPTO)}
              value={draft.currency}
              onChange={(v) => {
                if (!v) return;
                update('currency', v);
                update('network', NETWORKS[v][0]);
              }}
            />
          )}
        </Field>
        <Field prefix="withdrawal" name="network" label="Network" required error={errors.network}>
          {(control) => (
            <Select
              {...control}
              options={NETWORKS[draft.currency].map((n) => ({ value: n, label: n }))}
              value={draft.network}
              onChange={(v) => v && update('network', v)}
            />
          )}
        </Field>
        <Field
          prefix="withdrawal"
          name="amount"
          label={`Amount (${upper})`}
          required
          hint={[
            fee !== null ? `Network fee ${fee} ${upper}, charged besides the amount` : 'Asking P100 for the fee…',
            minimum !== undefined ? `minimum ${minimum} ${upper}` : '',
            held !== null ? `the user holds ${held} ${upper}` : '',
          ]
            .filter(Boolean)
            .join(' · ')}
          error={errors.amount ?? errors.confirmation}
        >
          {(control) => (
            <input {...control} inputMode="decimal" autoComplete="off" value={draft.amount} onInput={(e) => update('amount', e.currentTarget.value)} />
          )}
        </Field>
        <Field prefix="withdrawal" name="walletAddress" label="Wallet address" required error={errors.walletAddress}>
          {(control) => (
            <input {...control} autoComplete="off" spellcheck={false} value={draft.walletAddress} onInput={(e) => update('walletAddress', e.currentTarget.value)} />
          )}
        </Field>
        <Field prefix="withdrawal" name="name" label="Beneficiary's name" required error={errors.name}>
          {(control) => <input {...control} autoComplete="off" value={draft.name} onInput={(e) => update('name', e.currentTarget.value)} />}
        </Field>
        <Field prefix="withdrawal" name="walletType" label="Wallet type" required error={errors.walletType}>
          {(control) => <Select {...control} options={WALLET_TYPES} value={draft.walletType} onChange={(v) => v && update('walletType', v)} />}
        </Field>
        <Field prefix="withdrawal" name="receiverType" label="Receiver" required error={errors.receiverType}>
          {(control) => <Select {...control} options={RECEIVER_TYPES} value={draft.receiverType} onChange={(v) => v && update('receiverType', v)} />}
        </Field>
        <Field prefix="withdrawal" name="memo" label="Memo" error={errors.memo}>
          {(control) => <input {...control} autoComplete="off" value={draft.memo} onInput={(e) => update('memo', e.currentTarget.value)} />}
        </Field>
        <div class="actions span-all">
          <button type="submit" class="primary" data-testid="withdrawal-submit" disabled={busy}>
            Withdraw…
          </button>
        </div>
      </form>
      {asking && (
        <MoveConfirm
          environment={environment}
          amount={draft.amount}
          title={`Withdraw ${draft.amount.trim()} ${upper}?`}
          confirmLabel="Withdraw"
          testId="withdrawal"
          busy={busy}
          onCancel={() => setAsking(false)}
          onConfirm={(typed) => void send(typed)}
        >
          <p>
            {draft.amount.trim()} {upper} over {draft.network} to <code>{draft.walletAddress.trim()}</code>
            {fee !== null ? `, plus the network fee of ${fee} ${upper}` : ''}. Crypto sent out of P100 cannot be called back.
          </p>
        </MoveConfirm>
      )}
    </>
  );
}
