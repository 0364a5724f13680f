import { useEffect, useState } from 'preact/hooks';
import { toCommandError, useBackend } from '../api/backend';
import type { CardChange, CommandError, Confirmation, FileNote, TimelineEvent, UserRecord } from '../api/bindings';
import { formatBytes } from '../format';
import { When } from './When';
import {
  explainAttemptStatus,
  explainPoaStatus,
  explainRejectionReason,
  explainVerificationStatus,
  humanize,
  userStatusLabel,
} from '../labels';
import { ErrorBanner } from './ErrorBanner';

const KIND_LABELS: Record<string, string> = {
  tracked: 'Tracked (found at P100)',
  created: 'User created',
  updated: 'Profile updated',
  kycFilesUploaded: 'Identity documents uploaded',
  kycFileStatus: 'KYC file processed',
  hostedKycStarted: 'Hosted KYC started',
  verificationSubmitted: 'Verification submitted',
  kycStatus: 'KYC status',
  activated: 'Activated (balances created)',
  userStatus: 'User status',
  poaUploaded: 'Proof of address uploaded',
  poaStatus: 'Proof of address reviewed',
  suspended: 'Suspended',
  unsuspended: 'Unsuspended',
  extended: 'Extended',
  deleted: 'Deleted',
  operationFailed: 'Operation failed',
  webhookClaim: 'Webhook (a claim until P100 confirms it)',
  cardCreated: 'Card created',
  cardChanged: 'Card changed',
  transferred: 'Money transferred',
  exchanged: 'Exchange',
  withdrawn: 'Crypto withdrawal',
  travelRuleGiven: 'Travel rule data given',
  cardCodeSent: 'Card code sent to the cardholder',
  noted: 'Note',
  tagged: 'Tagged',
  untagged: 'Tag removed',
  assigned: 'Assigned',
};

/** A card's change, in words. */
const CARD_CHANGES: Record<CardChange['kind'], string> = {
  blocked: 'blocked',
  unblocked: 'unblocked',
  deleted: 'deleted',
  pinChanged: 'new PIN set',
  limitsChanged: 'new limits set',
};

/** What operators write for each other: no outcome to show, nothing P100 said. */
const REMARKS = new Set<TimelineEvent['kind']>(['noted', 'tagged', 'untagged', 'assigned']);

/** A webhook's claim, by where its confirmation with P100 stands. */
const CLAIM_BADGES: Record<Confirmation, { text: string; tone: string }> = {
  pending: { text: 'asking P100', tone: 'neutral' },
  confirmed: { text: 'confirmed by P100', tone: 'ok' },
  unconfirmed: { text: 'not confirmed: moved nothing', tone: 'wait' },
};

const SOURCE_LABELS: Record<string, string> = {
  operator: 'by',
  webhook: 'asked P100 after a webhook',
  poll: 'asked P100',
};

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const join = (...parts: (string | null | undefined)[]): string => parts.filter(Boolean).join(' · ');

type KycCodes = { verificationStatus: string; attemptStatus: string | null; rejectionReason: string | null };

/** A KYC report's codes, and the same in words. */
const kycCodes = (k: KycCodes) => join(k.verificationStatus, k.attemptStatus, k.rejectionReason);
const kycWords = (k: KycCodes) =>
  join(explainVerificationStatus(k.verificationStatus), explainAttemptStatus(k.attemptStatus), explainRejectionReason(k.rejectionReason));

/** P100's codes an event carries, for the summary's tooltip (operators quote them to support). */
function codes(e: TimelineEvent): string {
  switch (e.kind) {
    case 'kycStatus':
    case 'verificationSubmitted':
      return kycCodes(e.detail);
    case 'userStatus':
    case 'kycFileStatus':
    case 'poaStatus':
      return e.detail.status;
    case 'tracked':
      return e.detail.kyc ? kycCodes(e.detail.kyc) : '';
    case 'webhookClaim': {
      const c = e.detail.claim;
      return join(str(c.status), str(c.verificationStatus), str(c.attemptStatus), str(c.rejectionReason));
    }
    default:
      return '';
  }
}

