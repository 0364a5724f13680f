import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { TimelineEvent, UserBalances, UserRecord } from '../../../api/bindings';
import { createFakeBackend, fakeUser, type FakeBackend, type FakeOptions } from '../../../api/fake';
import { App } from '../../../app';

afterEach(cleanup);

const balances = (): UserBalances => ({
  fiatBalances: [{ id: 'f1', amount: '10.00', name: 'eur', rate: 1, iban: null, status: 'ACTIVE' }],
  cryptoBalances: [
    {
      id: 'c1',
      amount: '0.00000000',
      name: 'btc',
      wallet: 'tb1qexample',
      rate: 80000,
      networkConfig: {
        btc: { mainnet: false, name: 'test', withdrawal: { feeWithdrawal: 0.0002, minWithdrawal: 0.0005 }, deposit: { minDeposit: 0 } },
      },
    },
  ],
});

async function openMoney(user: UserRecord, options: FakeOptions): Promise<FakeBackend> {
  const backend = createFakeBackend({ users: [user], balances: { [user.externalUserId]: balances() }, ...options });
  render(<App backend={backend} />);
  fireEvent.click(within(await screen.findByTestId('roster-row')).getByTestId('roster-open'));
  await screen.findByTestId('user-detail');
  fireEvent.click(screen.getByTestId('tab-money'));
  await screen.findByTestId('transfer-form');
  return backend;
}

const type = (testId: string, value: string) => fireEvent.input(screen.getByTestId(testId), { target: { value } });
const eur = () => within(screen.getByTestId('fiat-balances')).getByTestId('fiat-row').textContent ?? '';

