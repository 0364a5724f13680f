import { useEffect, useState } from 'preact/hooks';
import { toCommandError, useBackend } from '../api/backend';
import type { CommandError, JournalEntry, JournalFilter } from '../api/bindings';
import { ErrorBanner } from '../components/ErrorBanner';
import { Select } from '../components/Select';
import { operationLabel, operationOptions, plainOptions } from '../labels';
import { envLabel } from '../environments';
import { journalCsv } from '../csv';
import { When } from '../components/When';

interface Draft {
  operator: string;
  operation: string;
  outcome: string;
  target: string;
  /** `YYYY-MM-DD` from the date inputs: whole days in the operator's time zone. */
  fromDay: string;
  toDay: string;
}

/** A journal line's outcome in a word; the stored value in the tooltip. */
/** Each outcome: its word in a row, and the longer label its filter offers. */
const OUTCOMES = [
  { value: 'ok', word: 'Done', label: 'Done' },
  { value: 'error', word: 'Failed', label: 'Refused or failed' },
  { value: 'unknown', word: 'No answer', label: 'No answer (may have happened)' },
];

const outcomeWord = (outcome: string) => OUTCOMES.find((o) => o.value === outcome)?.word ?? outcome;


const EMPTY: Draft = { operator: '', operation: '', outcome: '', target: '', fromDay: '', toDay: '' };

/** The day's start in local time, as RFC 3339 (UTC); `to` is exclusive, so it is the next day's. */
function dayStart(day: string, plusDays = 0): string | undefined {
  if (!day) return undefined;
  const d = new Date(`${day}T00:00:00`);
  d.setDate(d.getDate() + plusDays);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

function toFilter(d: Draft): JournalFilter {
  const opt = (v: string) => (v.trim() ? v.trim() : undefined);
  return {
    operator: opt(d.operator),
    operation: opt(d.operation),
    outcome: opt(d.outcome),
    target: opt(d.target),
    from: dayStart(d.fromDay),
    to: dayStart(d.toDay, 1),
    limit: 5000,
  };
}

/** The audit journal: who did what, where, when and how it ended, filtered and exported. */
export function Journal({ notify }: { notify: (kind: 'success' | 'error', text: string) => void }) {
  const backend = useBackend();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [entries, setEntries] = useState<JournalEntry[] | null>(null);
  const [error, setError] = useState<CommandError | null>(null);
  // Operators and operations seen so far, for the pickers (the unfiltered first load fills them).
  const [known, setKnown] = useState<{ operators: string[]; operations: string[] }>({ operators: [], operations: [] });

  const load = async (d: Draft) => {
    try {
      const list = await backend.call('journal_query', { filter: toFilter(d) });
      setEntries(list);
      setError(null);
      setKnown((k) => ({
        operators: [...new Set([...k.operators, ...list.map((e) => e.operator)])].sort(),
        operations: [...new Set([...k.operations, ...list.map((e) => e.operation)])].sort(),
      }));
    } catch (e) {
      setError(toCommandError(e));
    }
  };

  // Once, on opening: later loads follow the filter form.
  // eslint-disable-next-line react-hooks/exhaustive-deps -- `load` is new each render; this runs once
  useEffect(() => void load(EMPTY), []);

  const set = (patch: Partial<Draft>) => {
    const next = { ...draft, ...patch };
    setDraft(next);
    void load(next);
  };

  const exportCsv = async () => {
    if (!entries) return;
    try {
      const day = new Date().toISOString().slice(0, 10);
      const saved = await backend.call('export_save_csv', { fileName: `journal-${day}.csv`, csv: journalCsv(entries) });
      if (saved) notify('success', `Saved ${entries.length} journal lines to ${saved}`);
    } catch (e) {
      notify('error', toCommandError(e).message);
    }
  };

  return (
    <section class="screen" aria-labelledby="journal-title">
      <div class="screen-head">
        <h1 id="journal-title">Journal</h1>
        <button type="button" class="secondary" data-testid="journal-export" disabled={!entries?.length} onClick={() => void exportCsv()}>
          Export CSV
        </button>
      </div>
      <form class="roster-filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          <span>Operator</span>
          <Select
            id="journal-operator"
            name="operator"
            data-testid="journal-operator"
            options={plainOptions(known.operators)}
            placeholder="Anyone"
            value={draft.operator}
            onChange={(operator) => set({ operator })}
          />
        </label>
        <label>
          <span>Operation</span>
          <Select
            id="journal-operation"
            name="operation"
            data-testid="journal-operation"
            options={operationOptions(known.operations)}
            placeholder="Any"
            value={draft.operation}
            onChange={(operation) => set({ operation })}
          />
        </label>
        <label>
          <span>Outcome</span>
          <Select
            id="journal-outcome"
            name="outcome"
            data-testid="journal-outcome"
            options={OUTCOMES}
            placeholder="Any"
            value={draft.outcome}
            onChange={(outcome) => set({ outcome })}
          />
        </label>
        <label>
          <span>User</span>
          <input type="search" data-testid="journal-target" placeholder="External user id" value={draft.target} onInput={(e) => set({ target: e.currentTarget.value })} />
        </label>
        <label>
          <span>From</span>
          <input type="date" data-testid="journal-from" value={draft.fromDay} onChange={(e) => set({ fromDay: e.currentTarget.value })} />
        </label>
        <label>
          <span>To</span>
          <input type="date" data-testid="journal-to" value={draft.toDay} onChange={(e) => set({ toDay: e.currentTarget.value })} />
        </label>
      </form>
      <ErrorBanner error={error} testId="journal-error" />
      <div class="table-wrap">
        {entries === null ? (
          <p class="placeholder">{error ? '' : 'Loading…'}</p>
        ) : entries.length === 0 ? (
          <p class="empty" data-testid="journal-empty">
            No journal lines match.
          </p>
        ) : (
          <table data-testid="journal" class="journal-table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Operator</th>
                <th scope="col">Environment</th>
                <th scope="col">Operation</th>
                <th scope="col">User</th>
                <th scope="col">Outcome</th>
                <th scope="col">Code</th>
                <th scope="col">Time</th>
                <th scope="col">Note</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.id} data-testid="journal-row">
                  <td>
                    <When iso={e.at} />
                  </td>
                  <td>{e.operator}</td>
                  <td>{envLabel(e.environment)}</td>
                  <td title={e.operation} data-code={e.operation}>
                    {operationLabel(e.operation)}
                  </td>
                  <td>
                    <code class="ext-id" title={e.target ?? ''}>
                      {e.target ?? ''}
                    </code>
                  </td>
                  <td>
                    <span class={`badge ${e.outcome === 'ok' ? 'ok' : e.outcome === 'error' ? 'bad' : 'wait'}`} title={e.outcome} data-code={e.outcome}>
                      {outcomeWord(e.outcome)}
                    </span>
                  </td>
                  <td>{[e.p100Code, e.httpStatus].filter((v) => v !== null).join(' / ')}</td>
                  <td>{e.durationMs} ms</td>
                  <td class="wrap">{e.message ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}
