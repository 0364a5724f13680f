import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { toCommandError, useBackend } from '../api/backend';
import type { BoardColumn, CommandError, EnvironmentInfo, EnvironmentKind, Funnel, Stage, UserRecord } from '../api/bindings';
import { ErrorBanner } from '../components/ErrorBanner';
import { MarksFilters, TagChips, assigneeFilter, useMarks } from '../components/Marks';
import { ENV_OPTIONS } from '../environments';
import { displayName, formatCount } from '../format';
import { STAGES, STAGE_LABELS, durationText, sinceText } from '../stages';
import { useLiveAnswer } from '../useRoster';

const PERIODS: Array<{ id: string; label: string; days: number | null }> = [
  { id: '7', label: 'Last 7 days', days: 7 },
  { id: '30', label: 'Last 30 days', days: 30 },
  { id: '90', label: 'Last 90 days', days: 90 },
  { id: 'all', label: 'All time', days: null },
];

export function Board({
  env,
  onOpen,
  onShowStage,
}: {
  env: EnvironmentInfo | null;
  onOpen: (user: UserRecord) => void;
  onShowStage: (stage: Stage) => void;
}) {
  const backend = useBackend();
  // The store counts each stage and picks who has waited longest in it (oldest arrival first):
  // what the operator looks for, however large the roster.
  const [tag, setTag] = useState('');
  const [whose, setWhose] = useState('');
  const marks = useMarks(env);
  const board = useLiveAnswer(
    env,
    useCallback(() => {
      const assignee = assigneeFilter(whose);
      return backend.call('users_board', { filter: { ...(tag ? { tag } : {}), ...(assignee ? { assignee } : {}) } });
    }, [backend, tag, whose]),
  );
  const columns = useMemo(() => new Map((board.answer ?? []).map((c) => [c.stage, c])), [board.answer]);
  const now = Date.now();

  return (
    <section class="screen" aria-labelledby="board-title">
      <div class="screen-head">
        <h1 id="board-title">Onboarding</h1>
        {env && <span class="muted">{env.label}</span>}
      </div>
      <ErrorBanner error={board.error ?? marks.error} testId="board-error" />
      <FunnelPanel env={env} board={board.answer} />
      <div class="roster-filters board-filters" role="search" aria-label="Narrow the board">
        <MarksFilters
          prefix="board"
          tag={tag}
          whose={whose}
          onTag={setTag}
          onWhose={setWhose}
          tags={marks.tags}
          operators={marks.operators}
        />
      </div>
      <div class="board" data-testid="board" aria-busy={board.answer === null}>
        {STAGES.map((stage) => {
          const column = columns.get(stage);
          const list = column?.cards ?? [];
          const count = column?.count ?? 0;
          return (
            <section
              key={stage}
              class={`board-column stage-${stage}`}
              data-testid={`column-${stage}`}
              aria-labelledby={`column-${stage}-title`}
            >
              <h2 id={`column-${stage}-title`}>
                {STAGE_LABELS[stage]} <span class="count" data-testid={`count-${stage}`}>{formatCount(count)}</span>
              </h2>
              <ul>
                {list.map((u) => (
                  <li key={u.externalUserId}>
                    <button
                      type="button"
                      class="card"
                      data-testid="card"
                      data-external-user-id={u.externalUserId}
                      onClick={() => onOpen(u)}
                    >
                      <strong>{displayName(u)}</strong>
                      <span class="muted">
                        {u.country ?? ''} · <time dateTime={u.stageSince} title={u.stageSince}>{sinceText(u.stageSince, now)}</time>
                      </span>
                      {u.nextAction && <span class="next">{u.nextAction}</span>}
                      <TagChips names={u.tags} tags={marks.tags} />
                      {u.assignee && <span class="muted assignee">Assigned to {u.assignee}</span>}
                    </button>
                  </li>
                ))}
              </ul>
              {count > list.length && (
                <button type="button" class="link more" onClick={() => onShowStage(stage)}>
                  {formatCount(count - list.length)} more in the roster…
                </button>
              )}
            </section>
          );
        })}
      </div>
    </section>
  );
}

function FunnelPanel({ env, board }: { env: EnvironmentInfo | null; board: BoardColumn[] | null }) {
  const backend = useBackend();
  const [period, setPeriod] = useState('30');
  const [kind, setKind] = useState<EnvironmentKind | null>(null);
  const [funnel, setFunnel] = useState<Funnel | null>(null);
  const [error, setError] = useState<CommandError | null>(null);
  const shown = kind ?? env?.kind ?? null;

  useEffect(() => {
    if (!shown) return;
    const days = PERIODS.find((p) => p.id === period)?.days ?? null;
    const from = days === null ? null : new Date(Date.now() - days * 86_400_000).toISOString();
    let stale = false;
    backend.call('funnel_get', { environment: shown, from }).then(
      (f) => {
        if (stale) return;
        setFunnel(f);
        setError(null);
      },
      (e) => !stale && setError(toCommandError(e)),
    );
    return () => {
      stale = true;
    };
    // The board is read again when live sync moves a card: the funnel follows.
  }, [backend, shown, period, board]);

  const widest = Math.max(1, funnel?.users ?? 1);
  return (
    <section class="funnel" data-testid="funnel" aria-labelledby="funnel-title">
      <div class="funnel-head">
        <h2 id="funnel-title">Funnel</h2>
        <label>
          <span>Period</span>
          <select data-testid="funnel-period" value={period} onChange={(e) => setPeriod(e.currentTarget.value)}>
            {PERIODS.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>Environment</span>
          <select
            data-testid="funnel-env"
            value={shown ?? ''}
            onChange={(e) => setKind(e.currentTarget.value as EnvironmentKind)}
          >
            {ENV_OPTIONS.map((o) => (
              <option key={o.kind} value={o.kind}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
        {funnel && <span class="muted">{funnel.users === 1 ? '1 user' : `${formatCount(funnel.users)} users`} created in the period</span>}
      </div>
      <ErrorBanner error={error} testId="funnel-error" />
      {funnel && (
        <table class="funnel-table">
          <thead>
            <tr>
              <th scope="col">Stage</th>
              <th scope="col">Reached</th>
              <th scope="col" class="bar-col">
                <span class="visually-hidden">Share of users</span>
              </th>
              <th scope="col">Conversion</th>
              <th scope="col">Median time in stage</th>
              <th scope="col">Now</th>
            </tr>
          </thead>
          <tbody>
            {funnel.steps.map((s) => (
              <tr key={s.stage} data-testid={`funnel-${s.stage}`}>
                <th scope="row">{STAGE_LABELS[s.stage]}</th>
                <td data-testid="funnel-reached">{s.reached}</td>
                <td class="bar-col">
                  <span class={`bar stage-${s.stage}`} style={{ width: `${(100 * s.reached) / widest}%` }} />
                </td>
                <td>{s.conversion === null ? '—' : `${Math.round(s.conversion * 100)} %`}</td>
                <td>{durationText(s.medianSecs)}</td>
                <td>{s.current}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <td colSpan={6} class="muted">
                Beside the path now: {funnel.aside.map((a) => `${STAGE_LABELS[a.stage]} ${a.count}`).join(' · ')}
              </td>
            </tr>
          </tfoot>
        </table>
      )}
    </section>
  );
}
