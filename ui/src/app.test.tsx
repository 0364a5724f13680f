import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { UserRecord } from './api/bindings';
import { createFakeBackend, fakeUser, type FakeBackend } from './api/fake';
import { App } from './app';
import { formatCount } from './format';

afterEach(cleanup);

async function start(backend: FakeBackend = createFakeBackend()) {
  render(<App backend={backend} />);
  // The header select is enabled once the environment has loaded.
  await waitFor(() => expect(screen.getByTestId<HTMLSelectElement>('env-select').disabled).toBe(false));
  return backend;
}

const field = <T extends HTMLElement = HTMLInputElement>(name: string) => screen.getByTestId<T>(`field-${name}`);
const type = (name: string, value: string) => fireEvent.input(field(name), { target: { value } });
const choose = (name: string, value: string) =>
  fireEvent.change(field<HTMLSelectElement>(name), { target: { value } });

async function openForm() {
  fireEvent.click(screen.getByTestId('nav-new-user'));
  // Countries load asynchronously; wait until the pickers are filled.
  await waitFor(() => expect(within(field('country')).getByText('Poland (PL)')).toBeTruthy());
}

describe('new user form', () => {
  it('shows the field errors of a rejected create, keeps the input and focuses the first bad field', async () => {
    const backend = await start();
    await openForm();
    type('firstName', 'Ada');
    type('phone', '48500000000');
    choose('country', 'PL');
    type('birthDate', '1990-05-17');

    fireEvent.click(screen.getByTestId('create-submit'));

    const emailError = await screen.findByTestId('error-email');
    expect(emailError.textContent).toBe('email should not be empty');
    expect(screen.getByTestId('error-lastName').textContent).toBe('lastName should not be empty');
    expect(screen.getByTestId('error-citizenship')).toBeTruthy();
    expect(screen.getByTestId('error-hasAcceptedP100Tc')).toBeTruthy();
    expect(screen.queryByTestId('error-firstName')).toBeNull();
    expect(screen.getByTestId('form-error').textContent).toContain('Some fields need attention');

    const email = field('email');
    expect(email.getAttribute('aria-invalid')).toBe('true');
    expect(email.getAttribute('aria-describedby')).toContain('error-email');
    expect(document.activeElement).toBe(email);
    expect(field('firstName').getAttribute('aria-invalid')).toBeNull();

    expect(field('firstName').value).toBe('Ada');
    expect(field('phone').value).toBe('48500000000');
    expect(field<HTMLSelectElement>('country').value).toBe('PL');
    expect(field('birthDate').value).toBe('1990-05-17');

    // Blank fields are omitted, not sent as "".
    const [{ form: sent }] = backend.argsOf('user_create');
    expect(sent).toEqual({
      hasAcceptedP100Tc: false,
      firstName: 'Ada',
      phone: '48500000000',
      country: 'PL',
      birthDate: '1990-05-17',
    });
    expect(screen.getByTestId<HTMLButtonElement>('create-submit').disabled).toBe(false);
  });

  it('creates a user, then shows the roster with the new row and a toast', async () => {
    await start();
    await openForm();
    type('email', 'ada@example.com');
    type('firstName', 'Ada');
    type('lastName', 'Lovelace');
    choose('country', 'GB');
    choose('citizenship', 'GB');
    fireEvent.click(field('hasAcceptedP100Tc'));

    fireEvent.click(screen.getByTestId('create-submit'));

    expect((await screen.findByTestId('toast')).textContent).toBe('Created Ada Lovelace');
    const row = await screen.findByTestId('roster-row');
    expect(within(row).getByTestId('roster-name').textContent).toBe('Ada Lovelace');
    expect(within(row).getByTestId('roster-email').textContent).toBe('ada@example.com');
    expect(within(row).getByTestId('roster-status').textContent).toBe('Waiting for activation');
    expect(row.getAttribute('data-external-user-id')).toBe('pd-000001');

    // The form was cleared for the next user.
    fireEvent.click(screen.getByTestId('nav-new-user'));
    expect(field('email').value).toBe('');
    expect(field<HTMLInputElement>('hasAcceptedP100Tc').checked).toBe(false);
  });
});

