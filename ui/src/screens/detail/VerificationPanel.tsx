import { useState } from 'preact/hooks';
import { useBackend } from '../../api/backend';
import type { DocumentType, VerificationForm } from '../../api/bindings';
import { CountrySelect } from '../../components/CountrySelect';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Field } from '../../components/Field';
import { Select } from '../../components/Select';
import { displayName } from '../../format';
import { DOCUMENT_TYPES } from '../../labels';
import { useForm } from '../../useForm';
import type { CountryProps, PanelProps } from './types';

const FIELDS = [
  'documentType',
  'documentNumber',
  'issuingCountry',
  'issueDate',
  'expiryDate',
] as const satisfies ReadonlyArray<keyof VerificationForm>;
type FormField = (typeof FIELDS)[number];

type Draft = Omit<Record<FormField, string>, 'documentType'> & { documentType: DocumentType | '' };

const EMPTY: Draft = { documentType: '', documentNumber: '', issuingCountry: '', issueDate: '', expiryDate: '' };

/** Add User Verification: the document data the operator read off the user's document. */
export function VerificationPanel({ record, onUpdated, countries }: PanelProps & CountryProps) {
  const backend = useBackend();
  const { draft, errors, failure, busy, formRef, update, invalid, run } = useForm(
    useState<Draft>({ ...EMPTY, issuingCountry: record.citizenship ?? '' }),
    FIELDS,
  );

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    if (!draft.documentType) {
      invalid({ documentType: 'Choose the document type' });
      return;
    }
    const form: VerificationForm = {
      documentType: draft.documentType,
      documentNumber: draft.documentNumber,
      issuingCountry: draft.issuingCountry,
      expiryDate: draft.expiryDate,
    };
    if (draft.issueDate.trim()) form.issueDate = draft.issueDate;
    await run(async () => {
      const updated = await backend.call('user_verify', { externalUserId: record.externalUserId, form });
      onUpdated(updated, `Sent the verification data of ${displayName(updated)}`);
    });
  };

  const date = (name: 'issueDate' | 'expiryDate', label: string, required: boolean) => (
    <Field prefix="verify" name={name} label={label} required={required} error={errors[name]}>
      {(control) => (
        <input {...control} type="date" value={draft[name]} onInput={(e) => update(name, e.currentTarget.value)} />
      )}
    </Field>
  );

  return (
    <section class="panel" aria-labelledby="verify-title" data-testid="verify-panel">
      <h2 id="verify-title">Verification data</h2>
      <p class="muted">The identity document's details, as printed on it (Add User Verification).</p>
      <form ref={formRef} class="grid-form" onSubmit={submit} noValidate>
        <ErrorBanner error={failure?.error ?? null} loose={failure?.loose} testId="verify-error" />
        <Field prefix="verify" name="documentType" label="Document type" required error={errors.documentType}>
          {(control) => (
            <Select
              {...control}
              options={DOCUMENT_TYPES}
              placeholder="Choose…"
              value={draft.documentType}
              onChange={(v) => update('documentType', v)}
            />
          )}
        </Field>
        <Field
          prefix="verify"
          name="documentNumber"
          label="Document number"
          required
          hint="Letters, digits, - or _"
          error={errors.documentNumber}
        >
          {(control) => (
            <input
              {...control}
              type="text"
              autoComplete="off"
              spellcheck={false}
              value={draft.documentNumber}
              onInput={(e) => update('documentNumber', e.currentTarget.value)}
            />
          )}
        </Field>
        <Field prefix="verify" name="issuingCountry" label="Issuing country" required error={errors.issuingCountry}>
          {(control) => (
            <CountrySelect
              {...control}
              countries={countries}
              value={draft.issuingCountry}
              onChange={(v) => update('issuingCountry', v)}
            />
          )}
        </Field>
        {date('issueDate', 'Issue date', false)}
        {date('expiryDate', 'Expiry date', true)}
        <div class="actions span-all">
          <button type="submit" class="primary" data-testid="verify-submit" disabled={busy} aria-busy={busy}>
            {busy ? 'Sending…' : 'Submit verification data'}
          </button>
        </div>
      </form>
    </section>
  );
}
