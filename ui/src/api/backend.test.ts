import { beforeEach, describe, expect, it, vi } from 'vitest';

const invoke = vi.fn();
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...args: unknown[]) => invoke(...args) }));

const { tauriBackend } = await import('./backend');

describe('tauriBackend', () => {
  beforeEach(() => invoke.mockReset());

  it('sends the camelCase argument names the Rust commands expect', async () => {
    invoke.mockResolvedValue(null);
    await tauriBackend.environmentSelect('custom', 'https://p100.example');
    await tauriBackend.environmentSelect('sandbox');
    await tauriBackend.credentialsSet('staging', 'k');
    await tauriBackend.userCreate({ hasAcceptedP100Tc: true, email: 'a@b.c' });
    await tauriBackend.journalRecent(5);
    expect(invoke.mock.calls).toEqual([
      ['environment_select', { kind: 'custom', customUrl: 'https://p100.example' }],
      ['environment_select', { kind: 'sandbox', customUrl: null }],
      ['credentials_set', { kind: 'staging', apiKey: 'k' }],
      ['user_create', { form: { hasAcceptedP100Tc: true, email: 'a@b.c' } }],
      ['journal_recent', { limit: 5 }],
    ]);
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
    await expect(tauriBackend.userCreate({ hasAcceptedP100Tc: true })).rejects.toEqual(commandError);

    invoke.mockRejectedValueOnce('command users_list not allowed');
    await expect(tauriBackend.usersList()).rejects.toMatchObject({
      code: 'internal',
      message: 'command users_list not allowed',
      fields: [],
    });
  });
});
