import { useEffect, useRef, useState } from 'preact/hooks';
import { toCommandError, useBackend } from '../api/backend';
import type { CommandError, DocumentToken } from '../api/bindings';
import { Dialog } from './Dialog';
import { ErrorBanner } from './ErrorBanner';

/** A document the viewer shows, with what it is to this user ("Front", "Selfie", …). */
export interface ViewedDocument {
  token: DocumentToken;
  label: string;
}

const ZOOMS = [0.5, 0.75, 1, 1.25, 1.5, 2, 3, 4];
const FIT = ZOOMS.indexOf(1);
/** Pages drawn at most: a proof of address is a page or three; a 500-page PDF is not read whole. */
export const MAX_PAGES = 20;

/**
 * Documents at full size, side by side (the selfie beside the ID): each with zoom, rotation
 * and, for a PDF, its pages drawn by pdf.js. The bytes come from Rust by token (`document_bytes`,
 * the file checked again), never from a path; an image's EXIF orientation is honoured.
 */
export function DocumentViewer({ docs, onClose }: { docs: ViewedDocument[]; onClose: () => void }) {
  const title = docs.map((d) => d.label).join(' beside ');
  return (
    <Dialog labelledBy="viewer-title" onClose={onClose} modal testId="document-viewer" class="viewer">
      <div class="viewer-head">
        <h2 id="viewer-title">{title}</h2>
        <button type="button" class="secondary" data-testid="viewer-close" onClick={onClose}>
          Close
        </button>
      </div>
      <div class={`viewer-panes count-${docs.length}`}>
        {docs.map((d) => (
          <Pane key={d.token.id} doc={d} />
        ))}
      </div>
    </Dialog>
  );
}

function Pane({ doc }: { doc: ViewedDocument }) {
  const backend = useBackend();
  const [bytes, setBytes] = useState<ArrayBuffer | null>(null);
  const [error, setError] = useState<CommandError | null>(null);
  const [zoom, setZoom] = useState(FIT);
  const [turns, setTurns] = useState(0);
  const id = doc.token.id;

  useEffect(() => {
    let stale = false;
    backend.call('document_bytes', { token: id }).then(
      (b) => !stale && setBytes(b),
      (e) => !stale && setError(toCommandError(e)),
    );
    return () => {
      stale = true;
    };
  }, [backend, id]);

  const scale = ZOOMS[zoom];
  const degrees = (turns % 4) * 90;
  const pdf = doc.token.mime === 'application/pdf';
  const name = `${doc.label}: ${doc.token.name}`;
  return (
    <section class="viewer-pane" aria-label={name} data-testid="viewer-pane" data-zoom={scale} data-rotation={degrees}>
      <div class="viewer-tools" role="toolbar" aria-label={`${doc.label} view`}>
        <span class="viewer-name" title={doc.token.name}>
          {name}
        </span>
        <button type="button" class="secondary small" data-testid="viewer-zoom-out" disabled={zoom === 0} onClick={() => setZoom(zoom - 1)} aria-label="Zoom out">
          −
        </button>
        <span class="viewer-zoom" aria-live="polite">
          {zoom === FIT ? 'Fit' : `${Math.round(scale * 100)} %`}
        </span>
        <button type="button" class="secondary small" data-testid="viewer-zoom-in" disabled={zoom === ZOOMS.length - 1} onClick={() => setZoom(zoom + 1)} aria-label="Zoom in">
          +
        </button>
        <button type="button" class="secondary small" data-testid="viewer-fit" onClick={() => setZoom(FIT)}>
          Fit
        </button>
        <button type="button" class="secondary small" data-testid="viewer-rotate" onClick={() => setTurns(turns + 1)}>
          Rotate
        </button>
      </div>
      <ErrorBanner error={error} testId="viewer-error" />
      {/* Focusable, so the arrow keys scroll a zoomed document. */}
      <div class="viewer-canvas" role="region" aria-label={`${doc.label}, full size`} tabIndex={0}>
        {bytes === null ? (
          !error && <p class="placeholder">Opening {doc.token.name}…</p>
        ) : pdf ? (
          <PdfPages bytes={bytes} scale={scale} degrees={degrees} name={doc.token.name} />
        ) : (
          <ImageView bytes={bytes} mime={doc.token.mime} scale={zoom === FIT ? null : scale} degrees={degrees} name={name} />
        )}
      </div>
    </section>
  );
}

/** `scale` null: the whole image fits the pane; else its width is that share of the pane's. */
function ImageView({ bytes, mime, scale, degrees, name }: { bytes: ArrayBuffer; mime: string; scale: number | null; degrees: number; name: string }) {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    const made = URL.createObjectURL(new Blob([bytes], { type: mime }));
    setUrl(made);
    return () => URL.revokeObjectURL(made);
  }, [bytes, mime]);
  if (!url) return null;
  // A quarter turn swaps the sides: the width that fits is then the image's height.
  const sideways = degrees % 180 !== 0;
  return (
    <div
      class={`viewer-image${sideways ? ' sideways' : ''}${scale === null ? ' fit' : ''}`}
      style={scale === null ? undefined : { width: `${scale * 100}%` }}
    >
      <img src={url} alt={name} data-testid="viewer-image" style={{ transform: `rotate(${degrees}deg)` }} />
    </div>
  );
}

type PdfState = { pages: number; shown: number } | { error: string };

function PdfPages({ bytes, scale, degrees, name }: { bytes: ArrayBuffer; scale: number; degrees: number; name: string }) {
  const host = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<PdfState | null>(null);

  useEffect(() => {
    let stale = false;
    let destroy: (() => void) | null = null;
    (async () => {
      try {
        const pdfjs = await import('./pdf');
        // pdf.js hands its buffer to its worker: a copy, so the next draw (zoom, rotate) has one.
        const task = pdfjs.open(bytes.slice(0));
        destroy = () => void task.destroy();
        const doc = await task.promise;
        const shown = Math.min(doc.numPages, MAX_PAGES);
        const canvases: HTMLCanvasElement[] = [];
        for (let n = 1; n <= shown && !stale; n++) {
          const page = await doc.getPage(n);
          // The canvas is drawn at the screen's pixel density, shown at CSS size.
          const density = window.devicePixelRatio || 1;
          const viewport = page.getViewport({ scale: scale * density * 1.5, rotation: degrees });
          const canvas = document.createElement('canvas');
          canvas.width = Math.ceil(viewport.width);
          canvas.height = Math.ceil(viewport.height);
          canvas.style.width = `${Math.ceil(viewport.width / density)}px`;
          canvas.setAttribute('role', 'img');
          canvas.setAttribute('aria-label', `${name}, page ${n} of ${doc.numPages}`);
          canvas.dataset.testid = 'viewer-page';
          await page.render({ canvas, viewport }).promise;
          canvases.push(canvas);
        }
        if (stale) return;
        host.current?.replaceChildren(...canvases);
        setState({ pages: doc.numPages, shown });
      } catch (e) {
        if (!stale) setState({ error: e instanceof Error ? e.message : String(e) });
      }
    })();
    return () => {
      stale = true;
      destroy?.();
    };
  }, [bytes, scale, degrees, name]);

  return (
    <>
      {state && 'error' in state && (
        <p class="field-error" data-testid="viewer-error">
          This PDF could not be drawn: {state.error}
        </p>
      )}
      {state && 'pages' in state && state.pages > state.shown && (
        <p class="note">
          The first {state.shown} of {state.pages} pages are shown.
        </p>
      )}
      <div class="viewer-pdf" ref={host} />
    </>
  );
}
