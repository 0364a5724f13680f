import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeBackend, fakeUser } from '../api/fake';
import { App } from '../app';

afterEach(cleanup);

const byId = (id: string) => screen.getByTestId(id);
const FILE = {
  fileName: 'crm-export.csv',
  text: [
    'External User ID,email,firstName,lastName,country,citizenship,hasAcceptedP100Tc,notes',
    'crm-1,ada@example.com,Ada,Lovelace,PL,PL,true,vip',
    'crm-2,,Grace,Hopper,PL,PL,true,',
    'crm-3,,,,,,,',
    'taken,nino@example.com,Nino,Beridze,GE,GE,true,',
  ].join('\n'),
};

async function openImport() {
  const backend = createFakeBackend({ csvFiles: [FILE], users: [fakeUser({ externalUserId: 'taken' })] });
  render(<App backend={backend} />);
  await waitFor(() => expect(screen.getByTestId<HTMLButtonElement>('import-open').disabled).toBe(false));
  fireEvent.click(byId('import-open'));
  return backend;
}

describe('import from CSV', () => {
  it('maps the columns, shows the dry run with its refusals, and lets a column be mapped by hand', async () => {
    const backend = await openImport();
    fireEvent.click(byId('import-pick'));
    await waitFor(() => expect(byId('import-file').textContent).toBe('crm-export.csv'));
    // "External User ID" is no field name the fake guesses: nothing can be planned yet.
    expect(byId('import-mapping-problem').textContent).toContain('no externalUserId column');
    expect((byId('import-start') as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(byId('import-map-0'), { target: { value: 'externalUserId' } });
    await waitFor(() => expect(byId('import-summary').textContent).toContain('4 rows'));
    expect(byId('import-creates').textContent).toBe('1');
    expect(byId('import-tracks').textContent).toBe('1');
    expect(byId('import-refused').textContent).toBe('2');
    const refusals = screen.getAllByTestId('import-refusal').map((r) => within(r).getByTestId('import-refusal-fields').textContent);
    expect(refusals).toEqual(['email', 'externalUserId']);
    // The mapping chosen is what the core is asked with, the guess for the rest kept.
    expect(backend.argsOf('import_preview').at(-1)?.mapping).toEqual([
      'externalUserId',
      'email',
      'firstName',
      'lastName',
      'country',
      'citizenship',
      'hasAcceptedP100Tc',
      null,
    ]);
    expect(byId('import-start').textContent).toBe('Start: send 2 rows');
  });

  it('refuses a pace at its field and keeps the choices, then starts the job and follows it', async () => {
    const backend = await openImport();
    fireEvent.click(byId('import-pick'));
    await waitFor(() => byId('import-map-0'));
    fireEvent.change(byId('import-map-0'), { target: { value: 'externalUserId' } });
    await waitFor(() => expect(byId('import-creates').textContent).toBe('1'));
    fireEvent.input(byId('import-per-second'), { target: { value: '500' } });
    fireEvent.click(byId('import-start'));
    await waitFor(() => expect(byId('import-per-second-error').textContent).toContain('between 0.1 and 50'));
    expect((byId('import-map-0') as HTMLSelectElement).value).toBe('externalUserId');
    fireEvent.input(byId('import-per-second'), { target: { value: '2' } });
    fireEvent.click(byId('import-start'));
    await waitFor(() => expect(screen.queryByTestId('import-dialog')).toBeNull());
    expect(backend.argsOf('import_start').at(-1)).toMatchObject({ fileName: 'crm-export.csv', perSecond: 2 });
    const job = await screen.findByTestId('import-job');
    expect(job.getAttribute('data-state')).toBe('running');
    fireEvent.click(within(job).getByTestId('import-pause'));
    await waitFor(() => expect(byId('import-job').getAttribute('data-state')).toBe('paused'));
    fireEvent.click(byId('import-resume'));
    await waitFor(() => expect(byId('import-job').getAttribute('data-state')).toBe('running'));
    fireEvent.click(byId('import-cancel'));
    await waitFor(() => expect(byId('import-job').getAttribute('data-state')).toBe('cancelled'));
    expect(byId('import-job-counts').textContent).toMatch(/of 4 rows/);
  });
});
