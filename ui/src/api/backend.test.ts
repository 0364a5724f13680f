import { beforeEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import type { ArgsOf } from './backend';
import type { UploadProgress } from './bindings';

const invoke = vi.fn();
const listen = vi.fn();
// jsdom has no Tauri runtime: a stand-in Channel that only keeps its handler.
class FakeChannel {
  onmessage: (p: UploadProgress) => void = () => {};
}
vi.mock('@tauri-apps/api/core', () => ({
  invoke: (...args: unknown[]) => invoke(...args),
  Channel: FakeChannel,
}));
vi.mock('@tauri-apps/api/event', () => ({ listen: (...args: unknown[]) => listen(...args) }));

const { tauriBackend } = await import('./backend');
const { COMMAND_NAMES } = await import('./commands');

describe('tauriBackend', () => {
  beforeEach(() => {
    invoke.mockReset();
    listen.mockReset();
  });

  it('sends the camelCase argument names the Rust commands expect', async () => {
    invoke.mockResolvedValue(null);
    await tauriBackend.call('environment_select', { kind: 'custom', customUrl: 'https://p100.example' });
    await tauriBackend.call('environment_select', { kind: 'sandbox', customUrl: null });
    await tauriBackend.call('credentials_set', { kind: 'staging', apiKey: 'k' });
    await tauriBackend.call('user_create', { form: { hasAcceptedP100Tc: true, email: 'a@b.c' } });
    await tauriBackend.call('journal_recent', { limit: 5 });
    await tauriBackend.call('users_list');
    expect(invoke.mock.calls).toEqual([
      ['environment_select', { kind: 'custom', customUrl: 'https://p100.example' }],
      ['environment_select', { kind: 'sandbox', customUrl: null }],
      ['credentials_set', { kind: 'staging', apiKey: 'k' }],
      ['user_create', { form: { hasAcceptedP100Tc: true, email: 'a@b.c' } }],
      ['journal_recent', { limit: 5 }],
      // A command without arguments is invoked with none.
      ['users_list', {}],
    ]);
    expect(COMMAND_NAMES).toEqual(expect.arrayContaining(invoke.mock.calls.map(([cmd]) => cmd)));
  });

  it('takes no arguments for a command without any, and the named ones otherwise', () => {
    expectTypeOf<ArgsOf<'users_list'>>().toEqualTypeOf<[]>();
    expectTypeOf<ArgsOf<'user_extend'>>().toEqualTypeOf<[{ externalUserId: string }]>();
    // Checked by tsc (npm run typecheck), never run.
    const wrong = () => {
      // @ts-expect-error: users_list takes no arguments
      void tauriBackend.call('users_list', {});
      // @ts-expect-error: user_extend needs its arguments
      void tauriBackend.call('user_extend');
      // @ts-expect-error: the Rust command's argument is externalUserId
      void tauriBackend.call('user_extend', { ext: 'ext-1' });
    };
    expect(wrong).toBeTypeOf('function');
  });

  it('names the user, KYC and document commands and their arguments as Rust does', async () => {
    invoke.mockResolvedValue(null);
    const ext = 'ext-1';
    await tauriBackend.call('user_update', { externalUserId: ext, profile: { city: 'Warsaw' } });
    await tauriBackend.call('user_delete', { externalUserId: ext, confirmation: 'a@b.c' });
    await tauriBackend.call('user_suspend', { externalUserId: ext, reason: 'fraud' });
    await tauriBackend.call('user_unsuspend', { externalUserId: ext, reason: '' });
    await tauriBackend.call('user_extend', { externalUserId: ext });
    await tauriBackend.call('user_verify', {
      externalUserId: ext,
      form: { documentType: 'PASSPORT', documentNumber: 'AB1', issuingCountry: 'PL', expiryDate: '2030-01-01' },
    });
    await tauriBackend.call('user_balances', { externalUserId: ext });
    await tauriBackend.call('user_transactions', { externalUserId: ext, query: { page: 2, limit: 20 } });
    await tauriBackend.call('kyc_hosted_start', {
      externalUserId: ext,
      form: {
        documentType: 'DRIVER_LICENSE',
        country: 'PL',
        incomeSource: 'SALARY',
        openAccountReason: 'DAILY_USE',
        occupation: 'IT',
        additionalInfo: 'x',
      },
    });
    await tauriBackend.call('kyc_hosted_open', { externalUserId: ext });
    await tauriBackend.call('kyc_refresh', { externalUserId: ext });
    await tauriBackend.call('documents_pick', { multiple: true });
    await tauriBackend.call('upload_cancel', { uploadId: 'up-1' });
    expect(invoke.mock.calls.map(([cmd, args]) => [cmd, Object.keys(args as object)])).toEqual([
      ['user_update', ['externalUserId', 'profile']],
      ['user_delete', ['externalUserId', 'confirmation']],
      ['user_suspend', ['externalUserId', 'reason']],
      ['user_unsuspend', ['externalUserId', 'reason']],
      ['user_extend', ['externalUserId']],
      ['user_verify', ['externalUserId', 'form']],
      ['user_balances', ['externalUserId']],
      ['user_transactions', ['externalUserId', 'query']],
      ['kyc_hosted_start', ['externalUserId', 'form']],
      ['kyc_hosted_open', ['externalUserId']],
      ['kyc_refresh', ['externalUserId']],
      ['documents_pick', ['multiple']],
      ['upload_cancel', ['uploadId']],
    ]);
    expect(invoke.mock.calls[1][1]).toEqual({ externalUserId: ext, confirmation: 'a@b.c' });
    expect(invoke.mock.calls[11][1]).toEqual({ multiple: true });
    expect(COMMAND_NAMES).toEqual(expect.arrayContaining(invoke.mock.calls.map(([cmd]) => cmd)));
  });

  it('passes uploads a Channel whose messages reach the handler', async () => {
    invoke.mockResolvedValue(null);
    const seen: UploadProgress[] = [];
    const channel = tauriBackend.progressChannel((p) => seen.push(p));
    expect(channel).toBeInstanceOf(FakeChannel);
    const files = [{ side: 'front' as const, token: 't1' }];
    await tauriBackend.call('kyc_upload', {
      uploadId: 'up-1',
      externalUserId: 'ext-1',
      documentType: 'ID_CARD',
      files,
      onProgress: channel,
    });
    await tauriBackend.call('poa_upload', {
      uploadId: 'up-2',
      externalUserId: 'ext-1',
      tokens: ['t2'],
      onProgress: channel,
    });
    expect(invoke.mock.calls).toEqual([
      [
        'kyc_upload',
        { uploadId: 'up-1', externalUserId: 'ext-1', documentType: 'ID_CARD', files, onProgress: channel },
      ],
      ['poa_upload', { uploadId: 'up-2', externalUserId: 'ext-1', tokens: ['t2'], onProgress: channel }],
    ]);
    channel.onmessage({ file: 0, sent: 5, total: 10 });
    expect(seen).toEqual([{ file: 0, sent: 5, total: 10 }]);
    expect(COMMAND_NAMES).toEqual(expect.arrayContaining(['kyc_upload', 'poa_upload']));
  });

  it('opens one event channel for every kind and hands each handler its kind only', async () => {
    invoke.mockResolvedValue(null);
    const dropped = vi.fn();
    const changed = vi.fn();
    const stopDropped = await tauriBackend.onDocumentsDropped(dropped);
    const stopChanged = await tauriBackend.onRosterChanged(changed);
    const subscribes = invoke.mock.calls.filter(([cmd]) => cmd === 'events_subscribe');
    expect(subscribes).toHaveLength(1);
    expect(COMMAND_NAMES).toContain('events_subscribe');
    const channel = (subscribes[0][1] as { onEvent: { onmessage: (e: unknown) => void } }).onEvent;
    const payload = { accepted: [], rejected: [{ name: 'a.exe', message: 'not a document' }] };
    channel.onmessage({ kind: 'documentsDropped', data: payload });
    channel.onmessage({ kind: 'rosterChanged', data: null });
    expect(dropped.mock.calls).toEqual([[payload]]);
    expect(changed.mock.calls).toEqual([[null]]);
    stopDropped();
    channel.onmessage({ kind: 'documentsDropped', data: payload });
    expect(dropped).toHaveBeenCalledTimes(1);
    stopChanged();
    // Tauri's event system is not used at all: the page may not listen to its events.
    expect(listen).not.toHaveBeenCalled();
  });

  it('passes a CommandError through and turns a bare Tauri string into one', async () => {
    const commandError = {
      code: 'invalid',
      message: 'Check the fields',
      field: 'email',
      fields: [{ field: 'email', message: 'email must be an email address' }],
      p100Code: 'P403',
      retryAfterSecs: null,
    };
    invoke.mockRejectedValueOnce(commandError);
    await expect(tauriBackend.call('user_create', { form: { hasAcceptedP100Tc: true } })).rejects.toEqual(commandError);

    invoke.mockRejectedValueOnce('command users_list not allowed');
    await expect(tauriBackend.call('users_list')).rejects.toMatchObject({
      code: 'internal',
      message: 'command users_list not allowed',
      fields: [],
    });
  });
});
