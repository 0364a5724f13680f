import { Amount } from '../../components/Amount';
import type { CommandError, CryptoBalance, UserBalances } from '../../api/bindings';
import { CopyButton } from '../../components/CopyButton';
import { ErrorBanner } from '../../components/ErrorBanner';
import { humanize } from '../../labels';

const networks = (b: CryptoBalance): string =>
  Object.entries(b.networkConfig)
    .map(([key, n]) => `${key} (${n.name}${n.mainnet ? '' : ', testnet'})`)
    .join(', ');

/** The user's fiat and crypto balances as the Money tab last read them from P100. */
export function BalancesPanel({
  balances,
  error,
  loading,
  onLoad,
}: {
  balances: UserBalances | null;
  error: CommandError | null;
  loading: boolean;
  onLoad: () => void;
}) {
  const empty = balances && balances.fiatBalances.length === 0 && balances.cryptoBalances.length === 0;

  return (
    <section class="panel" aria-labelledby="balances-title" data-testid="balances" aria-busy={loading}>
      <div class="panel-head">
        <h2 id="balances-title">Balances</h2>
        <button type="button" class="secondary" data-testid="balances-refresh" disabled={loading} onClick={onLoad}>
          {loading ? 'Loading…' : balances ? 'Refresh' : 'Load balances'}
        </button>
      </div>
      <ErrorBanner error={error} testId="balances-error" />
      {balances === null ? (
        !error && <p class="muted">Balances are fetched from P100 when you ask for them.</p>
      ) : empty ? (
        <p class="empty" data-testid="balances-empty">
          No balances yet — P100 creates them when verification succeeds
        </p>
      ) : (
        <>
          {balances.fiatBalances.length > 0 && (
            <table class="compact" data-testid="fiat-balances">
              <caption>Fiat</caption>
              <thead>
                <tr>
                  <th scope="col">Currency</th>
                  <th scope="col" class="num">Amount</th>
                  <th scope="col">Status</th>
                  <th scope="col">IBAN</th>
                </tr>
              </thead>
              <tbody>
                {balances.fiatBalances.map((b) => (
                  <tr key={b.id} data-testid="fiat-row">
                    <td>{b.name.toUpperCase()}</td>
                    <td class="num">
                      <Amount amount={b.amount} currency={b.name} />
                    </td>
                    <td>{humanize(b.status)}</td>
                    <td>
                      {b.iban ? (
                        <span class="inline-copy">
                          <code>{b.iban}</code>
                          <CopyButton text={b.iban} what={`${b.name} IBAN`} testId="copy-iban" />
                        </span>
                      ) : (
                        <span class="muted">Not issued yet</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {balances.cryptoBalances.length > 0 && (
            <table class="compact" data-testid="crypto-balances">
              <caption>Crypto</caption>
              <thead>
                <tr>
                  <th scope="col">Currency</th>
                  <th scope="col" class="num">Amount</th>
                  <th scope="col">Wallet</th>
                  <th scope="col">Networks</th>
                </tr>
              </thead>
              <tbody>
                {balances.cryptoBalances.map((b) => (
                  <tr key={b.id} data-testid="crypto-row">
                    <td>{b.name.toUpperCase()}</td>
                    <td class="num">
                      <Amount amount={b.amount} currency={b.name} />
                    </td>
                    <td>
                      {b.wallet ? (
                        <span class="inline-copy">
                          <code class="wallet" title={b.wallet}>
                            {b.wallet}
                          </code>
                          <CopyButton
                            text={b.wallet}
                            what={`${b.name} wallet address`}
                            testId={`copy-wallet-${b.name}`}
                          />
                        </span>
                      ) : (
                        <span class="muted">Not created yet</span>
                      )}
                    </td>
                    <td>{networks(b) || <span class="muted">None</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
