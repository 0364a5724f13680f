import { formatDate } from '../format';

/** A moment in the OS locale's words, the ISO timestamp in its tooltip (and for machines). */
export function When({ iso, class: className }: { iso: string; class?: string }) {
  return (
    <time class={className} dateTime={iso} title={iso}>
      {formatDate(iso)}
    </time>
  );
}
