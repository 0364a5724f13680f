import { formatAmount } from '../money';

/** An amount in the locale at its currency's precision; P100's own string in the tooltip. */
export function Amount({ amount, currency }: { amount: string; currency: string }) {
  return (
    <span class="amount" title={`${amount} ${currency.toUpperCase()}`} data-amount={amount}>
      {formatAmount(amount, currency)}
    </span>
  );
}
