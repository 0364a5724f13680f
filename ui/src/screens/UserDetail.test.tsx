import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Confirmation, TimelineEvent, Transaction, UserBalances, UserRecord } from '../api/bindings';
import { createFakeBackend, fakeToken, fakeUser, type FakeBackend, type FakeOptions } from '../api/fake';
import { App } from '../app';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const byId = <T extends HTMLElement = HTMLElement>(id: string) => screen.getByTestId<T>(id);
const click = (id: string) => fireEvent.click(byId(id));
const type = (id: string, value: string) => fireEvent.input(byId(id), { target: { value } });
const choose = (id: string, value: string) => fireEvent.change(byId(id), { target: { value } });

/** Renders the app over a fake with the given users and opens the first one, on `tab`. */
async function openUser(
  user: UserRecord = fakeUser(),
  options: FakeOptions = {},
  tab: 'onboarding' | 'cards' | 'money' = 'onboarding',
): Promise<FakeBackend> {
  const backend = createFakeBackend({ users: [user], ...options });
  render(<App backend={backend} />);
  const row = await screen.findByTestId('roster-row');
  fireEvent.click(within(row).getByTestId('roster-open'));
  await screen.findByTestId('user-detail');
  if (tab !== 'onboarding') fireEvent.click(screen.getByTestId(`tab-${tab}`));
  return backend;
}

describe('roster to detail', () => {
  it('opens a user from the row button, shows the header, and goes back', async () => {
    const user = fakeUser({
      status: 'ACTIVE',
      kycMethod: 'files',
      verificationStatus: 'NOT_VERIFIED',
      attemptStatus: 'REJECTED_BY_PROVIDER',
      rejectionReason: 'NO_FACE_FOUND',
      poaRequiredForExtended: true,
      poaStatus: 'WAITING',
    });
    await openUser(user);

    expect(byId('detail-name').textContent).toBe('Ada Lovelace');
    expect(document.activeElement).toBe(byId('detail-name'));
    expect(byId('detail-email').textContent).toBe('ada@example.com');
    expect(byId('detail-external-id').textContent).toBe('ext-1');
    expect(byId('detail-status').textContent).toBe('Active');
    // Words on the badge, P100's code (what support is quoted) in its tooltip.
    expect(byId('detail-status').querySelector('.badge')?.getAttribute('title')).toBe('ACTIVE');
    expect(byId('detail-extended').textContent).toBe('No');
    expect(byId('kyc-rejection').textContent).toContain('The provider found no face in the selfie');
    expect(byId('kyc-attempt').textContent).toContain('The provider rejected the latest attempt');
    expect(byId('poa-status').textContent).toContain('Waiting for review');
    expect(byId('poa-status').textContent).toContain('required for the extended level');

    click('detail-back');
    expect(await screen.findByTestId('roster')).toBeTruthy();
    expect(screen.queryByTestId('user-detail')).toBeNull();
  });

  it('opens a user by clicking anywhere on the row', async () => {
    render(<App backend={createFakeBackend({ users: [fakeUser()] })} />);
    const row = await screen.findByTestId('roster-row');
    fireEvent.click(within(row).getByTestId('roster-email'));
    expect(await screen.findByTestId('user-detail')).toBeTruthy();
  });

  it('dims deleted rows with a Deleted badge, and their detail offers no actions', async () => {
    const gone = fakeUser({ externalUserId: 'ext-gone', status: 'DELETED', deletedAt: '2025-02-01T00:00:00Z' });
    render(<App backend={createFakeBackend({ users: [gone] })} />);
    const row = await screen.findByTestId('roster-row');
    expect(row.classList.contains('deleted')).toBe(true);
    expect(within(row).getByTestId('roster-status').textContent).toBe('Deleted');

    fireEvent.click(within(row).getByTestId('roster-open'));
    expect((await screen.findByTestId('detail-deleted')).textContent).toContain('deleted');
    expect(screen.queryByTestId('action-delete')).toBeNull();
    expect(screen.queryByTestId('kyc-upload')).toBeNull();
  });
});

