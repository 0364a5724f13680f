import { Amount } from '../../components/Amount';
import { useEffect, useRef, useState } from 'preact/hooks';
import { toCommandError, useBackend } from '../../api/backend';
import type {
  CommandError,
  Transaction,
  TransactionPage,
  TransactionQuery,
  TransactionStatus,
  TransactionType,
} from '../../api/bindings';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Select } from '../../components/Select';
import { toCsv } from '../../csv';
import { When } from '../../components/When';
import {
  TRANSACTION_STATUSES,
  TRANSACTION_STATUS_LABELS,
  TRANSACTION_TYPES,
  TRANSACTION_TYPE_LABELS,
} from '../../labels';

export const PAGE_SIZE = 20;
/** The API's largest page, for the export. */
export const EXPORT_PAGE_SIZE = 100;

interface Filters {
  currency: string;
  type: TransactionType | '';
  status: TransactionStatus | '';
  from: string;
  to: string;
}

const NO_FILTERS: Filters = { currency: '', type: '', status: '', from: '', to: '' };

/** The filters as the API takes them: blanks left out, currencies lower-case as in balances. */
export function toQuery(f: Filters, page: number, limit: number): TransactionQuery {
  const q: TransactionQuery = { page, limit };
  const currency = f.currency.trim().toLowerCase();
  if (currency) q.currency = currency;
  if (f.type) q.type = f.type;
  if (f.status) q.status = f.status;
  if (f.from) q.from = f.from;
  if (f.to) q.to = f.to;
  return q;
}