describe('roster', () => {
  it('shows the empty state when the environment has no users', async () => {
    await start();
    expect((await screen.findByTestId('roster-empty')).textContent).toContain('No users in Sandbox');
    expect(screen.queryByTestId('roster')).toBeNull();
  });

  it('reloads for the environment picked in the header', async () => {
    const user: UserRecord = {
      environment: 'staging',
      externalUserId: 'ext-staging-1',
      userId: 'u1',
      email: 'grace@example.com',
      firstName: 'Grace',
      lastName: 'Hopper',
      country: 'US',
      citizenship: 'US',
      status: 'ACTIVE',
      poaRequiredForExtended: false,
      extended: false,
      kycMethod: null,
      verificationId: null,
      verificationStatus: null,
      attemptStatus: null,
      rejectionReason: null,
      poaStatus: null,
      deletedAt: null,
      profile: { email: 'grace@example.com', firstName: 'Grace', lastName: 'Hopper', country: 'US', citizenship: 'US' },
      createdAt: '2025-01-02T03:04:05Z',
      updatedAt: '2025-01-02T03:04:05Z',
      stage: 'active',
      stageSince: '2025-01-02T03:04:05Z',
      nextAction: null,
      assignee: null,
      tags: [],
      notes: 0,
    };
    await start(createFakeBackend({ users: [user] }));
    await screen.findByTestId('roster-empty');

    fireEvent.change(screen.getByTestId('env-select'), { target: { value: 'staging' } });

    expect((await screen.findByTestId('roster-name')).textContent).toBe('Grace Hopper');
    expect(screen.getByTestId('roster-row').getAttribute('data-external-user-id')).toBe('ext-staging-1');
  });
});

describe('environment', () => {
  it('marks production with the banner and a distinct header', async () => {
    await start();
    expect(screen.queryByTestId('production-banner')).toBeNull();

    fireEvent.change(screen.getByTestId('env-select'), { target: { value: 'production' } });

    expect((await screen.findByTestId('production-banner')).textContent).toBe(
      'PRODUCTION — real customers and money',
    );
    expect(document.querySelector('.app')?.classList.contains('production')).toBe(true);

    fireEvent.change(screen.getByTestId('env-select'), { target: { value: 'sandbox' } });
    await waitFor(() => expect(screen.queryByTestId('production-banner')).toBeNull());
  });

  it('says on every screen, before any form, that the environment has no key or a failing one', async () => {
    await start();
    expect(screen.queryByTestId('key-banner')).toBeNull();
    fireEvent.change(screen.getByTestId('env-select'), { target: { value: 'staging' } });
    expect((await screen.findByTestId('key-banner')).textContent).toContain('Staging has no API key yet');
    fireEvent.click(screen.getByTestId('nav-new-user'));
    expect(screen.getByTestId('key-banner').textContent).toContain('Staging has no API key yet');

    // The way to Settings; the banner is not repeated there.
    fireEvent.click(screen.getByTestId('key-banner-settings'));
    const input = await screen.findByTestId('cred-input-staging');
    expect(screen.queryByTestId('key-banner')).toBeNull();
    fireEvent.input(input, { target: { value: 'bad' } });
    fireEvent.click(screen.getByTestId('cred-save-staging'));
    await waitFor(() => expect(screen.getByTestId('cred-status-staging').textContent).toBe('Key set'));
    fireEvent.click(screen.getByTestId('cred-test-staging'));
    await waitFor(() => expect(screen.getByTestId('cred-message-staging').textContent).toContain('refused'));

    fireEvent.click(screen.getByTestId('nav-roster'));
    expect((await screen.findByTestId('key-banner')).textContent).toContain(
      "Staging's API key failed its test: Staging refused the key",
    );
    // A new key clears it.
    fireEvent.click(screen.getByTestId('key-banner-settings'));
    fireEvent.input(await screen.findByTestId('cred-input-staging'), { target: { value: 'good-key' } });
    fireEvent.click(screen.getByTestId('cred-save-staging'));
    await waitFor(() => expect(screen.getByTestId('cred-message-staging').textContent).toBe('Key saved'));
    fireEvent.click(screen.getByTestId('nav-roster'));
    await screen.findByTestId('roster-empty');
    expect(screen.queryByTestId('key-banner')).toBeNull();
  });

  it('puts the header select back and says why when a switch fails', async () => {
    await start();
    const select = screen.getByTestId<HTMLSelectElement>('env-select');
    // Custom has no URL yet, so the backend refuses it.
    fireEvent.change(select, { target: { value: 'custom' } });

    expect((await screen.findByTestId('toast')).textContent).toContain('base URL');
    expect(select.value).toBe('sandbox');
  });
});

