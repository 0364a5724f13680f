import { useEffect, useState } from 'preact/hooks';
import { useBackend } from '../../../api/backend';
import type { TimelineEvent, UserRecord } from '../../../api/bindings';

/** A crypto deposit P100 holds until it has the sender's data, as its webhook said. */
export interface HeldDeposit {
  id: string;
  amount: string;
  currency: string;
}

/**
 * Deposits whose last webhook said `WAITING_FOR_TR_DATA` and for which no travel-rule data was
 * given since, from the user's timeline (oldest first).
 */
export function heldDeposits(events: TimelineEvent[]): HeldDeposit[] {
  const last = new Map<string, HeldDeposit | null>();
  for (const e of [...events].sort((a, b) => a.id - b.id)) {
    if (e.kind === 'webhookClaim' && e.detail.event === 'cryptoDeposit') {
      const c = e.detail.claim;
      const id = String(c.cryptoDepositId ?? '');
      if (!id) continue;
      last.set(
        id,
        c.status === 'WAITING_FOR_TR_DATA' ? { id, amount: String(c.amount), currency: String(c.currency).toUpperCase() } : null,
      );
    } else if (e.kind === 'travelRuleGiven') {
      last.set(e.detail.cryptoDepositId, null);
    }
  }
  return [...last.values()].filter((d): d is HeldDeposit => d !== null);
}

/** The held deposits, read again whenever the user's record changes (a webhook, a move). */
export function HeldDeposits({ record, onPick }: { record: UserRecord; onPick: (id: string) => void }) {
  const backend = useBackend();
  const [held, setHeld] = useState<HeldDeposit[]>([]);
  useEffect(() => {
    let stale = false;
    backend.call('user_timeline', { externalUserId: record.externalUserId }).then(
      (events) => !stale && setHeld(heldDeposits(events)),
      () => !stale && setHeld([]),
    );
    return () => {
      stale = true;
    };
  }, [backend, record.externalUserId, record.updatedAt]);
  if (held.length === 0) return null;
  return (
    <div class="span-all" data-testid="held-deposits">
      <h3>Deposits waiting for travel-rule data</h3>
      <ul>
        {held.map((d) => (
          <li key={d.id} data-testid="held-deposit" data-deposit-id={d.id}>
            {d.amount} {d.currency} · <code>{d.id}</code>{' '}
            <button type="button" class="secondary" data-testid="held-deposit-pick" onClick={() => onPick(d.id)}>
              Give the sender's data
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
