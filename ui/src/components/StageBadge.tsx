import type { Stage } from '../api/bindings';
import { STAGE_LABELS } from '../stages';

const TONE: Record<Stage, string> = {
  created: 'neutral',
  identityDocuments: 'wait',
  verificationSubmitted: 'wait',
  proofOfAddress: 'wait',
  active: 'ok',
  needsAction: 'bad',
  suspended: 'bad',
  deleted: 'deleted',
};

export function StageBadge({ stage }: { stage: Stage }) {
  return (
    <span class={`badge ${TONE[stage]}`} data-stage={stage}>
      {STAGE_LABELS[stage]}
    </span>
  );
}
