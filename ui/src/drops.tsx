import { createContext, type ComponentChildren } from 'preact';
import { useCallback, useContext, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { toCommandError, useBackend } from './api/backend';
import type { Admitted, CommandError } from './api/bindings';

// Files dropped on the window arrive from Rust as tokens (the `documents-dropped` event); the
// webview never sees their paths. They go to the active drop zone: the upload panel of the user
// detail screen that the operator last clicked into or focused (the first one by default).

interface Zone {
  id: string;
  accept: (admitted: Admitted) => void;
}

interface Registry {
  activeId: string | null;
  register: (zone: Zone) => () => void;
  activate: (id: string) => void;
}

const DropContext = createContext<Registry>({
  activeId: null,
  register: () => () => {},
  activate: () => {},
});

interface Props {
  /** A drop with no zone on screen (e.g. on the roster). */
  onUnrouted: (admitted: Admitted) => void;
  /** Listening failed: drops will not arrive. */
  onListenError: (error: CommandError) => void;
  children: ComponentChildren;
}

export function DropProvider({ onUnrouted, onListenError, children }: Props) {
  const backend = useBackend();
  const zones = useRef(new Map<string, Zone>());
  const active = useRef<string | null>(null);
  const [activeId, setActiveId] = useState<string | null>(null);
  const handlers = useRef({ onUnrouted, onListenError });
  handlers.current = { onUnrouted, onListenError };

  const activate = useCallback((id: string | null) => {
    active.current = id;
    setActiveId(id);
  }, []);

  useEffect(() => {
    let stop: (() => void) | null = null;
    let mounted = true;
    backend
      .onDocumentsDropped((admitted) => {
        const zone = active.current ? zones.current.get(active.current) : undefined;
        if (zone) zone.accept(admitted);
        else handlers.current.onUnrouted(admitted);
      })
      .then(
        (unlisten) => {
          if (mounted) stop = unlisten;
          else unlisten();
        },
        (e) => handlers.current.onListenError(toCommandError(e)),
      );
    return () => {
      mounted = false;
      stop?.();
    };
  }, [backend]);

  const register = useCallback(
    (zone: Zone) => {
      zones.current.set(zone.id, zone);
      if (!active.current) activate(zone.id);
      return () => {
        zones.current.delete(zone.id);
        if (active.current === zone.id) {
          const next = zones.current.keys().next();
          activate(next.done ? null : next.value);
        }
      };
    },
    [activate],
  );

  const value = useMemo<Registry>(() => ({ activeId, register, activate }), [activeId, register, activate]);
  return <DropContext.Provider value={value}>{children}</DropContext.Provider>;
}

/**
 * Makes the calling panel a drop zone while mounted. `activate` (wire it to focus and pointer
 * down inside the panel) makes it the one that receives drops.
 */
export function useDropZone(id: string, accept: (admitted: Admitted) => void) {
  const { activeId, register, activate } = useContext(DropContext);
  const latest = useRef(accept);
  latest.current = accept;
  useEffect(() => register({ id, accept: (a) => latest.current(a) }), [id, register]);
  return { active: activeId === id, activate: () => activate(id) };
}