describe('credentials', () => {
  const SECRET = 'sk_live_9f8e7d6c5b4a';

  it('saves a key without ever showing it, then reports Key set', async () => {
    const backend = await start();
    fireEvent.click(screen.getByTestId('nav-settings'));
    const status = await screen.findByTestId('cred-status-staging');
    expect(status.textContent).toBe('No key');
    expect(screen.getByText('The embedded sandbox needs no key')).toBeTruthy();
    expect(screen.queryByTestId('cred-input-sandbox')).toBeNull();

    const input = screen.getByTestId<HTMLInputElement>('cred-input-staging');
    expect(input.type).toBe('password');
    expect(input.getAttribute('autocomplete')).toBe('off');
    fireEvent.input(input, { target: { value: SECRET } });
    fireEvent.click(screen.getByTestId('cred-save-staging'));

    await waitFor(() => expect(screen.getByTestId('cred-status-staging').textContent).toBe('Key set'));
    expect(backend.argsOf('credentials_set')).toEqual([{ kind: 'staging', apiKey: SECRET }]);
    expect(screen.getByTestId<HTMLInputElement>('cred-input-staging').value).toBe('');
    expect(document.documentElement.outerHTML).not.toContain(SECRET);
    expect(document.body.textContent).not.toContain(SECRET);
    expect(screen.getByTestId('cred-message-staging').textContent).toBe('Key saved');

    fireEvent.click(screen.getByTestId('cred-test-staging'));
    await waitFor(() =>
      expect(screen.getByTestId('cred-message-staging').textContent).toBe('Staging accepted the key'),
    );
    expect(screen.getByTestId('cred-message-staging').classList.contains('ok')).toBe(true);
    expect(document.documentElement.outerHTML).not.toContain(SECRET);
  });

  it('removes a key only after the inline confirmation', async () => {
    await start(createFakeBackend({ keys: ['production'] }));
    fireEvent.click(screen.getByTestId('nav-settings'));
    expect((await screen.findByTestId('cred-status-production')).textContent).toBe('Key set');

    fireEvent.click(screen.getByTestId('cred-remove-production'));
    fireEvent.click(screen.getByTestId('cred-remove-cancel-production'));
    expect(screen.getByTestId('cred-status-production').textContent).toBe('Key set');

    fireEvent.click(screen.getByTestId('cred-remove-production'));
    fireEvent.click(screen.getByTestId('cred-remove-confirm-production'));
    await waitFor(() => expect(screen.getByTestId('cred-status-production').textContent).toBe('No key'));

    fireEvent.click(screen.getByTestId('cred-test-production'));
    await waitFor(() =>
      expect(screen.getByTestId('cred-message-production').textContent).toContain('No API key'),
    );
    expect(screen.getByTestId('cred-message-production').classList.contains('bad')).toBe(true);
  });
});