/** The one line that says what happened, in words, from the event's details (typed per kind). */
function summary(e: TimelineEvent): string {
  switch (e.kind) {
    case 'kycStatus':
    case 'verificationSubmitted':
      return kycWords(e.detail);
    case 'userStatus':
      return userStatusLabel(e.detail.status);
    case 'poaStatus':
      return explainPoaStatus(e.detail.status) ?? '';
    case 'kycFileStatus':
      return humanize(e.detail.status);
    case 'suspended':
    case 'unsuspended':
      return e.detail.reason ?? '';
    case 'updated':
      return `Changed: ${e.detail.fields.join(', ')}`;
    case 'operationFailed':
      return join(e.detail.operation, e.detail.p100Code, e.detail.message);
    case 'hostedKycStarted':
      return `Session ${e.detail.verificationId}`;
    case 'webhookClaim': {
      const c = e.detail.claim;
      const status = str(c.status);
      if (typeof c.amount === 'number') {
        // A money or card webhook: what moved, and P100's word for where it stands.
        const what = join(
          `${c.amount} ${String(c.currency ?? c.currencyFrom ?? '').toUpperCase()}`,
          str(c.merchant),
          status && humanize(status),
        );
        return [e.detail.event, what, e.detail.note].filter(Boolean).join(' — ');
      }
      const said = join(
        status && userStatusLabel(status),
        explainVerificationStatus(str(c.verificationStatus)),
        explainAttemptStatus(str(c.attemptStatus)),
        explainRejectionReason(str(c.rejectionReason)),
      );
      return [e.detail.event, said, e.detail.note].filter(Boolean).join(' — ');
    }
    case 'cardCreated':
      return `${e.detail.label} · card ending ${e.detail.lastDigits}`;
    case 'cardChanged':
      return `Card ending ${e.detail.lastDigits}: ${CARD_CHANGES[e.detail.change.kind]}`;
    case 'transferred':
      return e.detail.direction === 'fund'
        ? `Funded ${e.detail.amount} ${e.detail.currency.toUpperCase()} from the partner`
        : `Collected ${e.detail.amount} ${e.detail.currency.toUpperCase()} to the partner`;
    case 'exchanged':
      return `Sold ${e.detail.amount} ${e.detail.currencyFrom.toUpperCase()} for ${e.detail.currencyTo.toUpperCase()}`;
    case 'withdrawn':
      return `${e.detail.amount} ${e.detail.currency.toUpperCase()} over ${e.detail.network} to ${e.detail.walletAddress}`;
    case 'travelRuleGiven':
      return `Deposit ${e.detail.cryptoDepositId}: sent by ${e.detail.sender}`;
    case 'cardCodeSent':
      return `${e.detail.purpose === 'threeDs' ? '3-D Secure code' : 'Activation code'} for the card ending ${e.detail.lastDigits} — the partner gives it to the cardholder; the desk never keeps it`;
    case 'noted':
      return e.detail.text;
    case 'tagged':
    case 'untagged':
      return e.detail.tag;
    case 'assigned':
      return e.detail.to ? `To ${e.detail.to}` : 'To nobody';
    case 'tracked':
      return join(
        e.detail.active ? 'balances: active' : 'no balances yet',
        e.detail.kyc ? kycWords(e.detail.kyc) : 'no KYC yet',
      );
    case 'created':
    case 'kycFilesUploaded':
    case 'activated':
    case 'poaUploaded':
    case 'extended':
    case 'deleted':
      return '';
  }
}

const files = (e: TimelineEvent): FileNote[] =>
  e.kind === 'kycFilesUploaded' || e.kind === 'poaUploaded' ? e.detail.files : [];

/**
 * Everything that happened to a user, newest first: the operator's operations, uploads (with
 * the thumbnails seen when picking), webhooks and poll results. Reloads when the record changes.
 */
export function Timeline({ record }: { record: UserRecord }) {
  const backend = useBackend();
  const [events, setEvents] = useState<TimelineEvent[] | null>(null);
  const [error, setError] = useState<CommandError | null>(null);

  useEffect(() => {
    let stale = false;
    backend.call('user_timeline', { externalUserId: record.externalUserId }).then(
      (list) => {
        if (stale) return;
        setEvents(list);
        setError(null);
      },
      (e) => !stale && setError(toCommandError(e)),
    );
    return () => {
      stale = true;
    };
  }, [backend, record.externalUserId, record.updatedAt]);

  return (
    <section class="panel" aria-labelledby="timeline-title" data-testid="timeline">
      <h2 id="timeline-title">Timeline</h2>
      <ErrorBanner error={error} testId="timeline-error" />
      {events === null ? (
        <p class="placeholder">{error ? '' : 'Loading…'}</p>
      ) : (
        <ol class="timeline">
          {[...events].reverse().map((e) => {
            const said = summary(e);
            const raw = codes(e) || undefined;
            const failed = e.kind === 'operationFailed';
            const claim = e.kind === 'webhookClaim' ? CLAIM_BADGES[e.detail.confirmation] : undefined;
            const badge = REMARKS.has(e.kind)
              ? null
              : (claim ?? (failed ? { text: 'failed', tone: 'bad' } : { text: 'ok', tone: 'ok' }));
            return (
              <li key={e.id} class={`event source-${e.source}${failed ? ' failed' : ''}`} data-testid="timeline-event" data-kind={e.kind}>
                <div class="event-head">
                  <strong>{KIND_LABELS[e.kind] ?? e.kind}</strong>
                  {badge && (
                    <span class={`badge ${badge.tone}`} data-testid="event-badge">
                      {badge.text}
                    </span>
                  )}
                  <span class="muted">
                    {claim ? 'webhook from P100' : (SOURCE_LABELS[e.source] ?? e.source)}
                    {/* Never "by" nobody: an operation of a solo desk has no operator's name. */}
                    {e.source === 'operator' ? ` ${e.actor || 'this desk'}` : ''}
                  </span>
                  <When class="muted" iso={e.at} />
                </div>
                {said && (
                  <p class={`event-summary${e.kind === 'noted' ? ' note-text' : ''}`} title={raw} data-codes={raw}>
                    {said}
                  </p>
                )}
                {files(e).length > 0 && (
                  <ul class="event-files">
                    {files(e).map((f, i) => (
                      <li key={i}>
                        {f.thumbnail ? (
                          <img src={f.thumbnail} alt={`Thumbnail of ${f.name ?? 'file'}`} width={64} />
                        ) : (
                          <span class="file-icon" aria-hidden="true">
                            {f.mime === 'application/pdf' ? 'PDF' : 'FILE'}
                          </span>
                        )}
                        <span>
                          {f.side ? `${f.side}: ` : ''}
                          {f.name}
                          {typeof f.size === 'number' ? ` (${formatBytes(f.size)})` : ''}
                        </span>
                      </li>
                    ))}
                  </ul>
                )}
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
