import type { JSX } from 'preact';
import type { Dispatch, StateUpdater } from 'preact/hooks';
import { useBackend } from '../api/backend';
import type { CommandError, Country, NewUser, UserRecord } from '../api/bindings';
import { CountrySelect } from '../components/CountrySelect';
import { ErrorBanner } from '../components/ErrorBanner';
import { Field } from '../components/Field';
import { useForm } from '../useForm';
import { PROFILE_FIELDS } from '../profileFields';

const TEXT_FIELDS = PROFILE_FIELDS;

type TextField = (typeof TEXT_FIELDS)[number];
type FormField = TextField | 'hasAcceptedP100Tc';

const FORM_ORDER: readonly FormField[] = [...TEXT_FIELDS, 'hasAcceptedP100Tc'];

export type Draft = Record<TextField, string> & { hasAcceptedP100Tc: boolean };

export const emptyDraft = (): Draft => ({
  ...(Object.fromEntries(TEXT_FIELDS.map((f) => [f, ''])) as Record<TextField, string>),
  hasAcceptedP100Tc: false,
});

/** Blank fields are left out rather than sent as "": absent is what the API means by "not given". */
export function toNewUser(draft: Draft): NewUser {
  const form: NewUser = { hasAcceptedP100Tc: draft.hasAcceptedP100Tc };
  for (const f of TEXT_FIELDS) {
    if (draft[f].trim() !== '') form[f] = draft[f];
  }
  return form;
}

interface Props {
  countries: Country[];
  countriesError: CommandError | null;
  draft: Draft;
  setDraft: Dispatch<StateUpdater<Draft>>;
  onCreated: (user: UserRecord) => void;
}

export function UserForm({ countries, countriesError, draft, setDraft, onCreated }: Props) {
  const backend = useBackend();
  const { errors, failure, busy, formRef, update, run, reset } = useForm([draft, setDraft], FORM_ORDER);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    const user = await run(() => backend.call('user_create', { form: toNewUser(draft) }));
    // The parent clears the draft and leaves this screen.
    if (user !== undefined) onCreated(user);
  };

  const text = (
    name: TextField,
    label: string,
    opts: {
      required?: boolean;
      hint?: string;
      type?: string;
      autoComplete?: string;
      inputMode?: JSX.HTMLAttributes['inputMode'];
    } = {},
  ) => (
    <Field name={name} label={label} required={opts.required} hint={opts.hint} error={errors[name]}>
      {(control) => (
        <input
          {...control}
          type={opts.type ?? 'text'}
          autoComplete={opts.autoComplete ?? 'off'}
          inputMode={opts.inputMode}
          value={draft[name]}
          onInput={(e) => update(name, e.currentTarget.value)}
        />
      )}
    </Field>
  );

  const country = (name: TextField, label: string, required = false) => (
    <Field name={name} label={label} required={required} error={errors[name]}>
      {(control) => (
        <CountrySelect
          {...control}
          countries={countries}
          value={draft[name]}
          onChange={(code) => update(name, code)}
        />
      )}
    </Field>
  );

  return (
    <section class="screen" aria-labelledby="new-user-title">
      <div class="screen-head">
        <h1 id="new-user-title">New user</h1>
        <span class="muted">
          Fields marked <span class="req">*</span> are required.
        </span>
      </div>
      <ErrorBanner error={countriesError} />
      <form ref={formRef} class="user-form" onSubmit={submit} noValidate>
        <ErrorBanner error={failure?.error ?? null} loose={failure?.loose} testId="form-error" />
        <fieldset>
          <legend>Contact</legend>
          {text('email', 'Email', { required: true, type: 'email', autoComplete: 'off' })}
          {text('phone', 'Phone', {
            type: 'tel',
            inputMode: 'numeric',
            hint: 'Digits with the country prefix and no +, e.g. 48500000000',
          })}
        </fieldset>
        <fieldset>
          <legend>Name</legend>
          {text('firstName', 'First name', { required: true })}
          {text('lastName', 'Last name', { required: true })}
        </fieldset>
        <fieldset>
          <legend>Address</legend>
          {text('street', 'Street')}
          {text('number', 'Number', { hint: 'Building and flat, e.g. 1/2' })}
          {text('city', 'City')}
          {text('postCode', 'Post code')}
          {country('country', 'Country of residence', true)}
        </fieldset>
        <fieldset>
          <legend>Identity</legend>
          {country('citizenship', 'Citizenship', true)}
          {country('nationality', 'Nationality')}
          {country('birthCountry', 'Country of birth')}
          {text('birthDate', 'Date of birth', { type: 'date' })}
          {text('userIdentificationNumber', 'National identification number')}
        </fieldset>
        <Field
          name="hasAcceptedP100Tc"
          label="The user accepted the P100 Terms & Conditions"
          required
          check
          error={errors.hasAcceptedP100Tc}
        >
          {(control) => (
            <input
              {...control}
              type="checkbox"
              checked={draft.hasAcceptedP100Tc}
              onChange={(e) => update('hasAcceptedP100Tc', e.currentTarget.checked)}
            />
          )}
        </Field>
        <div class="actions">
          <button type="submit" class="primary" data-testid="create-submit" disabled={busy} aria-busy={busy}>
            {busy ? 'Creating…' : 'Create user'}
          </button>
          <button
            type="button"
            class="secondary"
            disabled={busy}
            onClick={() => reset(emptyDraft())}
          >
            Clear
          </button>
        </div>
      </form>
    </section>
  );
}