describe('onboarding board', () => {
  const user = (ext: string, stage: UserRecord['stage'], nextAction: string | null = null) =>
    fakeUser({ externalUserId: ext, firstName: ext, lastName: 'Test', stage, nextAction, status: 'WAITING_FOR_ACTIVATION' });

  it('shows a column per stage with counts, and a card moves when live sync reports it', async () => {
    const backend = await start(
      createFakeBackend({
        users: [
          user('nino', 'verificationSubmitted', "Waiting for P100's review"),
          user('jan', 'created', 'Upload identity documents or start hosted KYC'),
          user('ada', 'needsAction', 'Identity rejected: send new documents'),
        ],
      }),
    );
    fireEvent.click(screen.getByTestId('nav-board'));
    const column = (stage: string) => screen.getByTestId(`column-${stage}`);
    await waitFor(() => expect(within(column('verificationSubmitted')).getByText('nino Test')).toBeTruthy());
    expect(screen.getByTestId('count-verificationSubmitted').textContent).toBe('1');
    expect(screen.getByTestId('count-active').textContent).toBe('0');
    expect(within(column('needsAction')).getByText('Identity rejected: send new documents')).toBeTruthy();

    backend.syncChange('nino', { stage: 'active', status: 'ACTIVE', nextAction: null });

    await waitFor(() => expect(within(column('active')).getByText('nino Test')).toBeTruthy());
    expect(within(column('verificationSubmitted')).queryByText('nino Test')).toBeNull();
    expect(screen.getByTestId('count-active').textContent).toBe('1');
    // The funnel follows the roster: asked again after the move.
    await waitFor(() => expect(backend.argsOf('funnel_get').length).toBeGreaterThan(1));
  });

  it('opens the roster filtered by stage from a card list, and a card opens the user', async () => {
    await start(createFakeBackend({ users: [user('nino', 'verificationSubmitted')] }));
    fireEvent.click(screen.getByTestId('nav-board'));
    fireEvent.click(await screen.findByText('nino Test'));
    await waitFor(() => expect(screen.getByTestId('detail-stage').textContent).toBe('Verification submitted'));
    fireEvent.click(screen.getByTestId('detail-back'));
    await screen.findByTestId('board');
  });
});

describe('roster status filter', () => {
  it("offers the statuses in words and filters by P100's code", async () => {
    await start(
      createFakeBackend({
        users: [
          fakeUser({ externalUserId: 'a', firstName: 'Ada', status: 'ACTIVE' }),
          fakeUser({ externalUserId: 'w', firstName: 'Wanda', status: 'WAITING_FOR_ACTIVATION' }),
        ],
      }),
    );
    const filter = (await screen.findByTestId('roster-status-filter')) as HTMLSelectElement;
    await waitFor(() => expect(filter.options.length).toBe(3));
    expect([...filter.options].map((o) => [o.value, o.textContent])).toEqual([
      ['', 'All statuses'],
      ['ACTIVE', 'Active'],
      ['WAITING_FOR_ACTIVATION', 'Waiting for activation'],
    ]);
    fireEvent.change(filter, { target: { value: 'WAITING_FOR_ACTIVATION' } });
    await waitFor(() => expect(screen.getAllByTestId('roster-row').length).toBe(1));
    expect(screen.getByTestId('roster-status').textContent).toBe('Waiting for activation');
    expect(screen.getByTestId('roster-status').querySelector('.badge')?.getAttribute('title')).toBe('WAITING_FOR_ACTIVATION');
  });
});

