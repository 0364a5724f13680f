import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { BackendContext } from '../api/backend';
import { createFakeBackend } from '../api/fake';
import { TeamPanel } from './TeamPanel';

afterEach(cleanup);

const byId = (id: string) => screen.getByTestId(id);
const type = (id: string, value: string) => fireEvent.input(byId(id), { target: { value } });

describe('team panel', () => {
  it('says solo, refuses a bad URL and a bad token at their fields keeping what was typed, then connects', async () => {
    const backend = createFakeBackend();
    let changed = 0;
    render(
      <BackendContext.Provider value={backend}>
        <TeamPanel onChanged={() => (changed += 1)} />
      </BackendContext.Provider>,
    );
    await waitFor(() => expect(byId('team-status').textContent).toContain('Solo'));

    type('team-hub-url', 'hub.example.com');
    type('team-token', 'pdh_valid');
    fireEvent.click(byId('team-connect'));
    expect((await screen.findByTestId('team-hub-url-error')).textContent).toContain('https://');
    expect((byId('team-hub-url') as HTMLInputElement).value).toBe('hub.example.com');
    expect(byId('team-hub-url').getAttribute('aria-invalid')).toBe('true');

    type('team-hub-url', 'https://hub.example.com');
    type('team-token', 'pdh_wrong');
    fireEvent.click(byId('team-connect'));
    expect((await screen.findByTestId('team-token-error')).textContent).toContain('does not accept');
    expect(screen.queryByTestId('team-hub-url-error')).toBeNull();

    type('team-token', 'pdh_valid');
    fireEvent.click(byId('team-connect'));
    await waitFor(() => expect(byId('team-operator').textContent).toBe('olga'));
    expect((byId('team-token') as HTMLInputElement).value).toBe('');
    expect(changed).toBe(1);
    expect(backend.argsOf('team_connect').at(-1)).toEqual({ hubUrl: 'https://hub.example.com', operatorToken: 'pdh_valid' });

    fireEvent.click(byId('team-disconnect'));
    await waitFor(() => expect(byId('team-status').textContent).toContain('Solo'));
    expect(changed).toBe(2);
  });
});
