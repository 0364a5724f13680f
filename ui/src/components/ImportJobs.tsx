import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { toCommandError, useBackend } from '../api/backend';
import type { CommandError, EnvironmentInfo, ImportJob, ImportState } from '../api/bindings';
import { importResultsCsv } from '../csv';
import { formatCount } from '../format';
import { When } from './When';
import { ErrorBanner } from './ErrorBanner';

/** Progress is read this often while a job runs, and less often otherwise (another operator
 * may start one: in team mode the hub runs every job, and everyone sees it). */
const RUNNING_READ_MS = 1000;
const IDLE_READ_MS = 5000;
/** Finished jobs kept in view, newest first. */
const FINISHED_SHOWN = 3;

const STATE_LABELS: Record<ImportState, string> = {
  running: 'Sending',
  paused: 'Paused',
  cancelled: 'Cancelled',
  done: 'Done',
};

/**
 * The environment's bulk imports and their progress: pause, resume and cancel, and the results
 * to export. `version` changes when this window started a job (read at once).
 */
export function ImportJobs({
  env,
  version,
  notify,
}: {
  env: EnvironmentInfo | null;
  version: number;
  notify: (kind: 'success' | 'error', text: string) => void;
}) {
  const backend = useBackend();
  const [jobs, setJobs] = useState<ImportJob[]>([]);
  const [error, setError] = useState<CommandError | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const kind = env?.kind;

  const read = useCallback(async () => {
    if (timer.current) clearTimeout(timer.current);
    let running = false;
    try {
      const list = await backend.call('import_jobs');
      setJobs(list);
      setError(null);
      running = list.some((j) => j.state === 'running');
    } catch (e) {
      setError(toCommandError(e));
    }
    timer.current = setTimeout(() => void read(), running ? RUNNING_READ_MS : IDLE_READ_MS);
  }, [backend]);

  useEffect(() => {
    if (!kind) return;
    void read();
    return () => void (timer.current && clearTimeout(timer.current));
  }, [kind, read, version]);

  const act = async (job: ImportJob, command: 'import_pause' | 'import_resume' | 'import_cancel') => {
    try {
      const changed = await backend.call(command, { jobId: job.id });
      setJobs((list) => list.map((j) => (j.id === changed.id ? changed : j)));
    } catch (e) {
      notify('error', toCommandError(e).message);
    }
  };

  const exportResults = async (job: ImportJob) => {
    try {
      const rows = await backend.call('import_results', { jobId: job.id });
      const name = `${job.fileName.replace(/\.[^.]*$/, '')}-results.csv`;
      const saved = await backend.call('export_save_csv', { fileName: name, csv: importResultsCsv(rows) });
      if (saved) notify('success', `Saved ${rows.length} row results to ${saved}`);
    } catch (e) {
      notify('error', toCommandError(e).message);
    }
  };

  const open = jobs.filter((j) => j.state === 'running' || j.state === 'paused');
  const finished = jobs.filter((j) => j.state === 'done' || j.state === 'cancelled').slice(0, FINISHED_SHOWN);
  if (!error && open.length + finished.length === 0) return null;

  return (
    <section class="import-jobs" aria-labelledby="import-jobs-title" data-testid="import-jobs">
      <h2 id="import-jobs-title">Imports</h2>
      <ErrorBanner error={error} testId="import-jobs-error" />
      <ul>
        {[...open, ...finished].map((job) => {
          const finishedRows = job.created + job.tracked + job.refused + job.failed;
          return (
            <li key={job.id} data-testid="import-job" data-job-id={job.id} data-state={job.state}>
              <div class="import-job-head">
                <strong title={job.fileName}>{job.fileName}</strong>
                <span class="muted">
                  by {job.createdBy}, <When iso={job.createdAt} />
                </span>
                <span class={`badge import-${job.state}`} data-testid="import-job-state">
                  {STATE_LABELS[job.state]}
                </span>
              </div>
              <progress
                data-testid="import-progress"
                max={job.rows}
                value={finishedRows}
                aria-label={`${job.fileName}: ${finishedRows} of ${job.rows} rows`}
              />
              <p class="muted" data-testid="import-job-counts">
                {formatCount(finishedRows)} of {formatCount(job.rows)} rows: {formatCount(job.created)} created,{' '}
                {formatCount(job.tracked)} tracked, {formatCount(job.refused)} refused, {formatCount(job.failed)} failed
                {job.state === 'running' ? ` · ${job.perSecond} a second` : ''}
              </p>
              <div class="actions">
                {job.state === 'running' && (
                  <button type="button" class="secondary" data-testid="import-pause" onClick={() => void act(job, 'import_pause')}>
                    Pause
                  </button>
                )}
                {job.state === 'paused' && (
                  <button type="button" class="secondary" data-testid="import-resume" onClick={() => void act(job, 'import_resume')}>
                    Resume
                  </button>
                )}
                {(job.state === 'running' || job.state === 'paused') && (
                  <button type="button" class="secondary danger" data-testid="import-cancel" onClick={() => void act(job, 'import_cancel')}>
                    Cancel
                  </button>
                )}
                <button type="button" class="link" data-testid="import-export-results" onClick={() => void exportResults(job)}>
                  Export results…
                </button>
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
