import { useEffect, useRef } from 'preact/hooks';

/**
 * Subscribes while the component is mounted. `subscribe` resolves to its unsubscribe function
 * (Tauri's `listen`); an unmount before it resolves still unsubscribes. Pass a stable
 * `subscribe` (useCallback): a new one re-subscribes.
 */
export function useSubscription(
  subscribe: () => Promise<() => void>,
  onError: (e: unknown) => void = () => undefined,
): void {
  // Only a new `subscribe` re-subscribes; `onError` is read when an error happens.
  const failed = useRef(onError);
  failed.current = onError;
  useEffect(() => {
    let stop: (() => void) | null = null;
    let cancelled = false;
    subscribe()
      .then((unlisten) => (cancelled ? unlisten() : (stop = unlisten)))
      .catch((e: unknown) => failed.current(e));
    return () => {
      cancelled = true;
      stop?.();
    };
  }, [subscribe]);
}