describe('money', () => {
  it('refuses an amount at its field, then funds the user and shows the new balance without a reload', async () => {
    const backend = await openMoney(fakeUser(), {});
    await waitFor(() => expect(eur()).toContain('10.00'));
    await waitFor(() =>
      expect(document.getElementById('hint-transfer-amount')?.textContent).toBe(
        'The user holds 10.00 EUR · the partner 1000000.00 EUR',
      ),
    );
    type('transfer-amount', '12.345');
    fireEvent.click(screen.getByTestId('transfer-submit'));
    expect(screen.getByTestId('transfer-error-amount').textContent).toBe('At most 2 decimal places for EUR');
    expect(screen.getByTestId<HTMLInputElement>('transfer-amount').value).toBe('12.345');
    expect(backend.argsOf('money_transfer')).toEqual([]);

    type('transfer-amount', '100,50');
    fireEvent.click(screen.getByTestId('transfer-submit'));
    fireEvent.click(await screen.findByTestId('transfer-confirm'));
    await waitFor(() => expect(eur()).toContain('110.50'));
    expect(backend.argsOf('money_transfer')).toEqual([
      { externalUserId: 'ext-1', form: { direction: 'fund', currency: 'eur', amount: '100,50', confirmation: '' } },
    ]);
    expect(screen.getByTestId('toast').textContent).toContain('Funded 100,50 EUR');
  });

  it('in Production, moves money only once the amount is typed again', async () => {
    const user = fakeUser({ environment: 'production' });
    const backend = await openMoney(user, { kind: 'production', keys: ['production'] });
    type('transfer-amount', '5');
    fireEvent.click(screen.getByTestId('transfer-submit'));
    const confirm = await screen.findByTestId<HTMLButtonElement>('transfer-confirm');
    expect(confirm.disabled).toBe(true);
    type('transfer-confirmation', '6');
    expect(confirm.disabled).toBe(true);
    type('transfer-confirmation', '5');
    expect(confirm.disabled).toBe(false);
    fireEvent.click(confirm);
    await waitFor(() => expect(backend.argsOf('money_transfer')).toHaveLength(1));
    expect(backend.argsOf('money_transfer')[0].form.confirmation).toBe('5');
  });

  it('locks a rate with its countdown, then exchanges with that lock', async () => {
    const backend = await openMoney(fakeUser(), {});
    type('exchange-amount', '8');
    expect(screen.getByTestId<HTMLButtonElement>('exchange-submit').disabled).toBe(true);
    fireEvent.click(screen.getByTestId('exchange-lock'));
    const countdown = await screen.findByTestId('exchange-countdown');
    expect(countdown.textContent).toMatch(/lock holds for (39|40) s/);
    expect(screen.getByTestId('exchange-receive').textContent).toContain('BTC');
    fireEvent.click(screen.getByTestId('exchange-submit'));
    fireEvent.click(await screen.findByTestId('exchange-confirm'));
    await waitFor(() => expect(screen.getByTestId('exchange-result').dataset.status).toBe('COMPLETED'));
    const [sent] = backend.argsOf('exchange_create');
    expect(sent.form).toMatchObject({ lockId: 'lock-1', currencyFrom: 'eur', currencyTo: 'btc', amount: '8' });
    await waitFor(() => expect(eur()).toContain('2.00'));
  });

  it('shows the network fee and the minimum, and keeps what was typed when P100 refuses the wallet', async () => {
    const backend = await openMoney(fakeUser(), {});
    const hint = () => document.getElementById('hint-withdrawal-amount')?.textContent ?? '';
    await waitFor(() => expect(hint()).toContain('Network fee 0.0002 BTC'));
    expect(hint()).toContain('minimum 0.0005 BTC');
    type('withdrawal-amount', '0.0001');
    type('withdrawal-walletAddress', 'not-a-wallet');
    type('withdrawal-name', 'Ada Lovelace');
    fireEvent.click(screen.getByTestId('withdrawal-submit'));
    expect(screen.getByTestId('withdrawal-error-amount').textContent).toBe('At least 0.0005 BTC on btc');
    type('withdrawal-amount', '0.001');
    fireEvent.click(screen.getByTestId('withdrawal-submit'));
    fireEvent.click(await screen.findByTestId('withdrawal-confirm'));
    expect((await screen.findByTestId('withdrawal-error-walletAddress')).textContent).toContain('walletAddress');
    expect(screen.getByTestId<HTMLInputElement>('withdrawal-walletAddress').value).toBe('not-a-wallet');
    expect(backend.argsOf('withdrawal_create')).toHaveLength(1);
  });

  it('lists a deposit held for travel-rule data from its webhook and fills the form with it', async () => {
    const claim = (id: number, status: string) =>
      ({
        id,
        at: '2026-12-04T10:00:00Z',
        source: 'webhook',
        actor: null,
        kind: 'webhookClaim',
        detail: {
          event: 'cryptoDeposit',
          path: '/webhook/crypto-deposit',
          claim: { externalUserId: 'ext-1', cryptoDepositId: `dep-${id}`, amount: 0.5, currency: 'eth', status, createdAt: '2026-12-04T10:00:00Z' },
          confirmation: 'unconfirmed',
          note: null,
        },
      }) as TimelineEvent;
    const backend = await openMoney(fakeUser(), { timelines: { 'ext-1': [claim(1, 'WAITING_FOR_TR_DATA'), claim(2, 'SUCCESSFUL')] } });
    const held = await screen.findAllByTestId('held-deposit');
    expect(held.map((h) => h.dataset.depositId)).toEqual(['dep-1']);
    fireEvent.click(within(held[0]).getByTestId('held-deposit-pick'));
    await waitFor(() => expect(screen.getByTestId<HTMLInputElement>('travel-cryptoDepositId').value).toBe('dep-1'));
    fireEvent.click(screen.getByTestId('travel-submit'));
    await waitFor(() => expect(backend.argsOf('travel_rule_update')).toHaveLength(1));
    expect(backend.argsOf('travel_rule_update')[0]).toEqual({
      externalUserId: 'ext-1',
      cryptoDepositId: 'dep-1',
      update: { walletType: 'SELF_CUSTODY', details: { iAmOwnerOfWallet: true } },
    });
  });
});
