import { useEffect, useRef, useState } from 'preact/hooks';
import { toCommandError, useBackend } from '../api/backend';
import type { CommandError, Country, UserRecord } from '../api/bindings';
import { CopyButton } from '../components/CopyButton';
import { ErrorBanner } from '../components/ErrorBanner';
import { StatusBadge } from '../components/StatusBadge';
import { displayName } from '../format';
import { When } from '../components/When';
import {
  KYC_METHOD_LABELS,
  explainAttemptStatus,
  explainPoaStatus,
  explainRejectionReason,
  explainVerificationStatus,
} from '../labels';
import { StageBadge } from '../components/StageBadge';
import { Timeline } from '../components/Timeline';
import { AccountPanel } from './detail/AccountPanel';
import { BalancesPanel } from './detail/BalancesPanel';
import { EditPanel } from './detail/EditPanel';
import { HostedKycPanel } from './detail/HostedKycPanel';
import { KycFilesPanel } from './detail/KycFilesPanel';
import { KeptPanel } from './detail/KeptPanel';
import { NotesPanel } from './detail/NotesPanel';
import { PoaPanel } from './detail/PoaPanel';
import { TransactionsPanel } from './detail/TransactionsPanel';
import { VerificationPanel } from './detail/VerificationPanel';

/** The panels in page order, by their headings' ids, for the "On this page" links. */
const SECTIONS: Array<[string, string]> = [
  ['notes-title', 'Notes and tags'],
  ['timeline-title', 'Timeline'],
  ['edit-title', 'Profile'],
  ['kyc-title', 'Identity documents'],
  ['poa-title', 'Proof of address'],
  ['hosted-title', 'Hosted KYC'],
  ['verify-title', 'Verification data'],
  ['account-title', 'Account'],
  ['balances-title', 'Balances'],
  ['tx-title', 'Transactions'],
];

interface Props {
  record: UserRecord;
  countries: Country[];
  /** A command answered with the new record; `message` is toasted. */
  onUpdated: (record: UserRecord, message: string) => void;
  onDeleted: (record: UserRecord) => void;
  onBack: () => void;
}

export function UserDetail({ record, countries, onUpdated, onDeleted, onBack }: Props) {
  const heading = useRef<HTMLHeadingElement>(null);
  const deleted = record.deletedAt !== null;

  // Opening a user moves focus to its name, so screen readers announce the new screen.
  useEffect(() => heading.current?.focus(), []);

  return (
    <section class="screen detail" data-testid="user-detail" aria-labelledby="detail-title">
      <button type="button" class="secondary back" data-testid="detail-back" onClick={onBack}>
        ← Back to users
      </button>
      <header class="detail-head">
        <div class="detail-title">
          <h1 id="detail-title" ref={heading} tabIndex={-1} data-testid="detail-name">
            {displayName(record)}
          </h1>
          <span data-testid="detail-status">
            <StatusBadge status={record.status} />
          </span>
          {deleted && <span class="badge bad">Deleted</span>}
          <span data-testid="detail-stage">
            <StageBadge stage={record.stage} />
          </span>
        </div>
        {record.nextAction && (
          <p class="next-action" data-testid="detail-next-action">
            Next: {record.nextAction}
          </p>
        )}
        <dl class="facts">
          <dt>Email</dt>
          <dd data-testid="detail-email">{record.email ?? <span class="muted">none</span>}</dd>
          <dt>External user ID</dt>
          <dd class="inline-copy">
            <code data-testid="detail-external-id">{record.externalUserId}</code>
            <CopyButton text={record.externalUserId} what="external user ID" testId="copy-external-id" />
          </dd>
          <dt>P100 user ID</dt>
          <dd>{record.userId ? <code>{record.userId}</code> : <span class="muted">not known yet</span>}</dd>
          <dt>Residence / citizenship</dt>
          <dd>
            {record.country ?? '—'} / {record.citizenship ?? '—'}
          </dd>
          <dt>Extended</dt>
          <dd data-testid="detail-extended">{record.extended ? 'Yes' : 'No'}</dd>
          <dt>Created</dt>
          <dd>
            <When iso={record.createdAt} />
          </dd>
        </dl>
        {!deleted && <KycStatus record={record} onUpdated={onUpdated} />}
      </header>

      {deleted ? (
        <>
          <p class="note" data-testid="detail-deleted">
            This user was deleted on <When iso={record.deletedAt!} />. The desk keeps the row as a record; nothing
            more can be done with it.
          </p>
          <Timeline record={record} />
        </>
      ) : (
        <div class="panels">
          <nav class="section-nav" aria-label="On this page">
            {SECTIONS.map(([id, label]) => (
              <a key={id} href={`#${id}`}>
                {label}
              </a>
            ))}
          </nav>
          <NotesPanel record={record} onUpdated={onUpdated} />
          <Timeline record={record} />
          <EditPanel record={record} onUpdated={onUpdated} countries={countries} />
          <KycFilesPanel record={record} onUpdated={onUpdated} />
          <PoaPanel record={record} onUpdated={onUpdated} />
          <KeptPanel record={record} />
          <HostedKycPanel record={record} onUpdated={onUpdated} countries={countries} />
          <VerificationPanel record={record} onUpdated={onUpdated} countries={countries} />
          <AccountPanel record={record} onUpdated={onUpdated} onDeleted={onDeleted} />
          <BalancesPanel externalUserId={record.externalUserId} />
          <TransactionsPanel externalUserId={record.externalUserId} />
        </div>
      )}
    </section>
  );
}

