import { useState } from 'preact/hooks';
import { toCommandError, useBackend } from '../../api/backend';
import type {
  DocumentType,
  HostedKycForm,
  HostedKycSession,
  IncomeSource,
  Occupation,
  OpenAccountReason,
} from '../../api/bindings';
import { CountrySelect } from '../../components/CountrySelect';
import { CopyButton } from '../../components/CopyButton';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Field } from '../../components/Field';
import { Select } from '../../components/Select';
import { displayName } from '../../format';
import { DOCUMENT_TYPES, INCOME_SOURCES, OCCUPATIONS, OPEN_ACCOUNT_REASONS } from '../../labels';
import { useForm, type FieldErrors } from '../../useForm';
import type { CountryProps, PanelProps } from './types';

const FIELDS = [
  'documentType',
  'country',
  'incomeSource',
  'openAccountReason',
  'taxId',
  'occupation',
  'additionalInfo',
] as const satisfies ReadonlyArray<keyof HostedKycForm>;
type FormField = (typeof FIELDS)[number];

interface Draft {
  documentType: DocumentType | '';
  country: string;
  incomeSource: IncomeSource | '';
  openAccountReason: OpenAccountReason | '';
  taxId: string;
  occupation: Occupation | '';
  additionalInfo: string;
}

/** P100's conditional fields: which ones the chosen income source asks for. */
export function conditionalFields(income: IncomeSource | '') {
  return {
    taxId: income === 'BUSINESS_ACTIVITY',
    occupation: income === 'SALARY',
    additionalInfo: income !== '' && income !== 'BUSINESS_ACTIVITY',
  };
}

