import { useEffect, useRef, useState } from 'preact/hooks';
import { toCommandError, useBackend } from '../api/backend';
import type { CommandError, Country, UserRecord } from '../api/bindings';
import { Coded } from '../components/Coded';
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
import { MoneyTab } from './detail/money/MoneyTab';
import { CardsPanel } from './detail/CardsPanel';
import { EditPanel } from './detail/EditPanel';
import { HostedKycPanel } from './detail/HostedKycPanel';
import { KycFilesPanel } from './detail/KycFilesPanel';
import { KeptPanel } from './detail/KeptPanel';
import { NotesPanel } from './detail/NotesPanel';
import { PoaPanel } from './detail/PoaPanel';
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
];

type Tab = 'onboarding' | 'cards' | 'money';
const TABS: Array<[Tab, string]> = [
  ['onboarding', 'Onboarding'],
  ['cards', 'Cards'],
  ['money', 'Money'],
];

/** The user page's tabs: arrows move between them (the tab pattern), Enter or a click opens one. */
function Tabs({ tab, onTab }: { tab: Tab; onTab: (t: Tab) => void }) {
  const move = (e: KeyboardEvent, from: number) => {
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    e.preventDefault();
    const [next] = TABS[(from + step + TABS.length) % TABS.length];
    onTab(next);
    document.getElementById(`tab-${next}`)?.focus();
  };
  return (
    <div class="tabs" role="tablist" aria-label="About this user">
      {TABS.map(([id, label], i) => (
        <button
          key={id}
          type="button"
          role="tab"
          id={`tab-${id}`}
          data-testid={`tab-${id}`}
          aria-selected={tab === id}
          aria-controls={`tabpanel-${id}`}
          tabIndex={tab === id ? 0 : -1}
          onClick={() => onTab(id)}
          onKeyDown={(e) => move(e, i)}
        >
          {label}
        </button>
      ))}
    </div>
  );
}

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
  const [tab, setTab] = useState<Tab>('onboarding');
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
        <>
          <Tabs tab={tab} onTab={setTab} />
          <div class="panels" role="tabpanel" id={`tabpanel-${tab}`} aria-labelledby={`tab-${tab}`} data-testid={`tabpanel-${tab}`}>
            {tab === 'onboarding' && (
              <>
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
              </>
            )}
            {tab === 'cards' && <CardsPanel record={record} onUpdated={onUpdated} />}
            {tab === 'money' && <MoneyTab record={record} onUpdated={onUpdated} />}
          </div>
        </>
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

