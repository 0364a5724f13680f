import type { ComponentChildren } from 'preact';
import type { CommandError, FieldError } from '../api/bindings';

interface Props {
  error: CommandError | null;
  /** Field messages the form has no field for, listed under the error. */
  loose?: FieldError[];
  testId?: string;
  children?: ComponentChildren;
}

export function ErrorBanner({ error, loose, testId, children }: Props) {
  if (!error) return null;
  return (
    <div class="error-banner" role="alert" data-testid={testId}>
      <p>
        {error.message}
        {error.p100Code && <span class="code"> ({error.p100Code})</span>}
      </p>
      {error.retryAfterSecs != null && <p>Try again in {error.retryAfterSecs} s.</p>}
      {loose && loose.length > 0 && (
        <ul>
          {loose.map((f, i) => (
            <li key={i}>{f.message}</li>
          ))}
        </ul>
      )}
      {children}
    </div>
  );
}
