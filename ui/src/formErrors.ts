import type { CommandError, FieldError } from './api/bindings';

export interface SplitErrors<F extends string> {
  /** Messages for fields the form shows, joined when a field has several. */
  byField: Partial<Record<F, string>>;
  /** Messages the form has no field for (field "" or one it does not show). */
  loose: FieldError[];
}

/** Sorts a command error's field messages into the form's fields and the rest. */
export function splitErrors<F extends string>(error: CommandError, known: readonly F[]): SplitErrors<F> {
  const reported =
    error.fields.length > 0 || !error.field ? error.fields : [{ field: error.field, message: error.message }];
  const byField: Partial<Record<F, string>> = {};
  const loose: FieldError[] = [];
  for (const f of reported) {
    if ((known as readonly string[]).includes(f.field)) {
      const name = f.field as F;
      byField[name] = [byField[name], f.message].filter(Boolean).join(' ');
    } else {
      loose.push(f);
    }
  }
  return { byField, loose };
}

/** Focuses the first control of `order` that has an error, by its `name` inside `form`. */
export function focusFirstError<F extends string>(
  form: HTMLFormElement | null,
  order: readonly F[],
  byField: Partial<Record<F, string>>,
): void {
  const first = order.find((f) => byField[f] !== undefined);
  const el = first ? form?.elements.namedItem(first) : null;
  if (el instanceof HTMLElement) el.focus();
}

/**
 * One line for a control that is its own form (a key, a token): the field messages, which say
 * what is wrong ("the API key may contain only visible ASCII characters…"), else the summary.
 */
export function explain(error: CommandError): string {
  const details = error.fields.map((f) => f.message).filter(Boolean);
  return details.length ? `${error.message}: ${details.join('; ')}` : error.message;
}
