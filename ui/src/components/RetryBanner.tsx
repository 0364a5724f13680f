import { operationLabel } from '../labels';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { toCommandError, useBackend } from '../api/backend';
import type { RetryEvent } from '../api/bindings';
import { useSubscription } from '../useSubscription';

interface Waiting extends RetryEvent {
  /** When the retry is due, in `Date.now()` time. */
  due: number;
}

/**
 * "Retrying in N s": every call that waits to be sent again, with a countdown and Cancel. The
 * countdown is the desk's own wait (backoff, or P100's Retry-After); a notice disappears a moment
 * after its retry went out, or when the next notice of the same operation replaces it.
 */
export function RetryBanner({ onError }: { onError: (message: string) => void }) {
  const backend = useBackend();
  const [waiting, setWaiting] = useState<Waiting[]>([]);
  const [now, setNow] = useState(Date.now());

  useSubscription(
    useCallback(
      () =>
        backend.onOperationRetrying((e) => {
          const t = Date.now();
          setNow(t);
          setWaiting((list) => [...list.filter((w) => w.operationId !== e.operationId), { ...e, due: t + e.delayMs }]);
        }),
      [backend],
    ),
  );

  useEffect(() => {
    if (!waiting.length) return;
    const t = setInterval(() => {
      const t = Date.now();
      setNow(t);
      setWaiting((list) => list.filter((w) => w.due + 1500 > t));
    }, 250);
    return () => clearInterval(t);
  }, [waiting.length]);

  if (!waiting.length) return null;
  const cancel = async (w: Waiting) => {
    try {
      await backend.call('operation_cancel', { operationId: w.operationId });
    } catch (e) {
      onError(toCommandError(e).message);
    }
    setWaiting((list) => list.filter((x) => x.operationId !== w.operationId));
  };
  return (
    <div class="retry-banner" role="status" aria-live="polite" data-testid="retry-banner">
      {waiting.map((w) => {
        const secs = Math.max(0, Math.ceil((w.due - now) / 1000));
        return (
          <p key={w.operationId} data-testid="retry-notice">
            <span>
              <span title={w.operation}>{operationLabel(w.operation)}</span> for <code>{w.target}</code>: {w.reason}.{' '}
              {secs > 0 ? `Retrying in ${secs} s` : 'Retrying now'} (attempt {w.attempt} of {w.maxAttempts}).
            </span>
            {secs > 0 && (
              <button type="button" class="secondary" data-testid="retry-cancel" onClick={() => void cancel(w)}>
                Cancel
              </button>
            )}
          </p>
        );
      })}
    </div>
  );
}
