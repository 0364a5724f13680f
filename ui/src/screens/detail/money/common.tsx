import type { ComponentChildren } from 'preact';
import type { Currency, EnvironmentKind, Network, UserBalances, UserRecord } from '../../../api/bindings';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import type { Option } from '../../../labels';

/** Every currency of P100's exchange, EUR first (`p100::models::money::Currency::ALL`). */
export const CURRENCIES: readonly Currency[] = ['eur', 'btc', 'doge', 'eth', 'eurt', 'ltc', 'pol', 'usdc', 'usdt'];
export const CRYPTO: readonly Currency[] = CURRENCIES.filter((c) => c !== 'eur');
export const currencyOptions = (list: readonly Currency[]): Option<Currency>[] =>
  list.map((c) => ({ value: c, label: c.toUpperCase() }));

/** A withdrawal's networks per coin, the default first (`Currency::networks`). */
export const NETWORKS: Record<Currency, readonly Network[]> = {
  eur: [],
  btc: ['btc'],
  doge: ['doge'],
  ltc: ['ltc'],
  pol: ['polygon'],
  eth: ['ethereum'],
  eurt: ['ethereum'],
  usdc: ['ethereum', 'polygon'],
  usdt: ['ethereum', 'polygon'],
};

/** What a form about the user's money gets from the Money tab. */
export interface MoneyFormProps {
  ext: string;
  environment: EnvironmentKind;
  /** The user's balances as last read (for minimums and what is held); null until read. */
  balances: UserBalances | null;
  /** A move P100 took: the Money tab reads the balances and the history again. */
  onMoved: (user: UserRecord, words: string) => void;
}

/** What the user holds of `currency`, as P100 wrote it. */
export function heldOf(balances: UserBalances | null, currency: Currency): string | null {
  if (!balances) return null;
  const all = [...balances.fiatBalances, ...balances.cryptoBalances];
  return all.find((b) => b.name === currency)?.amount ?? null;
}

/**
 * The question before money moves. In Production the operator types the amount again (the desk
 * refuses the move otherwise); elsewhere one click confirms.
 */
export function MoveConfirm({
  environment,
  amount,
  title,
  confirmLabel,
  testId,
  busy,
  onConfirm,
  onCancel,
  children,
}: {
  environment: EnvironmentKind;
  amount: string;
  title: string;
  confirmLabel: string;
  testId: string;
  busy: boolean;
  onConfirm: (typed: string) => void;
  onCancel: () => void;
  children: ComponentChildren;
}) {
  const production = environment === 'production';
  const typed = amount.trim();
  return (
    <ConfirmDialog
      title={title}
      confirmLabel={confirmLabel}
      confirmTestId={`${testId}-confirm`}
      expected={production ? [...new Set([typed, typed.replace(',', '.'), typed.replace('.', ',')])] : undefined}
      inputLabel="Type the amount again: this moves real money"
      inputTestId={`${testId}-confirmation`}
      busy={busy}
      danger={production}
      onConfirm={onConfirm}
      onCancel={onCancel}
    >
      {children}
    </ConfirmDialog>
  );
}
