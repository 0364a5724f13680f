import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { BackendContext } from '../api/backend';
import { createFakeBackend } from '../api/fake';
import { TrackUsers, splitIds } from './TrackUsers';

afterEach(cleanup);

const byId = (id: string) => screen.getByTestId(id);

describe('track existing users', () => {
  it('splits pasted ids on lines, commas, semicolons and spaces', () => {
    expect(splitIds(' a-1\r\nb_2, c.3;d:4\t\n\ne5 ')).toEqual(['a-1', 'b_2', 'c.3', 'd:4', 'e5']);
    expect(splitIds(' \n ,; ')).toEqual([]);
  });

  it('sends the pasted ids, sums up each outcome, explains the ones not tracked and keeps the text', async () => {
    const backend = createFakeBackend();
    let tracked = 0;
    render(
      <BackendContext.Provider value={backend}>
        <TrackUsers onClose={() => {}} onTracked={() => (tracked += 1)} />
      </BackendContext.Provider>,
    );
    expect((byId('track-submit') as HTMLButtonElement).disabled).toBe(true);
    const pasted = 'crm-1\ncrm-2, unknown-9\nbad/id\ncrm-1';
    fireEvent.input(byId('track-ids'), { target: { value: pasted } });
    expect(byId('track-submit').textContent).toBe('Track 5 users');
    fireEvent.click(byId('track-submit'));
    await waitFor(() => expect(byId('track-count-tracked').textContent).toBe('Tracked: 2'));
    expect(byId('track-count-unknown').textContent).toBe('Not at P100: 1');
    expect(byId('track-count-refused').textContent).toBe('Refused: 2');
    const problems = screen.getAllByTestId('track-problem').map((r) => r.textContent);
    expect(problems).toHaveLength(3);
    expect(problems[0]).toContain('unknown-9');
    expect(problems[2]).toContain('repeats an earlier id');
    expect(tracked).toBe(1);
    expect(backend.argsOf('users_track').at(-1)).toEqual({ externalUserIds: ['crm-1', 'crm-2', 'unknown-9', 'bad/id', 'crm-1'] });
    expect((byId('track-ids') as HTMLTextAreaElement).value).toBe(pasted);

    // Again: already on the roster, nothing tracked twice.
    fireEvent.click(byId('track-submit'));
    await waitFor(() => expect(byId('track-count-alreadyTracked').textContent).toBe('Already on the roster: 2'));
    expect(screen.queryByTestId('track-count-tracked')).toBeNull();
    expect(tracked).toBe(1);
  });
});
