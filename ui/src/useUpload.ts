import { useEffect, useRef, useState } from 'preact/hooks';
import { useBackend, type ProgressChannel } from './api/backend';
import { newUploadId } from './ids';

/** How long finished uploads stay on screen at 100 %. */
const COMPLETE_SHOWN_MS = 700;

export interface UploadFileState {
  name: string;
  sent: number;
  total: number;
}

export interface UploadState {
  id: string;
  /** In request order: `UploadProgress.file` indexes this list. */
  files: UploadFileState[];
  cancelling: boolean;
}

/**
 * Runs one upload at a time with per-file progress and Cancel. `send` gets the upload's id and
 * the progress channel to pass to the command.
 */
export function useUpload() {
  const backend = useBackend();
  const [upload, setUpload] = useState<UploadState | null>(null);
  const live = useRef(true);
  useEffect(
    () => () => {
      // The upload goes on in Rust if the operator leaves; its result still reaches the shell.
      live.current = false;
    },
    [],
  );

  const set = (id: string, f: (u: UploadState) => UploadState | null) => {
    if (live.current) setUpload((u) => (u && u.id === id ? f(u) : u));
  };

  async function run<T>(
    files: ReadonlyArray<{ name: string; size: number }>,
    send: (uploadId: string, channel: ProgressChannel) => Promise<T>,
  ): Promise<T> {
    const id = newUploadId();
    setUpload({ id, files: files.map((f) => ({ name: f.name, sent: 0, total: f.size })), cancelling: false });
    const channel = backend.progressChannel((p) =>
      set(id, (u) => ({
        ...u,
        files: u.files.map((f, i) => (i === p.file ? { ...f, sent: p.sent, total: p.total } : f)),
      })),
    );
    let result: T;
    try {
      result = await send(id, channel);
    } catch (e) {
      set(id, () => null);
      throw e;
    }
    // P100's answer proves every byte arrived; the last progress message may still be on its
    // way (the answer can overtake the channel). Show the bars full for a moment, then clear.
    set(id, (u) => ({ ...u, files: u.files.map((f) => ({ ...f, sent: f.total })) }));
    setTimeout(() => set(id, () => null), COMPLETE_SHOWN_MS);
    return result;
  }

  const cancel = async () => {
    if (!upload || upload.cancelling) return;
    const { id } = upload;
    set(id, (u) => ({ ...u, cancelling: true }));
    try {
      // false: it had already finished; the upload's own answer says how.
      await backend.call('upload_cancel', { uploadId: id });
    } catch {
      set(id, (u) => ({ ...u, cancelling: false }));
    }
  };

  return { upload, run, cancel };
}
