/**
 * A random id for an upload, so that Cancel can name it. `crypto.getRandomValues` works in any
 * context (randomUUID needs a secure one, which a custom-protocol webview may not count as).
 */
export function newUploadId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `upload-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
