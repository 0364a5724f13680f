import { cleanup, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { ArgsOf, Backend } from './api/backend';
import type { CommandAnswer, CommandName } from './api/commands';
import { createFakeBackend, fakeUser } from './api/fake';
import { App } from './app';
import { Boot } from './boot';

afterEach(cleanup);

/** The fake backend, counting the two calls the first screen needs. */
function counted() {
  const fake = createFakeBackend({ users: [fakeUser({ externalUserId: 'ext-1', firstName: 'Ada', environment: 'sandbox' })] });
  const count = { environmentGet: 0, usersQuery: 0 };
  const backend: Backend = {
    ...fake,
    call<K extends CommandName>(command: K, ...args: ArgsOf<K>): Promise<CommandAnswer<K>> {
      if (command === 'environment_get') count.environmentGet++;
      if (command === 'users_query') count.usersQuery++;
      return fake.call(command, ...args);
    },
  };
  return { backend, count };
}

describe('the first screen’s answers, asked for before the first render', () => {
  it('draws the roster from them without asking again', async () => {
    const { backend, count } = counted();
    const boot = new Boot(backend);
    expect(count).toEqual({ environmentGet: 1, usersQuery: 1 });
    render(<App backend={backend} boot={boot} />);
    await waitFor(() => expect(screen.getAllByTestId('roster-row')).toHaveLength(1));
    expect(screen.getByTestId('roster-name').textContent).toContain('Ada');
    expect(count).toEqual({ environmentGet: 1, usersQuery: 1 });
    // Later reads go to the backend.
    expect(boot.takeEnvironment()).toBeNull();
    expect(boot.takeFirstPage('sandbox')).toBeNull();
  });

  it('hands the roster out only for the environment it was read for, and only once', async () => {
    const { backend } = counted();
    const boot = new Boot(backend);
    await boot.takeEnvironment();
    expect(boot.takeFirstPage('staging')).toBeNull();
    expect(boot.takeFirstPage('sandbox')).toBeNull();

    const again = new Boot(backend);
    await again.takeEnvironment();
    expect((await again.takeFirstPage('sandbox'))?.rows).toHaveLength(1);
  });

  it('drops the roster answer when the environment could not be read', async () => {
    const { backend } = counted();
    const failing: Backend = {
    ...backend,
    call<K extends CommandName>(command: K, ...args: ArgsOf<K>): Promise<CommandAnswer<K>> {
      return command === 'environment_get' ? Promise.reject(new Error('no keychain')) : backend.call(command, ...args);
    },
  };
    const boot = new Boot(failing);
    await expect(boot.takeEnvironment()).rejects.toThrow('no keychain');
    expect(boot.takeFirstPage('sandbox')).toBeNull();
  });
});