/** Method B: P100's provider page, which the user fills in in a browser. */
export function HostedKycPanel({ record, onUpdated, countries }: PanelProps & CountryProps) {
  const backend = useBackend();
  const { draft, errors, failure, setFailure, busy, formRef, update, invalid, run } = useForm(
    useState<Draft>({
      documentType: '',
      country: record.country ?? '',
      incomeSource: '',
      openAccountReason: '',
      taxId: '',
      occupation: '',
      additionalInfo: '',
    }),
    FIELDS,
  );
  /** Opening the session in the browser; `busy` is starting one. */
  const [opening, setOpening] = useState(false);
  const [session, setSession] = useState<HostedKycSession | null>(null);
  const show = conditionalFields(draft.incomeSource);
  const started = session !== null || (record.kycMethod === 'hosted' && record.verificationId !== null);

  const start = async (e: Event) => {
    e.preventDefault();
    if (busy || opening) return;
    // The enums have no "empty" value on the wire: a choice must be made before anything is sent.
    const unchosen: FieldErrors<FormField> = {};
    if (!draft.documentType) unchosen.documentType = 'Choose the document type';
    if (!draft.incomeSource) unchosen.incomeSource = 'Choose the source of income';
    if (!draft.openAccountReason) unchosen.openAccountReason = 'Choose why the account is opened';
    if (show.occupation && !draft.occupation) unchosen.occupation = 'Choose the occupation';
    if (!draft.documentType || !draft.incomeSource || !draft.openAccountReason || unchosen.occupation) {
      invalid(unchosen);
      return;
    }
    const form: HostedKycForm = {
      documentType: draft.documentType,
      country: draft.country,
      incomeSource: draft.incomeSource,
      openAccountReason: draft.openAccountReason,
    };
    // Fields the income source does not ask for are not sent, even if typed before a change.
    if (show.taxId) form.taxId = draft.taxId;
    if (show.occupation && draft.occupation) form.occupation = draft.occupation;
    if (show.additionalInfo) form.additionalInfo = draft.additionalInfo;

    await run(async () => {
      const created = await backend.call('kyc_hosted_start', { externalUserId: record.externalUserId, form });
      setSession(created);
      // Rust recorded the session on the user; take the record as it is now.
      const updated = (await backend.call('user_get', { externalUserId: record.externalUserId }).catch(() => null)) ?? {
        ...record,
        kycMethod: 'hosted',
        verificationId: created.verificationId,
        verificationStatus: 'NOT_VERIFIED',
        attemptStatus: 'PENDING',
        rejectionReason: null,
      };
      onUpdated(updated, `Started hosted KYC for ${displayName(updated)}`);
    });
  };

  const open = async () => {
    setOpening(true);
    setFailure(null);
    try {
      await backend.call('kyc_hosted_open', { externalUserId: record.externalUserId });
    } catch (err) {
      setFailure({ error: toCommandError(err), loose: [] });
    }
    setOpening(false);
  };

  return (
    <section class="panel" aria-labelledby="hosted-title" data-testid="hosted-panel">
      <h2 id="hosted-title">Hosted KYC — Method B</h2>
      <p class="muted">
        P100 creates a verification session; the user completes it on the provider's page in a browser.
      </p>
      <form ref={formRef} class="grid-form" onSubmit={start} noValidate>
        <ErrorBanner error={failure?.error ?? null} loose={failure?.loose} testId="hosted-error" />
        <Field prefix="hosted" name="documentType" label="Document type" required error={errors.documentType}>
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
        <Field prefix="hosted" name="country" label="Country" required error={errors.country}>
          {(control) => (
            <CountrySelect {...control} countries={countries} value={draft.country} onChange={(v) => update('country', v)} />
          )}
        </Field>
        <Field prefix="hosted" name="incomeSource" label="Source of income" required error={errors.incomeSource}>
          {(control) => (
            <Select
              {...control}
              options={INCOME_SOURCES}
              placeholder="Choose…"
              value={draft.incomeSource}
              onChange={(v) => update('incomeSource', v)}
            />
          )}
        </Field>
        <Field
          prefix="hosted"
          name="openAccountReason"
          label="Reason for opening the account"
          required
          error={errors.openAccountReason}
        >
          {(control) => (
            <Select
              {...control}
              options={OPEN_ACCOUNT_REASONS}
              placeholder="Choose…"
              value={draft.openAccountReason}
              onChange={(v) => update('openAccountReason', v)}
            />
          )}
        </Field>
        {show.taxId && (
          <Field prefix="hosted" name="taxId" label="Tax ID" required hint="Asked for business activity" error={errors.taxId}>
            {(control) => (
              <input
                {...control}
                type="text"
                autoComplete="off"
                value={draft.taxId}
                onInput={(e) => update('taxId', e.currentTarget.value)}
              />
            )}
          </Field>
        )}
        {show.occupation && (
          <Field prefix="hosted" name="occupation" label="Occupation" required error={errors.occupation}>
            {(control) => (
              <Select
                {...control}
                options={OCCUPATIONS}
                placeholder="Choose…"
                value={draft.occupation}
                onChange={(v) => update('occupation', v)}
              />
            )}
          </Field>
        )}
        {show.additionalInfo && (
          <Field
            prefix="hosted"
            name="additionalInfo"
            label="Additional information"
            required
            hint="Describe the source of income; at most 500 characters"
            error={errors.additionalInfo}
          >
            {(control) => (
              <textarea
                {...control}
                rows={3}
                maxLength={500}
                value={draft.additionalInfo}
                onInput={(e) => update('additionalInfo', e.currentTarget.value)}
              />
            )}
          </Field>
        )}
        <div class="actions span-all">
          <button type="submit" class="primary" data-testid="hosted-start" disabled={busy || opening} aria-busy={busy}>
            {busy ? 'Starting…' : started ? 'Start a new session' : 'Start hosted KYC'}
          </button>
          {started && (
            <button
              type="button"
              class="secondary"
              data-testid="hosted-open"
              disabled={busy || opening}
              onClick={() => void open()}
            >
              {opening ? 'Opening…' : 'Open verification in browser'}
            </button>
          )}
        </div>
      </form>
      {session && (
        <div class="session" data-testid="hosted-session">
          <p>
            Session <code>{session.verificationId}</code> started. Open it in the browser here, or send the link to
            the user:
          </p>
          <p class="inline-copy">
            <code class="url">{session.url}</code>
            <CopyButton text={session.url} what="verification link" testId="copy-hosted-url" />
          </p>
          <p class="muted">When the user has finished, use “Refresh status” at the top.</p>
        </div>
      )}
    </section>
  );
}
