import { OUTBOX_STATE_LABELS, operationLabel } from '../labels';
import { envLabel } from '../environments';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { toCommandError, useBackend } from '../api/backend';
import type { CommandError, OpenOperation, Transaction, UserRecord } from '../api/bindings';
import { Amount } from './Amount';

/** Money moves, never sent twice: the operator resolves them on what P100's history shows. */
const MONEY_MOVES = new Set(['createTransfer', 'createExchange', 'createCryptoWithdrawal']);
import { When } from './When';
import { ErrorBanner } from './ErrorBanner';

/**
 * Operations the desk sent without learning how they ended — it was closed mid-call, the answer
 * was lost, or a retry was cancelled. The operator sends one again (a repeat that P100 answers
 * "already done" is recorded as done) or resolves it after checking with P100.
 */
export function OpenOperations({ onUpdated }: { onUpdated: (user: UserRecord, message: string) => void }) {
  const backend = useBackend();
  const [ops, setOps] = useState<OpenOperation[] | null>(null);
  const [error, setError] = useState<CommandError | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  /** P100's history since an open money move was sent, by operation id, once asked. */
  const [evidence, setEvidence] = useState<Record<string, Transaction[]>>({});

  const load = useCallback(
    () =>
      backend.call('operations_open').then(
      (list) => {
        setOps(list);
        setError(null);
      },
      (e) => setError(toCommandError(e)),
      ),
    [backend],
  );

  useEffect(() => {
    void load();
  }, [load]);

  const act = async (id: string, f: () => Promise<void>) => {
    setBusy(id);
    setError(null);
    try {
      await f();
    } catch (e) {
      setError(toCommandError(e));
    }
    setBusy(null);
    await load();
  };

  if (ops === null || (ops.length === 0 && !error)) return null;
  return (
    <section class="panel open-ops" data-testid="open-operations" aria-labelledby="open-ops-title">
      <h2 id="open-ops-title">Open operations ({ops.length})</h2>
      <p class="muted">
        Sent to P100 without an answer. Send again (a repeat that P100 says is already done is recorded as done), or
        resolve after checking the user.
      </p>
      <ErrorBanner error={error} testId="open-ops-error" />
      <ul>
        {ops.map((o) => (
          <li key={o.id} data-testid="open-operation" data-operation={o.operation}>
            <span>
              <strong title={o.operation} data-code={o.operation}>
                {operationLabel(o.operation)}
              </strong>{' '}
              for <code>{o.target}</code> in {envLabel(o.environment)} · {OUTBOX_STATE_LABELS[o.state]} · {o.attempts}{' '}
              attempt(s) · <When iso={o.createdAt} />
              {o.lastError ? ` · ${o.lastError}` : ''}
            </span>
            {!o.retryable && MONEY_MOVES.has(o.operation) && (
              <button
                type="button"
                class="secondary"
                data-testid="open-op-evidence"
                disabled={busy !== null}
                onClick={() =>
                  void act(o.id, async () => {
                    const found = await backend.call('operation_evidence', { operationId: o.id });
                    setEvidence((all) => ({ ...all, [o.id]: found }));
                  })
                }
              >
                What P100 shows
              </button>
            )}
            {o.retryable && (
              <button
                type="button"
                data-testid="open-op-retry"
                disabled={busy !== null}
                onClick={() =>
                  void act(o.id, async () => {
                    const user = await backend.call('operation_retry', { operationId: o.id });
                    onUpdated(user, `${operationLabel(o.operation)}: done`);
                  })
                }
              >
                Send again
              </button>
            )}
            <button
              type="button"
              class="secondary"
              data-testid="open-op-happened"
              disabled={busy !== null}
              onClick={() =>
                void act(
                  o.id,
                  async () => void (await backend.call('operation_resolve', { operationId: o.id, happened: true })),
                )
              }
            >
              It happened
            </button>
            <button
              type="button"
              class="secondary"
              data-testid="open-op-not-happened"
              disabled={busy !== null}
              onClick={() =>
                void act(
                  o.id,
                  async () => void (await backend.call('operation_resolve', { operationId: o.id, happened: false })),
                )
              }
            >
              It did not happen
            </button>
            {evidence[o.id] && (
              <p class="muted" data-testid="open-op-evidence-found">
                {evidence[o.id].length === 0
                  ? "P100's history shows no such move since it was sent."
                  : evidence[o.id].map((t) => (
                      <span key={t.id} class="evidence">
                        {t.type} <Amount amount={t.amount} currency={t.currency} /> {t.currency.toUpperCase()} ·{' '}
                        {t.status} · <When iso={t.createdAt} />{' '}
                      </span>
                    ))}
              </p>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
