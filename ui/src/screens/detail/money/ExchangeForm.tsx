import { useEffect, useRef, useState } from 'preact/hooks';
import { toCommandError, useBackend } from '../../../api/backend';
import type { CommandError, Currency, ExchangeDetails, ExchangeLock } from '../../../api/bindings';
import { ErrorBanner } from '../../../components/ErrorBanner';
import { Field } from '../../../components/Field';
import { Select } from '../../../components/Select';
import { amountProblem, currencyPrecision } from '../../../money';
import { useForm } from '../../../useForm';
import { CURRENCIES, currencyOptions, heldOf, MoveConfirm, type MoneyFormProps } from './common';

type F = 'currencyFrom' | 'currencyTo' | 'amount' | 'lockId' | 'confirmation';
interface Draft {
  currencyFrom: Currency;
  currencyTo: Currency;
  amount: string;
}

/** Seconds left until `validUntil`, never below 0. */
const secondsLeft = (lock: ExchangeLock) => Math.max(0, Math.ceil((Date.parse(lock.validUntil) - Date.now()) / 1000));

/**
 * An exchange between the user's balances: a rate lock first (P100 holds its rates for 40 s),
 * then the exchange at those rates before the lock runs out. What it buys is shown from the
 * lock's rates and fee; P100 settles it a moment later.
 */
