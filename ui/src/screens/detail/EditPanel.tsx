import { useRef, useState } from 'preact/hooks';
import { toCommandError, useBackend } from '../../api/backend';
import type { CommandError, FieldError, UserProfile, UserRecord } from '../../api/bindings';
import { CountrySelect } from '../../components/CountrySelect';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Field } from '../../components/Field';
import { displayName } from '../../format';
import { focusFirstError, splitErrors } from '../../formErrors';
import type { CountryProps, PanelProps } from './types';

/** UserProfile's fields in form order. */
const FIELDS = [
  'email',
  'phone',
  'firstName',
  'lastName',
  'street',
  'number',
  'city',
  'postCode',
  'country',
  'citizenship',
  'nationality',
  'birthCountry',
  'birthDate',
  'userIdentificationNumber',
] as const satisfies ReadonlyArray<keyof UserProfile>;

type ProfileField = (typeof FIELDS)[number];
type Draft = Record<ProfileField, string>;

const COUNTRY_FIELDS: ReadonlySet<ProfileField> = new Set(['country', 'citizenship', 'nationality', 'birthCountry']);

const LABELS: Record<ProfileField, string> = {
  email: 'Email',
  phone: 'Phone',
  firstName: 'First name',
  lastName: 'Last name',
  street: 'Street',
  number: 'Number',
  city: 'City',
  postCode: 'Post code',
  country: 'Country of residence',
  citizenship: 'Citizenship',
  nationality: 'Nationality',
  birthCountry: 'Country of birth',
  birthDate: 'Date of birth',
  userIdentificationNumber: 'National identification number',
};

const TYPES: Partial<Record<ProfileField, string>> = { email: 'email', phone: 'tel', birthDate: 'date' };
const HINTS: Partial<Record<ProfileField, string>> = {
  phone: 'Digits with the country prefix and no +, e.g. 48500000000',
  number: 'Building and flat, e.g. 1/2',
};

/** The record keeps only these profile fields; the others start empty. */
function fromRecord(r: UserRecord): Draft {
  const draft = Object.fromEntries(FIELDS.map((f) => [f, ''])) as Draft;
  draft.email = r.email ?? '';
  draft.firstName = r.firstName ?? '';
  draft.lastName = r.lastName ?? '';
  draft.country = r.country ?? '';
  draft.citizenship = r.citizenship ?? '';
  return draft;
}

/** The whole edited profile, blanks left out; Rust works out what changed. */
function toProfile(draft: Draft): UserProfile {
  const profile: UserProfile = {};
  for (const f of FIELDS) if (draft[f].trim() !== '') profile[f] = draft[f];
  return profile;
}

export function EditPanel({ record, onUpdated, countries }: PanelProps & CountryProps) {
  const backend = useBackend();
  const formRef = useRef<HTMLFormElement>(null);
  const [draft, setDraft] = useState<Draft>(() => fromRecord(record));
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Partial<Record<ProfileField, string>>>({});
  const [failure, setFailure] = useState<{ error: CommandError; loose: FieldError[] } | null>(null);

  const update = (name: ProfileField, value: string) => {
    setDraft((d) => ({ ...d, [name]: value }));
    setErrors((errs) => {
      if (errs[name] === undefined) return errs;
      const next = { ...errs };
      delete next[name];
      return next;
    });
  };

  const save = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setErrors({});
    setFailure(null);
    try {
      const updated = await backend.userUpdate(record.externalUserId, toProfile(draft));
      onUpdated(updated, `Saved the changes to ${displayName(updated)}`);
    } catch (err) {
      const error = toCommandError(err);
      const { byField, loose } = splitErrors(error, FIELDS);
      setErrors(byField);
      setFailure({ error, loose });
      focusFirstError(formRef.current, FIELDS, byField);
    }
    setBusy(false);
  };

  return (
    <section class="panel" aria-labelledby="edit-title" data-testid="edit-panel">
      <h2 id="edit-title">Edit profile</h2>
      <p class="muted">
        Only the e-mail, name, residence and citizenship are kept on the desk, so the other fields start
        empty; leave a field empty to keep what P100 has. Only changed fields are sent.
      </p>
      <form ref={formRef} class="grid-form" onSubmit={save} noValidate>
        <ErrorBanner error={failure?.error ?? null} testId="edit-form-error">
          {failure && failure.loose.length > 0 && (
            <ul>
              {failure.loose.map((f, i) => (
                <li key={i}>{f.message}</li>
              ))}
            </ul>
          )}
        </ErrorBanner>
        {FIELDS.map((name) => (
          <Field key={name} prefix="edit" name={name} label={LABELS[name]} hint={HINTS[name]} error={errors[name]}>
            {(control) =>
              COUNTRY_FIELDS.has(name) ? (
                <CountrySelect {...control} countries={countries} value={draft[name]} onChange={(v) => update(name, v)} />
              ) : (
                <input
                  {...control}
                  type={TYPES[name] ?? 'text'}
                  autoComplete="off"
                  value={draft[name]}
                  onInput={(e) => update(name, e.currentTarget.value)}
                />
              )
            }
          </Field>
        ))}
        <div class="actions span-all">
          <button type="submit" class="primary" data-testid="edit-save" disabled={busy} aria-busy={busy}>
            {busy ? 'Saving…' : 'Save changes'}
          </button>
          <button
            type="button"
            class="secondary"
            data-testid="edit-reset"
            disabled={busy}
            onClick={() => {
              setDraft(fromRecord(record));
              setErrors({});
              setFailure(null);
            }}
          >
            Reset
          </button>
        </div>
      </form>
    </section>
  );
}