describe('roster search', () => {
  it('filters as the operator types and keeps the search when coming back from a user', async () => {
    await start(
      createFakeBackend({
        users: [
          fakeUser({ externalUserId: 'a', firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' }),
          fakeUser({ externalUserId: 'g', firstName: 'Grace', lastName: 'Hopper', email: 'grace@example.com' }),
        ],
      }),
    );
    await waitFor(() => expect(screen.getAllByTestId('roster-row').length).toBe(2));
    fireEvent.input(screen.getByTestId('roster-search'), { target: { value: 'hopp' } });
    await waitFor(() => expect(screen.getAllByTestId('roster-row').length).toBe(1));
    expect(screen.getByTestId('roster-count').textContent).toBe('1 of 2');
    fireEvent.click(screen.getByTestId('roster-open'));
    fireEvent.click(await screen.findByTestId('detail-back'));
    await waitFor(() => expect(screen.getAllByTestId('roster-row').length).toBe(1));
    fireEvent.input(screen.getByTestId('roster-search'), { target: { value: 'nobody' } });
    await screen.findByTestId('roster-no-match');
  });
});

describe('keyboard', () => {
  const twoUsers = () =>
    createFakeBackend({
      users: [
        fakeUser({ externalUserId: 'a', firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' }),
        fakeUser({ externalUserId: 'g', firstName: 'Grace', lastName: 'Hopper', email: 'grace@example.com' }),
      ],
    });
  const key = (target: Element | Document, k: string, init: KeyboardEventInit = {}) =>
    fireEvent.keyDown(target, { key: k, bubbles: true, ...init });

  it('/ goes to the roster search from anywhere, but is typed into a field', async () => {
    await start(twoUsers());
    fireEvent.click(screen.getByTestId('nav-journal'));
    // A new screen starts the keyboard at its heading.
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'Journal' })));
    key(document.body, '/');
    const search = await screen.findByTestId('roster-search');
    await waitFor(() => expect(document.activeElement).toBe(search));

    fireEvent.click(screen.getByTestId('nav-new-user'));
    await screen.findByTestId('field-firstName');
    key(field('firstName'), '/');
    expect(screen.queryByTestId('roster-search')).toBeNull();
  });

  it('arrow keys walk the roster rows from the search box, and Up from the first row returns', async () => {
    await start(twoUsers());
    await waitFor(() => expect(screen.getAllByTestId('roster-row').length).toBe(2));
    const search = screen.getByTestId('roster-search');
    const [first, second] = screen.getAllByTestId('roster-open');
    key(search, 'ArrowDown');
    expect(document.activeElement).toBe(first);
    key(first, 'ArrowDown');
    expect(document.activeElement).toBe(second);
    key(second, 'ArrowDown');
    expect(document.activeElement).toBe(second);
    key(second, 'ArrowUp');
    key(first, 'ArrowUp');
    expect(document.activeElement).toBe(search);
  });

  it('Ctrl+K finds a screen or a user by words, moves with arrows and runs on Enter', async () => {
    await start(twoUsers());
    key(document.body, 'k', { ctrlKey: true });
    const input = await screen.findByTestId('palette-input');
    expect(document.activeElement).toBe(input);
    expect(screen.getByTestId('palette').tagName).toBe('DIALOG');

    fireEvent.input(input, { target: { value: 'go to' } });
    expect(input.getAttribute('aria-activedescendant')).toBe('palette-go-roster');
    key(input, 'ArrowDown');
    expect(input.getAttribute('aria-activedescendant')).toBe('palette-go-board');
    key(input, 'ArrowUp');
    key(input, 'ArrowUp');
    expect(input.getAttribute('aria-activedescendant')).toBe('palette-go-settings');
    expect(within(screen.getByTestId('palette')).getByRole('option', { selected: true }).textContent).toBe('Go to Settings');

    fireEvent.input(input, { target: { value: 'journal go' } });
    expect(screen.getAllByTestId('palette-item').map((i) => i.textContent)).toEqual(['Go to Journal']);
    key(input, 'Enter');
    expect(screen.queryByTestId('palette')).toBeNull();
    await screen.findByRole('heading', { name: 'Journal' });

    key(document.body, 'K', { ctrlKey: true, shiftKey: true });
    const again = await screen.findByTestId('palette-input');
    fireEvent.input(again, { target: { value: 'hopper' } });
    await waitFor(() => expect(screen.getAllByTestId('palette-item').map((i) => i.textContent)).toEqual(['Open Grace Hoppergrace@example.com']));
    expect(again.getAttribute('aria-activedescendant')).toBe('palette-user-g');
    key(again, 'Enter');
    await screen.findByTestId('detail-back');
    expect(screen.getByRole('heading', { level: 1 }).textContent).toContain('Grace Hopper');
  });

  it('Quit is a command of its own: Ctrl+Q, and in the palette', async () => {
    const backend = await start(twoUsers());
    key(document.body, 'q', { ctrlKey: true });
    await waitFor(() => expect(backend.argsOf('app_quit')).toHaveLength(1));
    key(document.body, 'k', { ctrlKey: true });
    fireEvent.input(await screen.findByTestId('palette-input'), { target: { value: 'quit' } });
    key(screen.getByTestId('palette-input'), 'Enter');
    await waitFor(() => expect(backend.argsOf('app_quit')).toHaveLength(2));
  });

  it('Escape closes the palette and gives the focus back; nothing matching says so', async () => {
    await start(twoUsers());
    const nav = screen.getByTestId('nav-board');
    nav.focus();
    key(nav, 'k', { ctrlKey: true });
    const input = await screen.findByTestId('palette-input');
    fireEvent.input(input, { target: { value: 'zzz' } });
    expect(screen.queryAllByTestId('palette-item')).toHaveLength(0);
    expect(screen.getByTestId('palette').textContent).toContain('Nothing matches “zzz”');
    key(input, 'Escape');
    expect(screen.queryByTestId('palette')).toBeNull();
    expect(document.activeElement).toBe(nav);
  });
});

