import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { toCommandError, useBackend } from '../api/backend';
import type { CommandError, EnvironmentInfo, UserRecord } from '../api/bindings';
import { ErrorBanner } from '../components/ErrorBanner';
import { StatusBadge } from '../components/StatusBadge';
import { formatDate, fullName } from '../format';

export function Roster({ env, onOpen }: { env: EnvironmentInfo | null; onOpen: (user: UserRecord) => void }) {
  const backend = useBackend();
  const [users, setUsers] = useState<UserRecord[] | null>(null);
  const [error, setError] = useState<CommandError | null>(null);
  const [loading, setLoading] = useState(false);
  // Only the latest request may fill the table: an answer for the previous environment is stale.
  const latest = useRef(0);

  const load = useCallback(async () => {
    const request = ++latest.current;
    setLoading(true);
    try {
      const list = await backend.usersList();
      if (request !== latest.current) return;
      setUsers(list);
      setError(null);
    } catch (e) {
      if (request !== latest.current) return;
      setError(toCommandError(e));
    }
    setLoading(false);
  }, [backend]);

  useEffect(() => {
    if (!env) return;
    // Another environment's users must not linger under this one's name.
    setUsers(null);
    void load();
  }, [env, load]);

  return (
    <section class="screen" aria-labelledby="roster-title">
      <div class="screen-head">
        <h1 id="roster-title">Users</h1>
        {env && <span class="muted">{env.label}</span>}
        <button type="button" class="secondary" onClick={() => void load()} disabled={loading || !env}>
          {loading ? 'Loading…' : 'Reload'}
        </button>
      </div>
      <ErrorBanner error={error} testId="roster-error" />
      <div class="table-wrap" aria-busy={loading}>
        {users === null ? (
          <p class="placeholder">{error ? '' : 'Loading users…'}</p>
        ) : users.length === 0 ? (
          <p class="empty" data-testid="roster-empty">
            No users in {env?.label ?? 'this environment'} yet. Create one with “New user”.
          </p>
        ) : (
          <table data-testid="roster">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Country</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
                <th scope="col">External user ID</th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => {
                const name = fullName(u);
                const deleted = u.deletedAt !== null;
                // The whole row opens the user for the mouse; the button inside is the keyboard's way.
                return (
                  <tr
                    key={u.externalUserId}
                    class={deleted ? 'deleted' : undefined}
                    data-testid="roster-row"
                    data-external-user-id={u.externalUserId}
                    onClick={(e) => {
                      // Selecting text (to copy an id) is not a click on the row.
                    if ((e.target as Element).closest('button') || window.getSelection()?.toString()) return;
                    onOpen(u);
                    }}
                  >
                    <td data-testid="roster-name">
                      <button
                        type="button"
                        class="link"
                        data-testid="roster-open"
                        aria-label={`Open ${name || u.email || u.externalUserId}`}
                        onClick={() => onOpen(u)}
                      >
                        {name || <span class="muted">(no name)</span>}
                      </button>
                    </td>
                    <td data-testid="roster-email">{u.email ?? ''}</td>
                    <td>{u.country ?? ''}</td>
                    <td data-testid="roster-status">
                      {deleted ? (
                        <span class="badge deleted" title={`Deleted ${u.deletedAt}`}>
                          Deleted
                        </span>
                      ) : (
                        <StatusBadge status={u.status} />
                      )}
                    </td>
                    <td>
                      <time dateTime={u.createdAt} title={u.createdAt}>
                        {formatDate(u.createdAt)}
                      </time>
                    </td>
                    <td>
                      <code class="ext-id" title={u.externalUserId}>
                        {u.externalUserId}
                      </code>
                    </td>
                  </tr>
                  );
              })}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}
