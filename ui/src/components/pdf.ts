// pdf.js, loaded only when a PDF is opened in the viewer (it is most of a megabyte, the worker
// more): the roster's first paint does not wait for it. Its worker is a file of the app's own
// bundle, which the CSP's 'self' allows.
import { GlobalWorkerOptions, getDocument } from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';

GlobalWorkerOptions.workerSrc = workerUrl;

/** Opens a PDF from its bytes (never a URL): nothing fetched, no forms run (the CSP refuses eval). */
export function open(data: ArrayBuffer) {
  return getDocument({ data: new Uint8Array(data), enableXfa: false, useSystemFonts: false });
}
