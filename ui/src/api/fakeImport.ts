// The fake backend's bulk imports, for the UI unit tests ONLY (the real ones are Rust's, tested
// against the sandbox and PostgreSQL): a comma-separated file read naively, planned by a few of
// the form's rules, and a job that sends one row each time its progress is read, so a test sees
// it move without timers.
import type { CommandError, FieldError, ImportJob, ImportPreview, PickedCsv, RowResult, UserRecord } from './bindings';
import type { CommandAnswer, CommandArgs, CommandName } from './commands';

const FIELDS = ['externalUserId', 'email', 'firstName', 'lastName', 'country', 'citizenship', 'hasAcceptedP100Tc'];

type Handlers = { [K in CommandName]?: (args: CommandArgs<K>) => Promise<CommandAnswer<K>> };

export interface ImportContext {
  users: UserRecord[];
  environment: () => UserRecord['environment'];
  newUser: (ext: string, who: Pick<UserRecord, 'email' | 'firstName' | 'lastName' | 'country' | 'citizenship'>) => UserRecord;
  invalid: (fields: FieldError[]) => CommandError;
  /** Files `import_pick` answers, in order; none left: the operator cancelled. */
  picks: PickedCsv[];
}

interface FakeJob {
  job: ImportJob;
  plans: Array<{ row: number; ext: string; values: Record<string, string>; refusal: FieldError | null }>;
  results: RowResult[];
}

function plan(ctx: ImportContext, csv: string, given: Array<string | null> | null) {
  const [head = '', ...lines] = csv.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = head.split(',');
  const mapping = given ?? header.map((h) => FIELDS.find((f) => f.toLowerCase() === h.trim().toLowerCase()) ?? null);
  const rows = lines.map((line, i) => {
    const cells = line.split(',');
    const values: Record<string, string> = {};
    mapping.forEach((f, c) => f && cells[c]?.trim() && (values[f] = cells[c].trim()));
    const ext = values.externalUserId ?? '';
    delete values.externalUserId;
    const known = ctx.users.some((u) => u.environment === ctx.environment() && u.externalUserId === ext);
    const refusal: FieldError | null = known
      ? { field: 'externalUserId', message: 'already on the roster' }
      : Object.keys(values).length > 0 && !values.email
        ? { field: 'email', message: 'email should not be empty' }
        : null;
    return { row: i + 1, ext, values, refusal };
  });
  return { header, mapping, rows, samples: lines.slice(0, 3).map((l) => l.split(',')) };
}

const refused = (p: FakeJob['plans'][number]): RowResult => ({
  row: p.row,
  externalUserId: p.ext,
  outcome: 'refused',
  fields: [p.refusal?.field ?? ''],
  message: p.refusal?.message,
});

export function fakeImportHandlers(ctx: ImportContext): Handlers {
  const jobs: FakeJob[] = [];
  let next = 1;

  const find = (id: string) => {
    const j = jobs.find((x) => x.job.id === id);
    if (!j) throw ctx.invalid([{ field: 'jobId', message: 'no such import in this environment' }]);
    return j;
  };
  const move = (id: string, from: ImportJob['state'][], to: ImportJob['state']) => {
    const j = find(id);
    if (!from.includes(j.job.state)) throw ctx.invalid([{ field: 'jobId', message: `this import is ${j.job.state}` }]);
    j.job = { ...j.job, state: to };
    return j.job;
  };
  /** Sends one row of each running job. */
  const step = () => {
    for (const j of jobs) {
      if (j.job.state !== 'running') continue;
      const p = j.plans[j.results.length];
      if (!p) {
        j.job = { ...j.job, state: 'done' };
        continue;
      }
      let result: RowResult;
      if (p.refusal) result = refused(p);
      else {
        const v = p.values;
        const track = Object.keys(v).length === 0;
        ctx.users.unshift(
          ctx.newUser(p.ext, {
            email: v.email ?? null,
            firstName: v.firstName ?? null,
            lastName: v.lastName ?? null,
            country: v.country ?? null,
            citizenship: v.citizenship ?? null,
          }),
        );
        result = { row: p.row, externalUserId: p.ext, outcome: track ? 'tracked' : 'created', fields: [] };
      }
      j.results.push(result);
      j.job = { ...j.job, [result.outcome]: j.job[result.outcome] + 1 };
      if (j.results.length === j.plans.length) j.job = { ...j.job, state: 'done' };
    }
  };

  return {
    async import_pick() {
      return ctx.picks.shift() ?? null;
    },
    async import_preview({ csv, mapping }): Promise<ImportPreview> {
      const p = plan(ctx, csv, mapping);
      const problem = p.mapping.includes('externalUserId') ? null : 'no externalUserId column';
      const rows = problem ? [] : p.rows;
      return {
        header: p.header,
        fields: FIELDS,
        mapping: p.mapping,
        mappingProblem: problem,
        samples: p.samples,
        rows: rows.length,
        creates: rows.filter((r) => !r.refusal && Object.keys(r.values).length > 0).length,
        tracks: rows.filter((r) => !r.refusal && Object.keys(r.values).length === 0).length,
        refusals: rows.filter((r) => r.refusal).map(refused),
      };
    },
    async import_start({ fileName, csv, mapping, perSecond }) {
      if (!(perSecond >= 0.1 && perSecond <= 50)) {
        throw ctx.invalid([{ field: 'perSecond', message: 'must be between 0.1 and 50 rows a second' }]);
      }
      const p = plan(ctx, csv, mapping);
      const now = new Date().toISOString();
      const job: ImportJob = {
        id: `job-${next++}`,
        environment: ctx.environment(),
        fileName,
        createdBy: 'operator',
        createdAt: now,
        updatedAt: now,
        state: 'running',
        perSecond,
        rows: p.rows.length,
        created: 0,
        tracked: 0,
        refused: 0,
        failed: 0,
      };
      jobs.unshift({ job, plans: p.rows, results: [] });
      return job;
    },
    async import_jobs() {
      step();
      return jobs.filter((j) => j.job.environment === ctx.environment()).map((j) => j.job);
    },
    async import_results({ jobId }) {
      return find(jobId).results;
    },
    async import_pause({ jobId }) {
      return move(jobId, ['running'], 'paused');
    },
    async import_resume({ jobId }) {
      return move(jobId, ['paused'], 'running');
    },
    async import_cancel({ jobId }) {
      return move(jobId, ['running', 'paused'], 'cancelled');
    },
  };
}
