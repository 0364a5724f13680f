import { useRef, useState } from 'preact/hooks';
import { toCommandError, useBackend } from '../../api/backend';
import type { CommandError, DocumentType, FieldError, VerificationForm } from '../../api/bindings';
import { CountrySelect } from '../../components/CountrySelect';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Field } from '../../components/Field';
import { Select } from '../../components/Select';
import { displayName } from '../../format';
import { focusFirstError, splitErrors } from '../../formErrors';
import { DOCUMENT_TYPES } from '../../labels';
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
  const formRef = useRef<HTMLFormElement>(null);
  const [draft, setDraft] = useState<Draft>({ ...EMPTY, issuingCountry: record.citizenship ?? '' });
  const [errors, setErrors] = useState<Partial<Record<FormField, string>>>({});
  const [failure, setFailure] = useState<{ error: CommandError; loose: FieldError[] } | null>(null);
  const [busy, setBusy] = useState(false);

  const update = <K extends FormField>(name: K, value: Draft[K]) => {
    setDraft((d) => ({ ...d, [name]: value }));
    setErrors((errs) => {
      if (errs[name] === undefined) return errs;
      const next = { ...errs };
      delete next[name];
      return next;
    });
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    setFailure(null);
    if (!draft.documentType) {
      const unchosen = { documentType: 'Choose the document type' };
      setErrors(unchosen);
      focusFirstError(formRef.current, FIELDS, unchosen);
      return;
    }
    const form: VerificationForm = {
      documentType: draft.documentType,
      documentNumber: draft.documentNumber,
      issuingCountry: draft.issuingCountry,
      expiryDate: draft.expiryDate,
    };
    if (draft.issueDate.trim()) form.issueDate = draft.issueDate;
    setBusy(true);
    setErrors({});
    try {
      const updated = await backend.userVerify(record.externalUserId, form);
      onUpdated(updated, `Sent the verification data of ${displayName(updated)}`);
    } catch (err) {
      const error = toCommandError(err);
      const { byField, loose } = splitErrors(error, FIELDS);
      setErrors(byField);
      setFailure({ error, loose });
      focusFirstError(formRef.current, FIELDS, byField);
    }
    setBusy(false);
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
        <ErrorBanner error={failure?.error ?? null} testId="verify-error">
          {failure && failure.loose.length > 0 && (
            <ul>
              {failure.loose.map((f, i) => (
                <li key={i}>{f.message}</li>
              ))}
            </ul>
          )}
        </ErrorBanner>
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
