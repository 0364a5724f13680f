import { useEffect, useState } from 'preact/hooks';

interface Props {
  text: string;
  /** Names what is copied for screen readers, e.g. "IBAN". */
  what: string;
  testId?: string;
}

/** Copies `text` to the clipboard and says so for a moment. */
export function CopyButton({ text, what, testId }: Props) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');

  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 2000);
    return () => clearTimeout(timer);
  }, [state]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
  };

  return (
    <span class="copy">
      <button type="button" class="secondary small" data-testid={testId} aria-label={`Copy ${what}`} onClick={() => void copy()}>
        Copy
      </button>
      <span class={`copy-state${state === 'failed' ? ' bad' : ''}`} aria-live="polite">
        {state === 'copied' ? 'Copied' : state === 'failed' ? 'Could not copy — select the text instead' : ''}
      </span>
    </span>
  );
}
