import { useState } from 'preact/hooks';
import { useBackend } from '../../../api/backend';
import type { DepositWalletType, TravelRuleDetails } from '../../../api/bindings';
import { ErrorBanner } from '../../../components/ErrorBanner';
import { Field } from '../../../components/Field';
import { Select } from '../../../components/Select';
import { useForm } from '../../../useForm';
import type { MoneyFormProps } from './common';

type Sender = 'own' | 'person' | 'company';
type F = 'cryptoDepositId' | 'walletType' | 'details' | 'firstName' | 'lastName' | 'country' | 'companyName' | 'vatId';
interface Draft {
  cryptoDepositId: string;
  walletType: DepositWalletType;
  sender: Sender;
  firstName: string;
  lastName: string;
  country: string;
  companyName: string;
  vatId: string;
}

const WALLET_TYPES = [
  { value: 'SELF_CUSTODY' as const, label: "Self-custody (the sender's own keys)" },
  { value: 'CUSTODIAL' as const, label: 'Custodial (an exchange or a provider)' },
];
const SENDERS = [
  { value: 'own' as const, label: "The user's own wallet" },
  { value: 'person' as const, label: 'Another person' },
  { value: 'company' as const, label: 'A company' },
];

/** The sender's data for a crypto deposit P100 holds in WAITING_FOR_TR_DATA. */
export function TravelRuleForm({
  ext,
  depositId,
  onMoved,
}: Pick<MoneyFormProps, 'ext' | 'onMoved'> & { depositId: string }) {
  const backend = useBackend();
  const { draft, errors, failure, busy, formRef, update, invalid, run, reset } = useForm<Draft, F>(
    useState<Draft>({
      cryptoDepositId: depositId,
      walletType: 'SELF_CUSTODY',
      sender: 'own',
      firstName: '',
      lastName: '',
      country: '',
      companyName: '',
      vatId: '',
    }),
    ['cryptoDepositId', 'walletType', 'details', 'firstName', 'lastName', 'country', 'companyName', 'vatId'],
  );
  const text = (v: string) => v.trim() || undefined;
  const submit = async (e: Event) => {
    e.preventDefault();
    const found: Partial<Record<F, string>> = {};
    if (!draft.cryptoDepositId.trim()) found.cryptoDepositId = "The deposit's id, from its webhook";
    if (draft.sender === 'person' && !draft.firstName.trim()) found.firstName = "The sender's first name";
    if (draft.sender === 'person' && !draft.lastName.trim()) found.lastName = "The sender's last name";
    if (draft.sender === 'company' && !draft.companyName.trim()) found.companyName = "The company's name";
    if (Object.keys(found).length > 0) return invalid(found);
    const details: TravelRuleDetails =
      draft.sender === 'own'
        ? { iAmOwnerOfWallet: true }
        : draft.sender === 'person'
          ? { firstName: text(draft.firstName), lastName: text(draft.lastName), country: text(draft.country.toUpperCase()) }
          : { companyName: text(draft.companyName), vatId: text(draft.vatId), country: text(draft.country.toUpperCase()) };
    const user = await run(() =>
      backend.call('travel_rule_update', {
        externalUserId: ext,
        cryptoDepositId: draft.cryptoDepositId.trim(),
        update: { walletType: draft.walletType, details },
      }),
    );
    if (user) {
      onMoved(user, 'Travel rule data given: P100 checks the deposit and credits it');
      reset({ ...draft, cryptoDepositId: '' });
    }
  };
  return (
    <form ref={formRef} class="grid-form" onSubmit={submit} noValidate data-testid="travel-form">
      <h3 class="span-all">Travel rule for a held deposit</h3>
      <ErrorBanner error={failure?.error ?? null} loose={failure?.loose} testId="travel-error" />
      <Field prefix="travel" name="cryptoDepositId" label="Deposit id" required error={errors.cryptoDepositId}>
        {(control) => (
          <input {...control} autoComplete="off" spellcheck={false} value={draft.cryptoDepositId} onInput={(e) => update('cryptoDepositId', e.currentTarget.value)} />
        )}
      </Field>
      <Field prefix="travel" name="walletType" label="Sender's wallet" required error={errors.walletType}>
        {(control) => <Select {...control} options={WALLET_TYPES} value={draft.walletType} onChange={(v) => v && update('walletType', v)} />}
      </Field>
      <Field prefix="travel" name="details" label="Sent by" required error={errors.details}>
        {(control) => (
          <Select {...control} options={SENDERS} value={draft.sender} onChange={(v) => v && reset({ ...draft, sender: v })} />
        )}
      </Field>
      {draft.sender === 'person' && (
        <>
          <Field prefix="travel" name="firstName" label="First name" required error={errors.firstName}>
            {(control) => <input {...control} value={draft.firstName} onInput={(e) => update('firstName', e.currentTarget.value)} />}
          </Field>
          <Field prefix="travel" name="lastName" label="Last name" required error={errors.lastName}>
            {(control) => <input {...control} value={draft.lastName} onInput={(e) => update('lastName', e.currentTarget.value)} />}
          </Field>
        </>
      )}
      {draft.sender === 'company' && (
        <>
          <Field prefix="travel" name="companyName" label="Company" required error={errors.companyName}>
            {(control) => <input {...control} value={draft.companyName} onInput={(e) => update('companyName', e.currentTarget.value)} />}
          </Field>
          <Field prefix="travel" name="vatId" label="VAT id" error={errors.vatId}>
            {(control) => <input {...control} value={draft.vatId} onInput={(e) => update('vatId', e.currentTarget.value)} />}
          </Field>
        </>
      )}
      {draft.sender !== 'own' && (
        <Field prefix="travel" name="country" label="Country (two letters)" error={errors.country}>
          {(control) => <input {...control} maxLength={2} value={draft.country} onInput={(e) => update('country', e.currentTarget.value)} />}
        </Field>
      )}
      <div class="actions span-all">
        <button type="submit" class="primary" data-testid="travel-submit" disabled={busy}>
          Give the data
        </button>
      </div>
    </form>
  );
}