describe('documents kept after upload', () => {
  it('is off until chosen, takes 1 to 365 days at the field, and turns off in one click', async () => {
    const backend = await start();
    fireEvent.click(screen.getByTestId('nav-settings'));
    const keep = await screen.findByTestId<HTMLInputElement>('documents-keep');
    await waitFor(() => expect(keep.disabled).toBe(false));
    expect(keep.checked).toBe(false);
    expect(screen.getByTestId('documents-kept').textContent).toBe('No documents are kept on this desktop.');

    fireEvent.input(screen.getByTestId('documents-days'), { target: { value: '0' } });
    fireEvent.click(keep);
    expect(screen.getByTestId('documents-days-error').textContent).toBe('Keep documents from 1 to 365 days');
    expect(backend.argsOf('documents_retention_set')).toEqual([]);
    expect(screen.getByTestId<HTMLInputElement>('documents-days').value).toBe('0');

    fireEvent.input(screen.getByTestId('documents-days'), { target: { value: '14' } });
    fireEvent.click(keep);
    await waitFor(() => expect(keep.checked).toBe(true));
    expect(backend.argsOf('documents_retention_set')).toEqual([{ days: 14 }]);
    expect(screen.queryByTestId('documents-days-error')).toBeNull();

    fireEvent.click(keep);
    await waitFor(() => expect(keep.checked).toBe(false));
    expect(backend.argsOf('documents_retention_set')).toEqual([{ days: 14 }, { days: null }]);
  });
});

describe('a large roster', () => {
  it('holds only the pages drawn: the first page at start, the next when the operator scrolls there', async () => {
    const users = Array.from({ length: 250 }, (_, i) =>
      fakeUser({ externalUserId: `ext-${i}`, firstName: 'User', lastName: String(i), createdAt: new Date(Date.UTC(2026, 0, 1) + (250 - i) * 1000).toISOString() }),
    );
    const backend = await start(createFakeBackend({ users }));
    await waitFor(() => expect(screen.getByTestId('roster-count').textContent).toBe('250 of 250'));
    const asked = () =>
      backend.calls.filter((c) => c.command === 'users_query').map((c) => (c.args as { query: { offset: number } }).query.offset);
    expect(asked()).toEqual([0]);
    // jsdom lays nothing out: the scroller says where it is and how tall it is.
    const scroller = screen.getByTestId('roster-scroll');
    Object.defineProperty(scroller, 'scrollTop', { configurable: true, value: 150 * 44 });
    Object.defineProperty(scroller, 'clientHeight', { configurable: true, value: 440 });
    fireEvent.scroll(scroller);
    await waitFor(() =>
      expect(screen.getAllByTestId('roster-row').map((r) => r.getAttribute('data-external-user-id'))).toContain('ext-150'),
    );
    expect(asked()).toEqual([0, 100]);
    // Drawn: the rows on screen and their overscan, not the 250.
    expect(screen.getAllByTestId('roster-row').length).toBeLessThan(40);
    // Back at the top: the first page is still held (near enough), nothing is asked again.
    Object.defineProperty(scroller, 'scrollTop', { configurable: true, value: 0 });
    fireEvent.scroll(scroller);
    await waitFor(() =>
      expect(screen.getAllByTestId('roster-row').map((r) => r.getAttribute('data-external-user-id'))).toContain('ext-0'),
    );
    expect(asked()).toEqual([0, 100]);
  });
});

