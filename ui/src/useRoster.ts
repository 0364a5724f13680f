import { useCallback, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { toCommandError, useBackend } from './api/backend';
import { useBoot } from './boot';
import type { CommandError, EnvironmentInfo, UserRecord } from './api/bindings';
import { useSubscription } from './useSubscription';

export interface RosterState {
  /** `null` while the first answer for this environment is awaited. */
  users: UserRecord[] | null;
  error: CommandError | null;
  loading: boolean;
  reload: () => Promise<void>;
  /** Puts a changed or new row in place (a command's answer, or live sync). */
  upsert: (user: UserRecord) => void;
}

/**
 * The selected environment's roster, shared by the roster and the board: read once per
 * environment, then kept current by command answers and by live sync's `roster-changed` events,
 * so cards move without a reload.
 */
export function useRoster(env: EnvironmentInfo | null): RosterState {
  const backend = useBackend();
  const boot = useBoot();
  const [users, setUsers] = useState<UserRecord[] | null>(null);
  const [error, setError] = useState<CommandError | null>(null);
  const [loading, setLoading] = useState(false);
  // Only the latest request may fill the roster: an answer for the previous environment is stale.
  const latest = useRef(0);
  const kind = env?.kind;

  const reload = useCallback(async () => {
    const request = ++latest.current;
    setLoading(true);
    try {
      const list = await ((kind && boot?.takeUsers(kind)) || backend.call('users_list'));
      if (request !== latest.current) return;
      setUsers(list);
      setError(null);
    } catch (e) {
      if (request !== latest.current) return;
      setError(toCommandError(e));
    }
    setLoading(false);
  }, [backend, boot, kind]);

  const upsert = useCallback(
    (user: UserRecord) => {
      if (user.environment !== kind) return;
      setUsers((list) => {
        if (!list) return list;
        const i = list.findIndex((u) => u.externalUserId === user.externalUserId);
        if (i < 0) return [user, ...list];
        const next = list.slice();
        next[i] = user;
        return next;
      });
    },
    [kind],
  );

  // Before the paint, like the environment's: the first frame can show the roster.
  useLayoutEffect(() => {
    if (!kind) return;
    // Another environment's users must not linger under this one's name.
    setUsers(null);
    void reload();
  }, [kind, reload]);

  useSubscription(
    useCallback(() => backend.onRosterChanged((record) => (record ? upsert(record) : void reload())), [backend, upsert, reload]),
    (e) => setError(toCommandError(e)),
  );

  return { users, error, loading, reload, upsert };
}
