import type { Stage } from './api/bindings';

/** Board columns, left to right: the onboarding path, then what sits beside it. */
export const STAGES: Stage[] = [
  'created',
  'identityDocuments',
  'verificationSubmitted',
  'proofOfAddress',
  'active',
  'needsAction',
  'suspended',
  'deleted',
];

export const PATH: Stage[] = STAGES.slice(0, 5);

export const STAGE_LABELS: Record<Stage, string> = {
  created: 'Created',
  identityDocuments: 'Identity documents',
  verificationSubmitted: 'Verification submitted',
  proofOfAddress: 'Proof of address',
  active: 'Active',
  needsAction: 'Needs action',
  suspended: 'Suspended',
  deleted: 'Deleted',
};

/** How long ago, in the largest whole unit: "just now", "5 min", "3 h", "2 d". */
export function sinceText(iso: string, now: number = Date.now()): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < 86400) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} d`;
}

/** A duration in seconds as the funnel shows it: "42 s", "3.5 min", "2.1 h", "4.0 d". */
export function durationText(secs: number | null): string {
  if (secs === null) return '—';
  if (secs < 60) return `${Math.round(secs)} s`;
  if (secs < 3600) return `${(secs / 60).toFixed(1)} min`;
  if (secs < 86400) return `${(secs / 3600).toFixed(1)} h`;
  return `${(secs / 86400).toFixed(1)} d`;
}

