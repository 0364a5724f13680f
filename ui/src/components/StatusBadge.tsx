import { Coded } from './Coded';
import { userStatusLabel } from '../labels';

// P100's vocabulary; anything else shows neutral rather than guessing.
const TONES: Record<string, 'ok' | 'wait' | 'bad'> = {
  ACTIVE: 'ok',
  WAITING_FOR_ACTIVATION: 'wait',
  PENDING: 'wait',
  BLOCKED: 'bad',
  REJECTED: 'bad',
  CLOSED: 'bad',
  SUSPENDED: 'bad',
  DELETED: 'bad',
};

/** A user's status in words; P100's code (what operators quote to P100 support) in the tooltip. */
export function StatusBadge({ status }: { status: string }) {
  return <Coded code={status} words={userStatusLabel(status)} tone={TONES[status] ?? 'neutral'} />;
}