export function TransactionsPanel({ externalUserId, refreshKey = 0 }: { externalUserId: string; refreshKey?: number }) {
  const backend = useBackend();
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [applied, setApplied] = useState<Filters>(NO_FILTERS);
  const [page, setPage] = useState(1);
  const [data, setData] = useState<TransactionPage | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<CommandError | null>(null);
  const [exporting, setExporting] = useState<string | null>(null);
  const [exportResult, setExportResult] = useState<string | null>(null);
  const latest = useRef(0);

  useEffect(() => {
    const request = ++latest.current;
    setLoading(true);
    backend.call('user_transactions', { externalUserId, query: toQuery(applied, page, PAGE_SIZE) }).then(
      (p) => {
        if (request !== latest.current) return;
        setData(p);
        setError(null);
        setLoading(false);
      },
      (e) => {
        if (request !== latest.current) return;
        setError(toCommandError(e));
        setLoading(false);
      },
    );
  }, [backend, externalUserId, applied, page, refreshKey]);

  const set = <K extends keyof Filters>(name: K, value: Filters[K]) => setDraft((d) => ({ ...d, [name]: value }));

  const apply = (e: Event) => {
    e.preventDefault();
    setApplied({ ...draft });
    setPage(1);
  };

  const exportCsv = async () => {
    setExportResult(null);
    setError(null);
    const all: Transaction[] = [];
    try {
      for (let p = 1; ; p++) {
        setExporting(`Fetching page ${p}…`);
        const chunk = await backend.call('user_transactions', {
          externalUserId,
          query: toQuery(applied, p, EXPORT_PAGE_SIZE),
        });
        all.push(...chunk.items);
        setExporting(`Fetched page ${p} of ${Math.max(chunk.totalPages, 1)}…`);
        if (p >= chunk.totalPages || chunk.items.length === 0) break;
      }
      const day = new Date().toISOString().slice(0, 10);
      setExporting('Choose where to save…');
      const saved = await backend.call('export_save_csv', {
        fileName: `transactions-${externalUserId}-${day}.csv`,
        csv: toCsv(all),
      });
      setExportResult(
        saved === null
          ? 'Export cancelled.'
          : `Exported ${all.length} ${all.length === 1 ? 'transaction' : 'transactions'} to ${saved}.`,
      );
    } catch (e) {
      setError(toCommandError(e));
    }
    setExporting(null);
  };

  const totalPages = Math.max(data?.totalPages ?? 0, 1);

  return (
    <section class="panel wide" aria-labelledby="tx-title" data-testid="transactions">
      <div class="panel-head">
        <h2 id="tx-title">Transactions</h2>
        <button
          type="button"
          class="secondary"
          data-testid="tx-export"
          disabled={exporting !== null}
          aria-busy={exporting !== null}
          onClick={() => void exportCsv()}
        >
          {exporting ? 'Exporting…' : 'Export CSV'}
        </button>
      </div>
      <form class="filters" onSubmit={apply} noValidate aria-label="Transaction filters">
        <div class="field">
          <label for="tx-filter-currency">Currency</label>
          <input
            id="tx-filter-currency"
            data-testid="tx-filter-currency"
            type="text"
            placeholder="e.g. eur"
            autoComplete="off"
            spellcheck={false}
            size={8}
            value={draft.currency}
            onInput={(e) => set('currency', e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="tx-filter-type">Type</label>
          <Select
            id="tx-filter-type"
            name="type"
            data-testid="tx-filter-type"
            options={TRANSACTION_TYPES}
            placeholder="All"
            value={draft.type}
            onChange={(v) => set('type', v)}
          />
        </div>
        <div class="field">
          <label for="tx-filter-status">Status</label>
          <Select
            id="tx-filter-status"
            name="status"
            data-testid="tx-filter-status"
            options={TRANSACTION_STATUSES}
            placeholder="All"
            value={draft.status}
            onChange={(v) => set('status', v)}
          />
        </div>
        <div class="field">
          <label for="tx-filter-from">From</label>
          <input
            id="tx-filter-from"
            data-testid="tx-filter-from"
            type="date"
            value={draft.from}
            onInput={(e) => set('from', e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="tx-filter-to">To</label>
          <input
            id="tx-filter-to"
            data-testid="tx-filter-to"
            type="date"
            value={draft.to}
            onInput={(e) => set('to', e.currentTarget.value)}
          />
        </div>
        <div class="filter-actions">
          <button type="submit" class="secondary" data-testid="tx-apply">
            Apply
          </button>
          <button
            type="button"
            class="secondary"
            data-testid="tx-clear"
            onClick={() => {
              setDraft(NO_FILTERS);
              setApplied(NO_FILTERS);
              setPage(1);
            }}
          >
            Clear
          </button>
        </div>
      </form>
      {(exporting || exportResult) && (
        <p class="muted" role="status" data-testid="tx-export-status">
          {exporting ?? exportResult}
        </p>
      )}
      <ErrorBanner error={error} testId="tx-error" />
      <div class="table-wrap short" aria-busy={loading}>
        {data === null ? (
          <p class="placeholder">{error ? '' : 'Loading transactions…'}</p>
        ) : data.items.length === 0 ? (
          <p class="empty" data-testid="tx-empty">
            No transactions{Object.values(applied).some((v) => v.trim() !== '') ? ' match these filters' : ''}.
          </p>
        ) : (
          <table class="compact">
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Type</th>
                <th scope="col">Status</th>
                <th scope="col">Currency</th>
                <th scope="col" class="num">Amount</th>
                <th scope="col">Description</th>
                <th scope="col">ID</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((t) => (
                <tr key={t.id} data-testid="tx-row">
                  <td>
                    <When iso={t.createdAt} />
                  </td>
                  <td>{TRANSACTION_TYPE_LABELS[t.type] ?? t.type}</td>
                  <td>{TRANSACTION_STATUS_LABELS[t.status] ?? t.status}</td>
                  <td>{t.currency.toUpperCase()}</td>
                  <td class="num">
                    <Amount amount={t.amount} currency={t.currency} />
                  </td>
                  <td class="wrap">{t.description}</td>
                  <td>
                    <code class="ext-id" title={t.id}>
                      {t.id}
                    </code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      <nav class="pager" aria-label="Transaction pages">
        <button
          type="button"
          class="secondary"
          data-testid="tx-prev"
          disabled={loading || page <= 1}
          onClick={() => setPage((p) => Math.max(p - 1, 1))}
        >
          Previous
        </button>
        <span data-testid="tx-page" aria-live="polite">
          page {data?.page ?? page} of {totalPages}
          {data ? ` · ${data.total} in all` : ''}
        </span>
        <button
          type="button"
          class="secondary"
          data-testid="tx-next"
          disabled={loading || page >= totalPages}
          onClick={() => setPage((p) => p + 1)}
        >
          Next
        </button>
      </nav>
    </section>
  );
}
