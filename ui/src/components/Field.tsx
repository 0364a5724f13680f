import type { ComponentChildren } from 'preact';

/** What a form control needs to be labelled, described and found by tests. */
export interface ControlProps {
  id: string;
  name: string;
  'data-testid': string;
  'aria-invalid'?: 'true';
  'aria-required'?: 'true';
  'aria-describedby'?: string;
}

interface Props {
  /** The API field name: it names the control, its test id and its error element. */
  name: string;
  label: string;
  required?: boolean;
  hint?: string;
  error?: string;
  /** Checkbox layout: the control sits before its label. */
  check?: boolean;
  /**
   * For forms that share a screen (the user detail has several with a `documentType`): ids become
   * unique and test ids read `<prefix>-<name>` and `<prefix>-error-<name>`. Without a prefix they
   * stay `field-<name>` and `error-<name>`.
   */
  prefix?: string;
  children: (control: ControlProps) => ComponentChildren;
}

export function Field({ name, label, required, hint, error, check, prefix, children }: Props) {
  const base = prefix ? `${prefix}-${name}` : name;
  const id = `f-${base}`;
  const hintId = hint ? `hint-${base}` : undefined;
  const errorId = error ? (prefix ? `${prefix}-error-${name}` : `error-${name}`) : undefined;
  const control = children({
    id,
    name,
    'data-testid': prefix ? base : `field-${name}`,
    'aria-invalid': error ? 'true' : undefined,
    'aria-required': required ? 'true' : undefined,
    'aria-describedby': [errorId, hintId].filter(Boolean).join(' ') || undefined,
  });
  const labelEl = (
    <label for={id}>
      {label}
      {required && (
        <span class="req" aria-hidden="true">
          {' '}*
        </span>
      )}
    </label>
  );
  return (
    <div class={`field${check ? ' check' : ''}${error ? ' invalid' : ''}`}>
      {check ? (
        <div class="check-row">
          {control}
          {labelEl}
        </div>
      ) : (
        <>
          {labelEl}
          {control}
        </>
      )}
      {hint && (
        <p id={hintId} class="hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={errorId} data-testid={errorId} class="field-error">
          {error}
        </p>
      )}
    </div>
  );
}
