import { useRef, useState, type Dispatch, type StateUpdater } from 'preact/hooks';
import { toCommandError } from './api/backend';
import type { CommandError, FieldError } from './api/bindings';
import { focusFirstError, splitErrors } from './formErrors';

/** A rejected submit: the error for the banner, and its messages the form has no field for. */
export interface Failure {
  error: CommandError;
  loose: FieldError[];
}

export type FieldErrors<F extends string> = Partial<Record<F, string>>;

/**
 * A form's per-field errors, banner failure and busy flag. The draft state is passed in (`useState(...)`
 * in the form, or a parent's) so the draft can outlive the form. Controls are found by `name` inside
 * `formRef`; `fieldOrder` is the order the form shows them, which decides the field focused first.
 */
export function useForm<D, F extends string>(
  [draft, setDraft]: [D, Dispatch<StateUpdater<D>>],
  fieldOrder: readonly F[],
) {
  const formRef = useRef<HTMLFormElement>(null);
  const [errors, setErrors] = useState<FieldErrors<F>>({});
  const [failure, setFailure] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);

  /** Sets one draft field and drops its message: that was about the old value; the next submit re-checks. */
  const update = <K extends F & keyof D>(name: K, value: D[K]) => {
    setDraft((d) => ({ ...d, [name]: value }));
    setErrors((errs) => {
      if (errs[name] === undefined) return errs;
      const next = { ...errs };
      delete next[name];
      return next;
    });
  };

  /** Shows messages found before anything is sent, and focuses the first field that has one. */
  const invalid = (byField: FieldErrors<F>) => {
    setFailure(null);
    setErrors(byField);
    focusFirstError(formRef.current, fieldOrder, byField);
  };

  /**
   * Runs a submit: busy while it lasts, earlier messages cleared. On rejection the error is sorted into
   * field messages and the banner's loose ones, the first invalid field is focused, and the result is
   * `undefined`.
   */
  const run = async <T>(action: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setErrors({});
    setFailure(null);
    try {
      const result = await action();
      setBusy(false);
      return result;
    } catch (err) {
      const error = toCommandError(err);
      const { byField, loose } = splitErrors(error, fieldOrder);
      setErrors(byField);
      setFailure({ error, loose });
      setBusy(false);
      focusFirstError(formRef.current, fieldOrder, byField);
      return undefined;
    }
  };

  /** Replaces the draft and clears every message. */
  const reset = (next: D) => {
    setDraft(next);
    setErrors({});
    setFailure(null);
  };

  return { draft, setDraft, errors, failure, setFailure, busy, formRef, update, invalid, run, reset };
}