describe('a question asked again', () => {
  it('is answered at once from the last answer, until the roster changes', async () => {
    const users = ['Nowak', 'Nowicki', 'Kowalski'].map((lastName, i) =>
      fakeUser({ externalUserId: `ext-${i}`, firstName: 'Jan', lastName }),
    );
    const backend = await start(createFakeBackend({ users }));
    await waitFor(() => expect(screen.getByTestId('roster-count').textContent).toBe('3 of 3'));
    const searches = () =>
      backend.calls.filter((c) => c.command === 'users_query').map((c) => (c.args as { query: { search: string } }).query.search);
    const search = (value: string) => fireEvent.input(screen.getByTestId('roster-search'), { target: { value } });
    search('now');
    await waitFor(() => expect(screen.getByTestId('roster-count').textContent).toBe('2 of 3'));
    search('nowak');
    await waitFor(() => expect(screen.getByTestId('roster-count').textContent).toBe('1 of 3'));
    // Backspace back to "now", then to nothing: both answered without asking the store.
    search('now');
    await waitFor(() => expect(screen.getByTestId('roster-count').textContent).toBe('2 of 3'));
    search('');
    await waitFor(() => expect(screen.getByTestId('roster-count').textContent).toBe('3 of 3'));
    expect(searches()).toEqual(['', 'now', 'nowak']);
    // A change to the roster forgets every kept answer: the next question is asked again.
    backend.syncChange('ext-2', { lastName: 'Nowakowski' });
    search('nowak');
    await waitFor(() => expect(screen.getByTestId('roster-count').textContent).toBe('2 of 3'));
    expect(searches().slice(3)).toContain('nowak');
  });
});

describe('a very large roster', () => {
  it('lets go of pages far from the window, and asks again on coming back', async () => {
    const users = Array.from({ length: 1000 }, (_, i) =>
      fakeUser({ externalUserId: `ext-${i}`, createdAt: new Date(Date.UTC(2026, 0, 1) + (1000 - i) * 1000).toISOString() }),
    );
    const backend = await start(createFakeBackend({ users }));
    await waitFor(() => expect(screen.getByTestId('roster-count').textContent).toBe(`${formatCount(1000)} of ${formatCount(1000)}`));
    const scroller = screen.getByTestId('roster-scroll');
    const scrollTo = (row: number) => {
      Object.defineProperty(scroller, 'scrollTop', { configurable: true, value: row * 44 });
      Object.defineProperty(scroller, 'clientHeight', { configurable: true, value: 440 });
      fireEvent.scroll(scroller);
    };
    const shown = () => screen.getAllByTestId('roster-row').map((r) => r.getAttribute('data-external-user-id'));
    scrollTo(900);
    await waitFor(() => expect(shown()).toContain('ext-900'));
    scrollTo(0);
    await waitFor(() => expect(shown()).toContain('ext-0'));
    const offsets = backend.calls
      .filter((c) => c.command === 'users_query')
      .map((c) => (c.args as { query: { offset: number } }).query.offset);
    expect(offsets.filter((o) => o === 0).length).toBe(2);
  });
});