describe('hosted KYC (Method B)', () => {
  const visible = () => ({
    taxId: screen.queryByTestId('hosted-taxId') !== null,
    occupation: screen.queryByTestId('hosted-occupation') !== null,
    additionalInfo: screen.queryByTestId('hosted-additionalInfo') !== null,
  });

  it('shows taxId, occupation and additionalInfo only for the income sources that need them', async () => {
    await openUser();
    expect(visible()).toEqual({ taxId: false, occupation: false, additionalInfo: false });

    choose('hosted-incomeSource', 'BUSINESS_ACTIVITY');
    expect(visible()).toEqual({ taxId: true, occupation: false, additionalInfo: false });

    choose('hosted-incomeSource', 'SALARY');
    expect(visible()).toEqual({ taxId: false, occupation: true, additionalInfo: true });

    for (const other of ['OTHER', 'MAINTAINED_BY_FAMILY', 'INVESTMENTS', 'SOCIAL_BENEFITS', 'TENANCY']) {
      choose('hosted-incomeSource', other);
      expect(visible()).toEqual({ taxId: false, occupation: false, additionalInfo: true });
    }
    // Labels are readable; values stay the enum.
    const option = within(byId('hosted-openAccountReason')).getByText('Investments or cryptocurrencies');
    expect((option as HTMLOptionElement).value).toBe('INVESTMENTS_OR_CRYPTOCURRENCIE');
    expect(within(byId('hosted-documentType')).getByText('Driving licence')).toBeTruthy();
  });

  it('sends only the fields the income source asks for, then offers to open the page', async () => {
    const backend = await openUser();
    choose('hosted-documentType', 'DRIVER_LICENSE');
    choose('hosted-openAccountReason', 'DAILY_USE');
    choose('hosted-incomeSource', 'BUSINESS_ACTIVITY');
    type('hosted-taxId', 'PL123');
    choose('hosted-incomeSource', 'SALARY');
    choose('hosted-occupation', 'IT');
    type('hosted-additionalInfo', 'Developer');
    expect(screen.queryByTestId('hosted-open')).toBeNull();

    click('hosted-start');

    expect((await screen.findByTestId('toast')).textContent).toBe('Started hosted KYC for Ada Lovelace');
    expect(backend.argsOf('kyc_hosted_start')).toEqual([
      {
        externalUserId: 'ext-1',
        form: {
          documentType: 'DRIVER_LICENSE',
          country: 'PL',
          incomeSource: 'SALARY',
          openAccountReason: 'DAILY_USE',
          occupation: 'IT',
          additionalInfo: 'Developer',
        },
      },
    ]);
    expect(byId('kyc-method').textContent).toContain('Method B');
    expect(byId('hosted-session').textContent).toContain('ver-1');

    click('hosted-open');
    await waitFor(() => expect(backend.argsOf('kyc_hosted_open')).toEqual([{ externalUserId: 'ext-1' }]));

    click('kyc-refresh');
    await waitFor(() => expect(backend.argsOf('kyc_refresh')).toEqual([{ externalUserId: 'ext-1' }]));
  });

  it('puts the missing conditional field error at its field', async () => {
    await openUser();
    choose('hosted-documentType', 'PASSPORT');
    choose('hosted-openAccountReason', 'DAILY_USE');
    choose('hosted-incomeSource', 'OTHER');
    click('hosted-start');
    expect((await screen.findByTestId('hosted-error-additionalInfo')).textContent).toContain('additionalInfo');
    expect(byId('hosted-additionalInfo').getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(byId('hosted-additionalInfo'));
  });
});

describe('identity documents (Method A)', () => {
  const slots = () =>
    screen.queryAllByTestId(/^kyc-slot-/).map((s) => s.getAttribute('data-testid')!.replace('kyc-slot-', ''));

  it('shows the slots the document type needs, with the passport front as Photo page', async () => {
    await openUser();
    expect(slots()).toEqual(['front', 'back', 'selfie']);
    expect(byId('kyc-missing').textContent).toBe('Missing: front, back, selfie');
    expect(byId<HTMLButtonElement>('kyc-upload').disabled).toBe(true);

    choose('kyc-document-type', 'PASSPORT');
    expect(slots()).toEqual(['front', 'selfie']);
    expect(byId('kyc-slot-front').textContent).toContain('Photo page');
    expect(byId('kyc-missing').textContent).toBe('Missing: photo page, selfie');

    choose('kyc-document-type', 'RESIDENCE_PERMIT');
    expect(slots()).toEqual(['front', 'back', 'selfie']);
  });

  it('fills a slot from the file dialog and shows the token', async () => {
    const backend = await openUser();
    backend.queuePick({ accepted: [fakeToken('id-front.jpg', { size: 3 * 1024 })], rejected: [] });
    click('kyc-pick-front');
    const slot = byId('kyc-slot-front');
    await waitFor(() => expect(slot.textContent).toContain('id-front.jpg'));
    expect(slot.textContent).toContain('3.0 KB');
    expect(slot.textContent).toContain('JPEG');
    expect(slot.querySelector('img')?.getAttribute('src')).toMatch(/^data:image\/png/);
    expect(backend.argsOf('documents_pick')).toEqual([{ multiple: false }]);
    expect(byId('kyc-missing').textContent).toBe('Missing: back, selfie');
    expect(byId<HTMLButtonElement>('kyc-upload').disabled).toBe(false);

    backend.queuePick({ accepted: [fakeToken('scan.pdf')], rejected: [] });
    click('kyc-pick-back');
    await waitFor(() => expect(byId('kyc-slot-back').textContent).toContain('PDF'));
  });

  it('fills the first empty slots in order from a drop, and lists rejected files', async () => {
    const backend = await openUser();
    backend.queuePick({ accepted: [fakeToken('back.jpg')], rejected: [] });
    click('kyc-pick-back');
    await waitFor(() => expect(byId('kyc-slot-back').textContent).toContain('back.jpg'));
    expect(byId('kyc-drop-hint').textContent).toContain('go here');

    act(() =>
      backend.drop({
        accepted: [fakeToken('a.jpg'), fakeToken('b.jpg'), fakeToken('c.jpg')],
        rejected: [{ name: 'notes.txt', message: 'Not a JPEG, PNG or PDF' }],
      }),
    );

    expect(byId('kyc-slot-front').textContent).toContain('a.jpg');
    expect(byId('kyc-slot-back').textContent).toContain('back.jpg');
    expect(byId('kyc-slot-selfie').textContent).toContain('b.jpg');
    expect(byId('kyc-note').textContent).toContain('No empty slot for c.jpg');
    expect(byId('kyc-rejected').textContent).toContain('notes.txt: Not a JPEG, PNG or PDF');
    expect(byId('kyc-missing').textContent).toBe('Every side is filled.');
  });

  it('sends drops to the panel the operator last clicked into', async () => {
    const backend = await openUser(fakeUser({ poaRequiredForExtended: true }));
    fireEvent.pointerDown(byId('poa-panel'));
    expect(byId('poa-drop-hint').textContent).toContain('go here');
    expect(byId('kyc-drop-hint').textContent).not.toContain('go here');

    act(() => backend.drop({ accepted: [fakeToken('bill.pdf')], rejected: [] }));

    expect(screen.getAllByTestId('poa-file').map((li) => li.textContent)).toEqual([
      expect.stringContaining('bill.pdf'),
    ]);
    expect(byId('kyc-slot-front').textContent).not.toContain('bill.pdf');
  });

  it('says where to go when files are dropped with no upload panel on screen', async () => {
    const backend = await openUser();
    click('detail-back');
    await screen.findByTestId('roster');
    act(() =>
      backend.drop({ accepted: [fakeToken('id.jpg')], rejected: [{ name: 'big.png', message: 'larger than 5 MB' }] }),
    );
    const toast = await screen.findByTestId('toast');
    expect(toast.textContent).toContain("Open a user's upload panel");
    expect(toast.textContent).toContain('id.jpg');
    expect(toast.textContent).toContain('big.png (larger than 5 MB)');
  });

  it('reports per-file progress from the channel, can be cancelled, and uploads on a retry', async () => {
    const backend = await openUser(fakeUser(), { holdUploads: true });
    choose('kyc-document-type', 'PASSPORT');
    backend.queuePick({ accepted: [fakeToken('photo.jpg', { size: 2000 })], rejected: [] });
    click('kyc-pick-front');
    await waitFor(() => expect(byId('kyc-slot-front').textContent).toContain('photo.jpg'));
    backend.queuePick({ accepted: [fakeToken('selfie.png', { size: 4000, mime: 'image/png' })], rejected: [] });
    click('kyc-pick-selfie');
    await waitFor(() => expect(byId('kyc-slot-selfie').textContent).toContain('selfie.png'));

    click('kyc-upload');

    // The fake channel reported half of each file.
    const first = await screen.findByTestId<HTMLProgressElement>('upload-progress-0');
    await waitFor(() => expect(first.getAttribute('value')).toBe('1000'));
    expect(first.getAttribute('max')).toBe('2000');
    const second = byId<HTMLProgressElement>('upload-progress-1');
    expect(second.getAttribute('value')).toBe('2000');
    expect(second.getAttribute('max')).toBe('4000');
    expect(byId<HTMLButtonElement>('kyc-upload').disabled).toBe(true);
    const [request] = backend.argsOf('kyc_upload');
    expect(request.documentType).toBe('PASSPORT');
    expect(request.files).toEqual([
      { side: 'front', token: expect.any(String) },
      { side: 'selfie', token: expect.any(String) },
    ]);

    click('upload-cancel');

    expect((await screen.findByTestId('kyc-error')).textContent).toContain('cancelled');
    expect(backend.argsOf('upload_cancel')).toEqual([{ uploadId: request.uploadId }]);
    expect(screen.queryByTestId('upload-progress-0')).toBeNull();
    // The files stay, to be sent again.
    expect(byId('kyc-slot-front').textContent).toContain('photo.jpg');

    click('kyc-upload');
    await screen.findByTestId('upload-progress-0');
    act(() => backend.releaseUploads());

    expect((await screen.findByTestId('toast')).textContent).toBe('Sent the identity documents of Ada Lovelace');
    expect(byId('kyc-method').textContent).toContain('Method A');
    expect(byId('kyc-attempt').textContent).toContain('Waiting for documents');
    expect(byId('kyc-attempt').querySelector('[data-code]')?.getAttribute('title')).toBe('PENDING');
    // Finished bars show 100 % for a moment (the answer may overtake the last progress message).
    expect(byId<HTMLProgressElement>('upload-progress-0').value).toBe(byId<HTMLProgressElement>('upload-progress-0').max);
    await waitFor(() => expect(screen.queryByTestId('upload-progress-0')).toBeNull());
    expect(byId('kyc-missing').textContent).toBe('Missing: photo page, selfie');
  });
});

describe('proof of address', () => {
  it('takes up to three files, lets one be removed, and sends them in one request', async () => {
    const backend = await openUser(fakeUser({ poaRequiredForExtended: true }));
    expect(byId('poa-required')).toBeTruthy();
    backend.queuePick({
      accepted: ['1.pdf', '2.pdf', '3.pdf', '4.pdf'].map((n) => fakeToken(n)),
      rejected: [],
    });
    click('poa-pick');
    await waitFor(() => expect(screen.getAllByTestId('poa-file')).toHaveLength(3));
    expect(byId('poa-note').textContent).toContain('4.pdf not added');
    expect(backend.argsOf('documents_pick')).toEqual([{ multiple: true }]);
    expect(byId<HTMLButtonElement>('poa-pick').disabled).toBe(true);

    fireEvent.click(within(screen.getAllByTestId('poa-file')[1]).getByTestId('poa-remove'));
    expect(screen.getAllByTestId('poa-file').map((f) => f.textContent)).toEqual([
      expect.stringContaining('1.pdf'),
      expect.stringContaining('3.pdf'),
    ]);

    click('poa-upload');
    expect((await screen.findByTestId('toast')).textContent).toBe('Sent the proof of address of Ada Lovelace');
    const [request] = backend.argsOf('poa_upload');
    expect(request.tokens).toHaveLength(2);
    expect(byId('poa-status').textContent).toContain('Waiting for review');
    expect(screen.queryAllByTestId('poa-file')).toHaveLength(0);
  });
});

describe('account actions', () => {
  it('keeps Delete disabled until the e-mail or id is typed, then deletes and returns to the roster', async () => {
    const backend = await openUser();
    click('action-delete');
    const dialog = byId('confirm-dialog');
    expect(dialog.tagName).toBe('DIALOG');
    expect(dialog.hasAttribute('open')).toBe(true);
    const input = byId<HTMLInputElement>('delete-confirmation');
    expect(document.activeElement).toBe(input);
    const confirm = byId<HTMLButtonElement>('delete-confirm');
    expect(confirm.disabled).toBe(true);

    type('delete-confirmation', 'ada@example');
    expect(confirm.disabled).toBe(true);
    type('delete-confirmation', 'Ada Lovelace');
    expect(confirm.disabled).toBe(true);
    type('delete-confirmation', 'ext-1');
    expect(confirm.disabled).toBe(false);
    type('delete-confirmation', 'ada@example.com');
    expect(confirm.disabled).toBe(false);

    click('delete-confirm');

    expect((await screen.findByTestId('toast')).textContent).toBe('Deleted Ada Lovelace');
    expect(backend.argsOf('user_delete')).toEqual([{ externalUserId: 'ext-1', confirmation: 'ada@example.com' }]);
    const row = await screen.findByTestId('roster-row');
    expect(within(row).getByTestId('roster-status').textContent).toBe('Deleted');
  });

  it('closes the delete dialog on Escape without deleting', async () => {
    const backend = await openUser();
    const opener = byId('action-delete');
    opener.focus();
    fireEvent.click(opener);
    fireEvent.keyDown(byId('delete-confirmation'), { key: 'Escape' });
    expect(screen.queryByTestId('confirm-dialog')).toBeNull();
    expect(document.activeElement).toBe(opener);
    expect(backend.argsOf('user_delete')).toEqual([]);
  });

  it('requires a suspension reason and explains P454', async () => {
    const backend = await openUser(fakeUser(), { activeCards: ['ext-1'] });
    click('action-suspend');
    const reason = byId<HTMLTextAreaElement>('suspend-reason');
    expect(document.activeElement).toBe(reason);
    expect(reason.getAttribute('aria-required')).toBe('true');
    expect(byId<HTMLButtonElement>('suspend-confirm').disabled).toBe(true);
    type('suspend-reason', '   ');
    expect(byId<HTMLButtonElement>('suspend-confirm').disabled).toBe(true);

    type('suspend-reason', 'Chargeback fraud');
    expect(byId<HTMLButtonElement>('suspend-confirm').disabled).toBe(false);
    click('suspend-confirm');

    expect((await screen.findByTestId('suspend-p454')).textContent).toContain(
      'The user has active cards: P100 suspends a user only once every card is blocked',
    );
    expect(backend.argsOf('user_suspend')).toEqual([{ externalUserId: 'ext-1', reason: 'Chargeback fraud' }]);
    // Still open with the reason kept, so the operator can cancel or retry.
    expect(byId<HTMLTextAreaElement>('suspend-reason').value).toBe('Chargeback fraud');
    expect(byId('detail-status').textContent).toBe('Active');

    fireEvent.keyDown(byId('suspend-reason'), { key: 'Escape' });
    expect(screen.queryByTestId('suspend-dialog')).toBeNull();
  });

  it('offers to block every active card, then suspend, with the reason given', async () => {
    const backend = await openUser(fakeUser(), { activeCards: ['ext-1'] });
    click('action-suspend');
    type('suspend-reason', 'Card fraud');
    click('suspend-confirm');
    await screen.findByTestId('suspend-p454');
    click('suspend-block-cards');
    await waitFor(() => expect(byId('detail-status').textContent).toBe('Suspended'));
    expect(backend.argsOf('user_suspend_blocking_cards')).toEqual([{ externalUserId: 'ext-1', reason: 'Card fraud' }]);
  });

  it('suspends, then unsuspends with an optional reason', async () => {
    const backend = await openUser();
    click('action-suspend');
    type('suspend-reason', 'Asked by compliance');
    click('suspend-confirm');
    expect((await screen.findByTestId('toast')).textContent).toBe('Suspended Ada Lovelace');
    expect(byId('detail-status').textContent).toBe('Suspended');
    expect(screen.queryByTestId('suspend-dialog')).toBeNull();

    click('action-unsuspend');
    expect(byId<HTMLButtonElement>('unsuspend-confirm').disabled).toBe(false);
    click('unsuspend-confirm');
    await waitFor(() => expect(byId('detail-status').textContent).toBe('Active'));
    expect(backend.argsOf('user_unsuspend')).toEqual([{ externalUserId: 'ext-1', reason: '' }]);
  });

  it('says proof of address comes first, yet lets Extend be tried', async () => {
    const backend = await openUser(fakeUser({ poaRequiredForExtended: true, poaStatus: 'WAITING' }));
    expect(byId('extend-poa-note').textContent).toContain('Proof of address must be approved first');
    expect(byId<HTMLButtonElement>('action-extend').disabled).toBe(false);
    click('action-extend');
    expect((await screen.findByTestId('account-error')).textContent).toContain('proof of address');
    expect(backend.argsOf('user_extend')).toEqual([{ externalUserId: 'ext-1' }]);
  });

  it('extends when no proof of address is needed', async () => {
    await openUser();
    expect(screen.queryByTestId('extend-poa-note')).toBeNull();
    click('action-extend');
    await waitFor(() => expect(byId('detail-extended').textContent).toBe('Yes'));
    expect(byId('toast').textContent).toContain('extended');
  });
});

describe('edit and verification forms', () => {
  it('prefills from the record, sends the whole profile, and updates the header', async () => {
    const backend = await openUser();
    expect(byId<HTMLInputElement>('edit-email').value).toBe('ada@example.com');
    expect(byId<HTMLInputElement>('edit-firstName').value).toBe('Ada');
    expect(byId<HTMLSelectElement>('edit-country').value).toBe('PL');
    expect(byId<HTMLInputElement>('edit-city').value).toBe('');

    click('edit-save');
    expect((await screen.findByTestId('edit-form-error')).textContent).toContain('nothing was changed');

    type('edit-lastName', 'King');
    type('edit-city', 'London');
    click('edit-save');
    expect((await screen.findByTestId('toast')).textContent).toBe('Saved the changes to Ada King');
    expect(backend.argsOf('user_update')[1]).toEqual({
      externalUserId: 'ext-1',
      profile: {
        email: 'ada@example.com',
        firstName: 'Ada',
        lastName: 'King',
        city: 'London',
        country: 'PL',
        citizenship: 'PL',
      },
    });
    expect(byId('detail-name').textContent).toBe('Ada King');
    expect(screen.queryByTestId('edit-form-error')).toBeNull();
  });

  it('shows a rejected edit at its field', async () => {
    await openUser();
    type('edit-email', 'not-an-email');
    click('edit-save');
    expect((await screen.findByTestId('edit-error-email')).textContent).toBe('email must be an email address');
    expect(document.activeElement).toBe(byId('edit-email'));
  });

  it('submits the verification data and shows field errors', async () => {
    const backend = await openUser();
    choose('verify-documentType', 'PASSPORT');
    type('verify-documentNumber', 'AB 12');
    type('verify-expiryDate', '2031-05-06');
    click('verify-submit');
    expect((await screen.findByTestId('verify-error-documentNumber')).textContent).toContain('documentNumber');

    type('verify-documentNumber', 'AB12');
    click('verify-submit');
    expect((await screen.findByTestId('toast')).textContent).toBe('Sent the verification data of Ada Lovelace');
    expect(backend.argsOf('user_verify')[1]).toEqual({
      externalUserId: 'ext-1',
      form: { documentType: 'PASSPORT', documentNumber: 'AB12', issuingCountry: 'PL', expiryDate: '2031-05-06' },
    });
  });
});

describe('balances', () => {
  const balances: UserBalances = {
    fiatBalances: [
      { id: 'f1', amount: '12.34', name: 'eur', rate: 1, iban: 'PL61109010140000071219812874', status: 'ACTIVE' },
    ],
    cryptoBalances: [
      {
        id: 'c1',
        amount: '0.5',
        name: 'eth',
        wallet: '0xabc123',
        rate: 3000,
        networkConfig: {
          ethereum: { mainnet: false, name: 'sepolia', withdrawal: { feeWithdrawal: 0, minWithdrawal: 0 }, deposit: { minDeposit: 0 } },
        },
      },
    ],
  };

  let writeText: ReturnType<typeof vi.fn>;
  beforeEach(() => {
    writeText = vi.fn().mockResolvedValue(undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
  });

  it('reads them when the Money tab opens, again on Refresh, and copies the IBAN and wallet', async () => {
    const backend = await openUser(fakeUser(), { balances: { 'ext-1': balances } }, 'money');
    await waitFor(() => expect(backend.argsOf('user_balances')).toHaveLength(1));
    click('balances-refresh');
    await waitFor(() => expect(backend.argsOf('user_balances')).toHaveLength(2));
    const panel = byId('balances');
    await waitFor(() => expect(within(panel).getByText('PL61109010140000071219812874')).toBeTruthy());
    expect(within(panel).getByTestId('crypto-row').textContent).toContain('ethereum (sepolia, testnet)');

    click('copy-iban');
    expect(writeText).toHaveBeenCalledWith('PL61109010140000071219812874');
    await waitFor(() => expect(within(panel).getByText('Copied')).toBeTruthy());

    click('copy-wallet-eth');
    expect(writeText).toHaveBeenLastCalledWith('0xabc123');
  });

  it('says when P100 has no balances yet', async () => {
    await openUser(fakeUser(), {}, 'money');
    click('balances-refresh');
    expect((await screen.findByTestId('balances-empty')).textContent).toBe(
      'No balances yet — P100 creates them when verification succeeds',
    );
  });
});

describe('transactions', () => {
  const history: Transaction[] = Array.from({ length: 45 }, (_, i) => ({
    id: `tx-${String(i + 1).padStart(2, '0')}`,
    createdAt: `2025-01-${String((i % 28) + 1).padStart(2, '0')}T10:00:00Z`,
    type: i % 2 === 0 ? 'DEPOSIT' : 'FEE',
    status: 'COMPLETED',
    currency: i < 40 ? 'eur' : 'usdt',
    amount: `${i + 1}.00`,
    description: i === 0 ? 'Rent, "January"' : `Item ${i + 1}`,
  }));

  it('pages through 20 at a time', async () => {
    const backend = await openUser(fakeUser(), { transactions: { 'ext-1': history } }, 'money');
    await waitFor(() => expect(screen.getAllByTestId('tx-row')).toHaveLength(20));
    expect(byId('tx-page').textContent).toContain('page 1 of 3');
    expect(byId<HTMLButtonElement>('tx-prev').disabled).toBe(true);

    click('tx-next');
    await waitFor(() => expect(byId('tx-page').textContent).toContain('page 2 of 3'));
    expect(screen.getAllByTestId('tx-row')[0].textContent).toContain('tx-21');

    click('tx-next');
    await waitFor(() => expect(screen.getAllByTestId('tx-row')).toHaveLength(5));
    expect(byId<HTMLButtonElement>('tx-next').disabled).toBe(true);

    click('tx-prev');
    await waitFor(() => expect(byId('tx-page').textContent).toContain('page 2 of 3'));
    expect(backend.argsOf('user_transactions').map((a) => a.query)).toEqual([
      { page: 1, limit: 20 },
      { page: 2, limit: 20 },
      { page: 3, limit: 20 },
      { page: 2, limit: 20 },
    ]);
  });

  it('filters, going back to page 1, and sends only the filters set', async () => {
    const backend = await openUser(fakeUser(), { transactions: { 'ext-1': history } }, 'money');
    await waitFor(() => expect(screen.getAllByTestId('tx-row')).toHaveLength(20));
    click('tx-next');
    await waitFor(() => expect(byId('tx-page').textContent).toContain('page 2 of 3'));

    type('tx-filter-currency', ' USDT ');
    choose('tx-filter-type', 'FEE');
    click('tx-apply');

    await waitFor(() => expect(byId('tx-page').textContent).toContain('page 1 of 1'));
    expect(screen.getAllByTestId('tx-row').map((r) => r.textContent)).toEqual([
      expect.stringContaining('tx-42'),
      expect.stringContaining('tx-44'),
    ]);
    expect(backend.argsOf('user_transactions').at(-1)?.query).toEqual({
      page: 1,
      limit: 20,
      currency: 'usdt',
      type: 'FEE',
    });
  });

  it('exports every page of the current filters as CSV', async () => {
    const many = Array.from({ length: 230 }, (_, i) => ({ ...history[i % 45], id: `tx-${i + 1}` }));
    const backend = await openUser(fakeUser(), { transactions: { 'ext-1': many } }, 'money');
    await waitFor(() => expect(screen.getAllByTestId('tx-row')).toHaveLength(20));
    click('tx-export');

    await waitFor(() => expect(byId('tx-export-status').textContent).toMatch(/^Exported 230 transactions to transactions-ext-1-\d{4}-\d{2}-\d{2}\.csv\.$/));
    const [{ fileName, csv: text }] = backend.argsOf('export_save_csv');
    expect(fileName).toMatch(/^transactions-ext-1-\d{4}-\d{2}-\d{2}\.csv$/);
    const pages = backend
      .argsOf('user_transactions')
      .slice(1)
      .map((a) => a.query);
    expect(pages).toEqual([
      { page: 1, limit: 100 },
      { page: 2, limit: 100 },
      { page: 3, limit: 100 },
    ]);
    const lines = text.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe('id,createdAt,type,status,currency,amount,description');
    expect(lines[1]).toBe('tx-1,2025-01-01T10:00:00Z,DEPOSIT,COMPLETED,eur,1.00,"Rent, ""January"""');
    expect(lines).toHaveLength(232); // header, 230 rows, and the empty string after the last CRLF
  });
});

describe('timeline', () => {
  it('shows a webhook as a claim, with where its confirmation with P100 stands', async () => {
    const user = fakeUser();
    const claim = (id: number, confirmation: Confirmation, status: string, note: string): TimelineEvent => ({
      id,
      at: `2026-12-03T10:00:0${id}.000Z`,
      kind: 'webhookClaim',
      source: 'webhook',
      actor: null,
      detail: {
        event: 'userStatus',
        path: '/webhook/user/status',
        claim: { externalUserId: user.externalUserId, status },
        confirmation,
        note,
      },
    });
    await openUser(user, {
      timelines: {
        [user.externalUserId]: [
          claim(1, 'unconfirmed', 'ACTIVE', 'P100 shows no balances for the user: not active'),
          claim(2, 'confirmed', 'SUSPENDED', 'the roster has it from P100 already'),
          claim(3, 'pending', 'DELETED', ''),
        ],
      },
    });
    const events = await screen.findAllByTestId('timeline-event');
    // Newest first.
    const badges = events.map((e) => within(e).getByTestId('event-badge').textContent);
    expect(badges).toEqual(['asking P100', 'confirmed by P100', 'not confirmed: moved nothing']);
    // The claim in words; P100's codes in the summary's tooltip.
    expect(events[2].textContent).toContain('userStatus — Active');
    expect(events[2].querySelector('.event-summary')?.getAttribute('title')).toBe('ACTIVE');
    expect(events[2].textContent).toContain('P100 shows no balances for the user: not active');
    expect(events[2].textContent).toContain('webhook from P100');
  });

  it("names who did an operation, and never leaves 'by' without a name", async () => {
    const user = fakeUser();
    const updated = (id: number, actor: string | null): TimelineEvent => ({
      id,
      at: `2026-12-03T10:00:0${id}.000Z`,
      kind: 'updated',
      source: 'operator',
      actor,
      detail: { fields: ['email'], poaRequiredForExtended: null },
    });
    await openUser(user, { timelines: { [user.externalUserId]: [updated(1, null), updated(2, 'olga')] } });
    const events = await screen.findAllByTestId('timeline-event');
    expect(events[0].querySelector('.event-head .muted')?.textContent).toBe('by olga');
    expect(events[1].querySelector('.event-head .muted')?.textContent).toBe('by this desk');
  });
});

describe('notes and tags', () => {
  it('keeps a refused note, then adds it, tags and assigns the user', async () => {
    const backend = await openUser();
    // An empty note is refused at its field.
    type('notes-text', '   ');
    fireEvent.submit(byId('notes-text').closest('form')!);
    expect((await screen.findByTestId('notes-error-text')).textContent).toBe('write the note first');

    type('notes-text', 'Asked for a sharper scan');
    fireEvent.submit(byId('notes-text').closest('form')!);
    expect((await screen.findByTestId('note')).textContent).toContain('Asked for a sharper scan');
    expect(byId<HTMLTextAreaElement>('notes-text').value).toBe('');

    type('notes-name', 'VIP');
    choose('notes-colour', 'red');
    click('tag-define');
    await waitFor(() => expect(screen.getByTestId<HTMLInputElement>('tag-toggle').checked).toBe(true));
    expect(backend.argsOf('tag_save')).toEqual([{ name: 'VIP', colour: 'red' }]);
    expect(backend.argsOf('user_tags_set')).toEqual([{ externalUserId: 'ext-1', tags: ['VIP'] }]);

    await waitFor(() => expect(within(byId('notes-operator')).getByText('bob')).toBeTruthy());
    choose('notes-operator', 'bob');
    await waitFor(() => expect(backend.argsOf('user_assign')).toEqual([{ externalUserId: 'ext-1', operator: 'bob' }]));
    await waitFor(() => expect(byId<HTMLSelectElement>('notes-operator').value).toBe('bob'));
  });
});

describe('cards', () => {
  it('creates a card with the PIN typed twice, reveals its number for 30 s, blocks and deletes it', async () => {
    const backend = await openUser(fakeUser(), {}, 'cards');
    expect((await screen.findByTestId('cards-empty')).textContent).toBe('No cards yet.');

    type('card-label', 'Groceries');
    type('card-pin', '1234');
    type('card-pinAgain', '1243');
    click('card-create');
    expect((await screen.findByTestId('card-error-pinAgain')).textContent).toBe('The two PINs differ');
    expect(backend.argsOf('card_create')).toEqual([]);
    expect(byId<HTMLInputElement>('card-label').value).toBe('Groceries');

    type('card-pinAgain', '1234');
    click('card-create');
    const row = await screen.findByTestId('card-row');
    expect(row.textContent).toContain('•••• 0001');
    expect(row.textContent).toContain('Active');
    // The PIN is not kept in the form once the card is made.
    expect(byId<HTMLInputElement>('card-pin').value).toBe('');

    vi.useFakeTimers({ shouldAdvanceTime: true });
    click('card-reveal');
    expect((await screen.findByTestId('card-number')).textContent).toBe('4000 0000 0000 0001');
    expect(byId('card-cvv').textContent).toBe('123');
    await act(async () => {
      vi.advanceTimersByTime(31_000);
    });
    expect(screen.queryByTestId('card-number')).toBeNull();
    vi.useRealTimers();

    click('card-block');
    await waitFor(() => expect(byId('card-row').dataset.status).toBe('LOCKED_BY_USER'));
    expect(byId('card-row').textContent).toContain('Blocked');
    click('card-delete');
    click('card-delete-confirm');
    await waitFor(() => expect(byId('card-row').dataset.status).toBe('DELETED'));
    expect(backend.argsOf('card_delete')).toEqual([{ externalUserId: 'ext-1', cardId: 'card-1' }]);
  });
});
