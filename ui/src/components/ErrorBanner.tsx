import type { ComponentChildren } from 'preact';
import type { CommandError } from '../api/bindings';

interface Props {
  error: CommandError | null;
  testId?: string;
  children?: ComponentChildren;
}

export function ErrorBanner({ error, testId, children }: Props) {
  if (!error) return null;
  return (
    <div class="error-banner" role="alert" data-testid={testId}>
      <p>
        {error.message}
        {error.p100Code && <span class="code"> ({error.p100Code})</span>}
      </p>
      {error.retryAfterSecs != null && <p>Try again in {error.retryAfterSecs} s.</p>}
      {children}
    </div>
  );
}
