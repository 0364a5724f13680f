import { useState } from 'preact/hooks';
import { useBackend } from '../../api/backend';
import type { UserProfile, UserRecord } from '../../api/bindings';
import { CountrySelect } from '../../components/CountrySelect';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Field } from '../../components/Field';
import { displayName } from '../../format';
import { useForm } from '../../useForm';
import type { CountryProps, PanelProps } from './types';
import { PROFILE_FIELDS, type ProfileField } from '../../profileFields';

const FIELDS = PROFILE_FIELDS;
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
  return Object.fromEntries(FIELDS.map((f) => [f, r.profile[f] ?? ''])) as Draft;
}

/** The whole edited profile, blanks left out; Rust works out what changed. */
function toProfile(draft: Draft): UserProfile {
  const profile: UserProfile = {};
  for (const f of FIELDS) if (draft[f].trim() !== '') profile[f] = draft[f];
  return profile;
}

export function EditPanel({ record, onUpdated, countries }: PanelProps & CountryProps) {
  const backend = useBackend();
  const { draft, errors, failure, busy, formRef, update, run, reset } = useForm(
    useState<Draft>(() => fromRecord(record)),
    FIELDS,
  );

  const save = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    await run(async () => {
      const updated = await backend.call('user_update', {
        externalUserId: record.externalUserId,
        profile: toProfile(draft),
      });
      onUpdated(updated, `Saved the changes to ${displayName(updated)}`);
    });
  };

  return (
    <section class="panel" aria-labelledby="edit-title" data-testid="edit-panel">
      <h2 id="edit-title">Edit profile</h2>
      <p class="muted">
        The profile as P100 last accepted it. Only changed fields are sent; emptying a field does not
        erase it at P100.
      </p>
      <form ref={formRef} class="grid-form" onSubmit={save} noValidate>
        <ErrorBanner error={failure?.error ?? null} loose={failure?.loose} testId="edit-form-error" />
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
            onClick={() => reset(fromRecord(record))}
          >
            Reset
          </button>
        </div>
      </form>
    </section>
  );
}
