import { useEffect, useState } from 'preact/hooks';
import { toCommandError, useBackend } from '../../api/backend';
import type { CommandError, KeptDocument, UserRecord } from '../../api/bindings';
import { DocumentViewer, type ViewedDocument } from '../../components/DocumentViewer';
import { ErrorBanner } from '../../components/ErrorBanner';
import { TokenPreview } from '../../components/TokenPreview';
import { When } from '../../components/When';

const asViewed = (d: KeptDocument): ViewedDocument => ({
  token: { id: d.id, name: d.name, size: d.size, mime: d.mime, thumbnail: null },
  label: d.label,
});

/**
 * The documents this desktop kept after their upload (Settings → Documents), to open in the
 * viewer — the identity documents with the selfie beside them. Read again whenever the user's
 * record changes (an upload just ended).
 */
export function KeptPanel({ record }: { record: UserRecord }) {
  const backend = useBackend();
  const [kept, setKept] = useState<KeptDocument[] | null>(null);
  const [error, setError] = useState<CommandError | null>(null);
  const [viewing, setViewing] = useState<ViewedDocument[] | null>(null);
  const ext = record.externalUserId;
  const changed = record.updatedAt;

  useEffect(() => {
    let stale = false;
    backend.call('documents_kept', { externalUserId: ext }).then(
      (list) => !stale && setKept(list),
      (e) => !stale && setError(toCommandError(e)),
    );
    return () => {
      stale = true;
    };
  }, [backend, ext, changed]);

  if (!error && (kept === null || kept.length === 0)) return null;
  const selfie = kept?.find((d) => d.label === 'Selfie');
  const open = (d: KeptDocument) =>
    setViewing(d.label !== 'Selfie' && selfie && !d.label.startsWith('Proof') ? [asViewed(d), asViewed(selfie)] : [asViewed(d)]);
  return (
    <section class="panel" aria-labelledby="kept-title" data-testid="kept-documents">
      <h2 id="kept-title">Kept on this desktop</h2>
      <ErrorBanner error={error} testId="kept-error" />
      <ul class="file-list">
        {(kept ?? []).map((d) => (
          <li key={d.id} data-testid="kept-document">
            <span class="kept-label">{d.label}</span>
            <TokenPreview token={asViewed(d).token} onView={() => open(d)} />
            <span class="muted">
              kept <When iso={d.keptAt} />
            </span>
          </li>
        ))}
      </ul>
      {viewing && <DocumentViewer docs={viewing} onClose={() => setViewing(null)} />}
    </section>
  );
}
