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

const humanize = (status: string) => {
  const s = status.toLowerCase().replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
};

/** Shows P100's status code as is, since operators quote it to P100 support. */
export function StatusBadge({ status }: { status: string }) {
  return (
    <span class={`badge ${TONES[status] ?? 'neutral'}`} title={humanize(status)}>
      {status}
    </span>
  );
}
