import { useEffect } from 'preact/hooks';

/**
 * Subscribes while the component is mounted. `subscribe` resolves to its unsubscribe function
 * (Tauri's `listen`); an unmount before it resolves still unsubscribes. Pass a stable
 * `subscribe` (useCallback): a new one re-subscribes.
 */
export function useSubscription(
  subscribe: () => Promise<() => void>,
  onError: (e: unknown) => void = () => undefined,
): void {
  useEffect(() => {
    let stop: (() => void) | null = null;
    let cancelled = false;
    subscribe()
      .then((unlisten) => (cancelled ? unlisten() : (stop = unlisten)))
      .catch(onError);
    return () => {
      cancelled = true;
      stop?.();
    };
    // Only a new `subscribe` re-subscribes; `onError` is read when an error happens.
  }, [subscribe]);
}