describe('live sync settings', () => {
  it('shows the receiver, takes a webhook token write-only, and refuses a bad port', async () => {
    await start();
    fireEvent.click(screen.getByTestId('nav-settings'));
    expect((await screen.findByTestId('sync-receiver-url')).textContent).toBe('http://127.0.0.1:4200');
    expect(screen.getByTestId('sync-token-staging').textContent).toBe('No webhook token');
    fireEvent.input(screen.getByTestId('sync-token-input'), { target: { value: 'whk_secret' } });
    fireEvent.click(screen.getByTestId('sync-token-save'));
    await waitFor(() => expect(screen.getByTestId('sync-token-staging').textContent).toBe('Webhook token set'));
    expect(screen.getByTestId<HTMLInputElement>('sync-token-input').value).toBe('');
    fireEvent.input(screen.getByTestId('sync-port'), { target: { value: '70000' } });
    fireEvent.click(screen.getByTestId('sync-port-save'));
    expect((await screen.findByTestId('sync-error')).textContent).toContain('0 to 65535');
  });

  it('generates a token onto the clipboard and shows only its fingerprint', async () => {
    const backend = await start();
    fireEvent.click(screen.getByTestId('nav-settings'));
    await screen.findByTestId('sync-receiver-url');
    fireEvent.click(screen.getByTestId('sync-token-generate'));
    const note = await screen.findByTestId('sync-token-generated');
    expect(note.textContent).toContain('on the clipboard');
    expect(note.textContent).toContain('1a2b3c4d');
    expect(note.textContent).toContain('2 minutes');
    expect(screen.getByTestId('sync-token-staging').textContent).toBe('Webhook token set');
    expect(backend.argsOf('webhook_token_generate')).toEqual([{ kind: 'staging' }]);
  });
});

describe('retries and open operations', () => {
  it('shows "retrying in N s" with a Cancel that reaches the desk', async () => {
    const backend = await start();
    backend.retrying({
      operationId: 'op-1',
      operation: 'createUser',
      target: 'ext-9',
      attempt: 2,
      maxAttempts: 4,
      delayMs: 5000,
      reason: 'P100 is rate limiting',
    });
    const notice = await screen.findByTestId('retry-notice');
    expect(notice.textContent).toMatch(/Create user for ext-9: P100 is rate limiting\. Retrying in [45] s \(attempt 2 of 4\)/);
    fireEvent.click(screen.getByTestId('retry-cancel'));
    await waitFor(() => expect(screen.queryByTestId('retry-notice')).toBeNull());
    expect(backend.argsOf('operation_cancel')).toEqual([{ operationId: 'op-1' }]);
  });

  it('lists open operations on the roster and sends one again or resolves it', async () => {
    const op = (id: string, operation: string, retryable: boolean) => ({
      id,
      environment: 'sandbox' as const,
      operation,
      target: 'ext-1',
      state: 'pending' as const,
      attempts: 1,
      createdAt: '2026-11-26T01:00:00.000Z',
      lastError: null,
      retryable,
    });
    const backend = await start(
      createFakeBackend({ users: [fakeUser()], openOperations: [op('a', 'createUser', true), op('b', 'addPoaFile', false)] }),
    );
    await waitFor(() => expect(screen.getAllByTestId('open-operation').length).toBe(2));
    const [create, upload] = screen.getAllByTestId('open-operation');
    expect(within(upload).queryByTestId('open-op-retry')).toBeNull();
    fireEvent.click(within(create).getByTestId('open-op-retry'));
    await waitFor(() => expect(screen.getAllByTestId('open-operation').length).toBe(1));
    fireEvent.click(screen.getByTestId('open-op-not-happened'));
    await waitFor(() => expect(screen.queryByTestId('open-operations')).toBeNull());
    expect(backend.calls).toEqual(
      expect.arrayContaining([
        { command: 'operation_retry', args: { operationId: 'a' } },
        { command: 'operation_resolve', args: { operationId: 'b', happened: false } },
      ]),
    );
  });

  it('shows what P100 holds for an open money move, which is never sent again', async () => {
    const backend = await start(
      createFakeBackend({
        users: [fakeUser()],
        openOperations: [
          {
            id: 't',
            environment: 'sandbox',
            operation: 'createTransfer',
            target: 'ext-1',
            state: 'unknown',
            attempts: 1,
            createdAt: '2026-11-26T01:00:00.000Z',
            lastError: 'network error',
            retryable: false,
          },
        ],
      }),
    );
    const item = await screen.findByTestId('open-operation');
    expect(within(item).queryByTestId('open-op-retry')).toBeNull();
    fireEvent.click(within(item).getByTestId('open-op-evidence'));
    expect((await within(item).findByTestId('open-op-evidence-found')).textContent).toBe(
      "P100's history shows no such move since it was sent.",
    );
    expect(backend.argsOf('operation_evidence')).toEqual([{ operationId: 't' }]);
  });
});
