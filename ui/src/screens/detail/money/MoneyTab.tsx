import { useCallback, useEffect, useState } from 'preact/hooks';
import { toCommandError, useBackend } from '../../../api/backend';
import type { CommandError, UserBalances, UserRecord } from '../../../api/bindings';
import { BalancesPanel } from '../BalancesPanel';
import { TransactionsPanel } from '../TransactionsPanel';
import type { PanelProps } from '../types';
import { ExchangeForm } from './ExchangeForm';
import { HeldDeposits } from './HeldDeposits';
import { TransferForm } from './TransferForm';
import { TravelRuleForm } from './TravelRuleForm';
import { WithdrawalForm } from './WithdrawalForm';

/**
 * The user's money: balances and history as P100 has them, and the moves — fund or collect,
 * exchange with a rate lock, crypto withdrawal, the travel rule for a held deposit. After each
 * move the balances and the history are read again, so the page shows what P100 now holds.
 */
export function MoneyTab({ record, onUpdated }: PanelProps) {
  const backend = useBackend();
  const ext = record.externalUserId;
  const [balances, setBalances] = useState<UserBalances | null>(null);
  const [partner, setPartner] = useState<UserBalances | null>(null);
  const [error, setError] = useState<CommandError | null>(null);
  const [loading, setLoading] = useState(false);
  const [moves, setMoves] = useState(0);
  const [deposit, setDeposit] = useState<{ id: string; asked: number } | null>(null);

  const load = useCallback(async () => {
    setLoading(true);
    setError(null);
    try {
      setBalances(await backend.call('user_balances', { externalUserId: ext }));
      // What funding draws on; a refusal here (a role, a read) leaves the hint out.
      setPartner(await backend.call('partner_balances').catch(() => null));
    } catch (e) {
      setError(toCommandError(e));
    }
    setLoading(false);
  }, [backend, ext]);

  // Read when the tab opens and after every move.
  useEffect(() => void load(), [load, moves]);

  const onMoved = (user: UserRecord, words: string) => {
    onUpdated(user, words);
    setMoves((n) => n + 1);
  };
  const active = balances !== null && (balances.fiatBalances.length > 0 || balances.cryptoBalances.length > 0);
  const props = { ext, environment: record.environment, balances, onMoved };
  return (
    <>
      <BalancesPanel balances={balances} error={error} loading={loading} onLoad={() => void load()} />
      <section class="panel" aria-labelledby="moves-title" data-testid="money-moves">
        <h2 id="moves-title">Move money</h2>
        {!active ? (
          <p class="muted" data-testid="moves-unavailable">
            Money moves once P100 has created the user's balances (when verification succeeds).
          </p>
        ) : (
          <>
            <TransferForm {...props} partner={partner} />
            <ExchangeForm {...props} />
            <WithdrawalForm {...props} />
            <HeldDeposits record={record} onPick={(id) => setDeposit({ id, asked: Date.now() })} />
            <TravelRuleForm key={deposit?.asked ?? 0} ext={ext} depositId={deposit?.id ?? ''} onMoved={onMoved} />
          </>
        )}
      </section>
      <TransactionsPanel externalUserId={ext} refreshKey={moves} />
    </>
  );
}
