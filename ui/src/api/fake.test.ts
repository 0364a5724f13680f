import { describe, expect, expectTypeOf, it } from 'vitest';
import { createFakeBackend, fakeUser, type Recorded } from './fake';

describe('the fake backend', () => {
  it('records every call in order with its arguments, channels left out', async () => {
    const backend = createFakeBackend({ users: [fakeUser()] });
    const channel = backend.progressChannel(() => {});
    const files = [{ side: 'front' as const, token: 't1' }];
    await backend.call('users_list');
    await backend.call('kyc_upload', {
      uploadId: 'up-1',
      externalUserId: 'ext-1',
      documentType: 'PASSPORT',
      files,
      onProgress: channel,
    });
    const sent = { uploadId: 'up-1', externalUserId: 'ext-1', documentType: 'PASSPORT', files };
    expect(backend.calls).toEqual([
      { command: 'users_list', args: {} },
      { command: 'kyc_upload', args: sent },
    ]);
    expect(backend.argsOf('kyc_upload')).toEqual([sent]);
    expect(backend.argsOf('user_delete')).toEqual([]);
    expectTypeOf<keyof Recorded<'kyc_upload'>>().toEqualTypeOf<
      'uploadId' | 'externalUserId' | 'documentType' | 'files'
    >();
  });

  it('rejects a command it does not implement with a CommandError naming it', async () => {
    const backend = createFakeBackend();
    await expect(backend.call('events_subscribe', { onEvent: { onmessage: () => {} } })).rejects.toMatchObject({
      code: 'internal',
      message: expect.stringContaining('events_subscribe'),
    });
  });
});
