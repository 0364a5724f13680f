import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { toCommandError, useBackend } from '../api/backend';
import type { CommandError, EnvironmentInfo, UserRecord } from '../api/bindings';
import { ErrorBanner } from '../components/ErrorBanner';
import { StatusBadge } from '../components/StatusBadge';

function formatDate(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : d.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' });
}

export function Roster({ env }: { env: EnvironmentInfo | null }) {
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
              {users.map((u) => (
                <tr key={u.externalUserId} data-testid="roster-row" data-external-user-id={u.externalUserId}>
                  <td data-testid="roster-name">
                    {[u.firstName, u.lastName].filter(Boolean).join(' ')}
                  </td>
                  <td data-testid="roster-email">{u.email ?? ''}</td>
                  <td>{u.country ?? ''}</td>
                  <td data-testid="roster-status">
                    <StatusBadge status={u.status} />
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
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}