/** Where KYC and POA stand, in words, with the codes beside them for P100 support. */
function KycStatus({ record, onUpdated }: Pick<Props, 'record' | 'onUpdated'>) {
  const backend = useBackend();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<CommandError | null>(null);

  const refresh = async () => {
    setBusy(true);
    setError(null);
    try {
      const updated = await backend.call('kyc_refresh', { externalUserId: record.externalUserId });
      onUpdated(updated, 'KYC status refreshed');
    } catch (e) {
      setError(toCommandError(e));
    }
    setBusy(false);
  };

  const row = (label: string, code: string | null, words: string | null, testId: string) => (
    <>
      <dt>{label}</dt>
      <dd data-testid={testId}>
        {code === null ? (
          <span class="muted">—</span>
        ) : (
          <Coded code={code} words={words} />
        )}
      </dd>
    </>
  );

  return (
    <div class="kyc-status" data-testid="kyc-status">
      <div class="panel-head">
        <h2>Verification</h2>
        <button
          type="button"
          class="secondary"
          data-testid="kyc-refresh"
          disabled={busy}
          aria-busy={busy}
          onClick={() => void refresh()}
        >
          {busy ? 'Refreshing…' : 'Refresh status'}
        </button>
      </div>
      <dl class="facts">
        <dt>KYC method</dt>
        <dd data-testid="kyc-method">
          {record.kycMethod ? (KYC_METHOD_LABELS[record.kycMethod] ?? record.kycMethod) : 'Not started'}
        </dd>
        {row('KYC', record.verificationStatus, explainVerificationStatus(record.verificationStatus), 'kyc-verification')}
        {row('Latest attempt', record.attemptStatus, explainAttemptStatus(record.attemptStatus), 'kyc-attempt')}
        {record.rejectionReason !== null &&
          row('Rejection reason', record.rejectionReason, explainRejectionReason(record.rejectionReason), 'kyc-rejection')}
        <dt>Proof of address</dt>
        <dd data-testid="poa-status">
          {record.poaStatus ? (
            <Coded code={record.poaStatus} words={explainPoaStatus(record.poaStatus)} />
          ) : (
            'Not uploaded'
          )}
          {record.poaRequiredForExtended ? ' · required for the extended level' : ' · not required'}
        </dd>
      </dl>
      <ErrorBanner error={error} testId="kyc-refresh-error" />
    </div>
  );
}

/** P100's code in words; the code itself (what P100's support is quoted) in the tooltip. */
function Coded({ code, words }: { code: string; words: string | null }) {
  return (
    <span class="coded" title={code} data-code={code}>
      {words ?? code}
    </span>
  );
}
