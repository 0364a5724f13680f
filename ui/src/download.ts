/** Saves text as a file through a temporary object URL and an `<a download>` click. */
export function downloadText(fileName: string, text: string, mime: string): void {
  // The BOM lets spreadsheet programs read the file as UTF-8.
  const blob = new Blob(['\uFEFF', text], { type: mime });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.hidden = true;
  document.body.appendChild(a);
  try {
    a.click();
  } finally {
    a.remove();
    // Revoked after the click has been handled, not before the download starts.
    setTimeout(() => URL.revokeObjectURL(url), 0);
  }
}