export function ExchangeForm({ ext, environment, balances, onMoved }: MoneyFormProps) {
  const backend = useBackend();
  const { draft, errors, failure, setFailure, busy, formRef, update, invalid, run } = useForm<Draft, F>(
    useState<Draft>({ currencyFrom: 'eur', currencyTo: 'btc', amount: '' }),
    ['currencyFrom', 'currencyTo', 'amount', 'lockId', 'confirmation'],
  );
  const [lock, setLock] = useState<ExchangeLock | null>(null);
  const [, setTick] = useState(0);
  const [asking, setAsking] = useState(false);
  const [locking, setLocking] = useState(false);
  const [lockError, setLockError] = useState<CommandError | null>(null);
  const [made, setMade] = useState<ExchangeDetails | null>(null);
  // The settlement is followed only while the form is on screen.
  const shown = useRef(true);
  useEffect(
    () => () => {
      shown.current = false;
    },
    [],
  );

  // The lock's countdown, drawn again four times a second; at 0 it can no longer be used.
  useEffect(() => {
    if (!lock) return;
    const timer = setInterval(() => setTick((n) => n + 1), 250);
    return () => clearInterval(timer);
  }, [lock]);
  const left = lock ? secondsLeft(lock) : 0;

  const checked = () => {
    const problem = amountProblem(draft.amount, draft.currencyFrom);
    if (problem) return invalid({ amount: problem }), false;
    if (draft.currencyFrom === draft.currencyTo) return invalid({ currencyTo: 'Another currency than the one sold' }), false;
    return true;
  };

  const takeLock = async (e: Event) => {
    e.preventDefault();
    if (!checked()) return;
    setLocking(true);
    setLockError(null);
    setFailure(null);
    try {
      setLock(await backend.call('exchange_lock', { externalUserId: ext }));
    } catch (err) {
      setLockError(toCommandError(err));
    }
    setLocking(false);
  };

  const send = async (confirmation: string) => {
    if (!lock) return;
    const answer = await run(() =>
      backend.call('exchange_create', { externalUserId: ext, form: { ...draft, lockId: lock.id, confirmation } }),
    );
    setAsking(false);
    if (!answer) return;
    setLock(null);
    onMoved(answer.user, `Exchange of ${draft.amount.trim()} ${draft.currencyFrom.toUpperCase()} sent`);
    // P100 settles it a moment later: its state is read until it is final.
    for (let i = 0; i < 30 && shown.current; i++) {
      const details = await backend.call('exchange_details', { exchangeId: answer.id }).catch(() => null);
      if (details) setMade(details);
      if (details && details.status !== 'PENDING') {
        onMoved(answer.user, `Exchange ${details.status === 'COMPLETED' ? 'completed' : 'failed'}`);
        break;
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  };

  const [from, to] = [draft.currencyFrom.toUpperCase(), draft.currencyTo.toUpperCase()];
  const rate = lock ? (lock.rates[draft.currencyFrom] ?? 0) / (lock.rates[draft.currencyTo] ?? 1) : 0;
  const receive = lock ? Number(draft.amount.replace(',', '.')) * rate * (1 - lock.feePercentage / 100) : 0;
  const held = heldOf(balances, draft.currencyFrom);
  const usable = lock !== null && left > 0;
  return (
    <>
      <form ref={formRef} class="grid-form" onSubmit={takeLock} noValidate data-testid="exchange-form">
        <h3 class="span-all">Exchange</h3>
        <ErrorBanner error={lockError ?? failure?.error ?? null} loose={failure?.loose} testId="exchange-error" />
        {(['currencyFrom', 'currencyTo'] as const).map((name) => (
          <Field key={name} prefix="exchange" name={name} label={name === 'currencyFrom' ? 'Sell' : 'Buy'} required error={errors[name]}>
            {(control) => (
              <Select
                {...control}
                options={currencyOptions(CURRENCIES)}
                value={draft[name]}
                onChange={(v) => {
                  if (!v) return;
                  update(name, v);
                  setLock(null);
                }}
              />
            )}
          </Field>
        ))}
        <Field
          prefix="exchange"
          name="amount"
          label={`Amount to sell (${from})`}
          required
          hint={held !== null ? `The user holds ${held} ${from}` : undefined}
          error={errors.amount ?? errors.confirmation ?? errors.lockId}
        >
          {(control) => (
            <input
              {...control}
              inputMode="decimal"
              autoComplete="off"
              value={draft.amount}
              onInput={(e) => update('amount', e.currentTarget.value)}
            />
          )}
        </Field>
        <div class="actions span-all">
          <button type="submit" class="secondary" data-testid="exchange-lock" disabled={locking || busy}>
            {locking ? 'Asking P100…' : lock ? 'Get a new rate lock' : 'Get a rate lock'}
          </button>
          <button
            type="button"
            class="primary"
            data-testid="exchange-submit"
            disabled={!usable || busy}
            onClick={() => checked() && setAsking(true)}
          >
            Exchange…
          </button>
        </div>
        {lock && (
          <p class="span-all" data-testid="exchange-quote" aria-live="polite">
            1 {from} = {rate.toPrecision(8)} {to} · fee {lock.feePercentage}% · about{' '}
            <strong data-testid="exchange-receive">
              {Number.isFinite(receive) && receive > 0 ? receive.toFixed(currencyPrecision(draft.currencyTo)) : '—'} {to}
            </strong>{' '}
            ·{' '}
            <span data-testid="exchange-countdown" class={left > 0 ? '' : 'bad'}>
              {left > 0 ? `lock holds for ${left} s` : 'the lock expired: get a new one'}
            </span>
          </p>
        )}
        {made && (
          <p class="span-all" data-testid="exchange-result" data-status={made.status}>
            Exchange {made.status === 'PENDING' ? 'settling at P100…' : made.status.toLowerCase()}: sold {made.amountFrom}{' '}
            {made.currencyFrom.toUpperCase()}, {made.status === 'COMPLETED' ? 'bought' : 'buying'} {made.amountTo}{' '}
            {made.currencyTo.toUpperCase()} (fee {made.fee} {made.currencyTo.toUpperCase()}).
          </p>
        )}
      </form>
      {asking && lock && (
        <MoveConfirm
          environment={environment}
          amount={draft.amount}
          title={`Sell ${draft.amount.trim()} ${from} for ${to}?`}
          confirmLabel="Exchange"
          testId="exchange"
          busy={busy}
          onCancel={() => setAsking(false)}
          onConfirm={(typed) => void send(typed)}
        >
          <p>
            At the locked rate (1 {from} = {rate.toPrecision(8)} {to}, fee {lock.feePercentage}%), the user receives
            about {receive.toFixed(currencyPrecision(draft.currencyTo))} {to}. The lock holds for {left} more seconds.
          </p>
        </MoveConfirm>
      )}
    </>
  );
}
