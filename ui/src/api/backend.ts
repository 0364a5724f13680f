import { Channel, invoke } from '@tauri-apps/api/core';
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Admitted, CommandError, PageEvent, RetryEvent, UploadProgress, UserRecord } from './bindings';
import type { Channel as CommandChannel, CommandAnswer, CommandArgs, CommandName } from './commands';

/**
 * What Rust tells the page unasked comes over one channel the page opens (`events_subscribe`):
 * the page may not listen to Tauri's events at all (their drag-and-drop ones carry file paths).
 * Handlers are kept here by kind; the channel is opened with the first one.
 */
type PageData<K extends PageEvent['kind']> = Extract<PageEvent, { kind: K }>['data'];
const pageHandlers: Record<PageEvent['kind'], Set<(data: unknown) => void>> = {
  documentsDropped: new Set(),
  rosterChanged: new Set(),
  operationRetrying: new Set(),
};
let pageChannel: Promise<void> | null = null;

function onPageEvent<K extends PageEvent['kind']>(kind: K, handler: (data: PageData<K>) => void): Promise<() => void> {
  // Each set holds only handlers of its kind, so the data it passes is of that kind.
  const h = handler as (data: unknown) => void;
  pageHandlers[kind].add(h);
  pageChannel ??= (async () => {
    const channel = new Channel<PageEvent>();
    channel.onmessage = (event) => {
      for (const each of pageHandlers[event.kind]) each(event.data);
    };
    await invoke('events_subscribe', { onEvent: channel });
  })();
  return pageChannel.then(() => () => void pageHandlers[kind].delete(h));
}

/**
 * Where an upload reports its progress. In the app it is a Tauri `Channel` (Rust calls
 * `onmessage` for every chunk sent); the unit tests' fake takes any object with `onmessage`.
 */
export type ProgressChannel = CommandChannel<UploadProgress>;

/**
 * A command's arguments as `call` takes them: none for a command without arguments
 * (`backend.call('users_list')`), otherwise one object with the names the Rust command expects.
 */
export type ArgsOf<K extends CommandName> = keyof CommandArgs<K> extends never ? [] : [CommandArgs<K>];

/**
 * The commands come from `commands.ts` (generated from the Rust list): one typed `call` reaches
 * each of them, so a new command needs no change here.
 */
export interface Backend {
  /** Invokes a Tauri command by name; rejects with a {@link CommandError}. */
  call<K extends CommandName>(command: K, ...args: ArgsOf<K>): Promise<CommandAnswer<K>>;
  /** A channel to hand to an upload; `onmessage` is called with each progress report. */
  progressChannel(onmessage: (progress: UploadProgress) => void): ProgressChannel;
  /** Calls `handler` for every drop of files on the window; resolves to the unsubscribe function. */
  onDocumentsDropped(handler: (admitted: Admitted) => void): Promise<() => void>;
  /** Calls `handler` with each row live sync changed (`null`: reload); resolves to the unsubscribe. */
  onRosterChanged(handler: (record: UserRecord | null) => void): Promise<() => void>;
  /** Calls `handler` with each retry wait; resolves to the unsubscribe function. */
  onOperationRetrying(handler: (event: RetryEvent) => void): Promise<() => void>;
}

function isCommandError(e: unknown): e is CommandError {
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof (e as CommandError).code === 'string' &&
    typeof (e as CommandError).message === 'string'
  );
}

/**
 * Tauri itself rejects with a bare string (unknown command, denied permission), and a test double
 * may throw an Error; screens only ever deal with the CommandError shape.
 */
export function toCommandError(e: unknown): CommandError {
  if (isCommandError(e)) {
    return {
      code: e.code,
      message: e.message,
      field: e.field ?? null,
      fields: Array.isArray(e.fields) ? e.fields : [],
      p100Code: e.p100Code ?? null,
      retryAfterSecs: e.retryAfterSecs ?? null,
    };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'internal', message, field: null, fields: [], p100Code: null, retryAfterSecs: null };
}

export const tauriBackend: Backend = {
  async call(command, ...args) {
    try {
      return await invoke(command, args[0] ?? {});
    } catch (e) {
      throw toCommandError(e);
    }
  },
  progressChannel: (onmessage) => {
    const channel = new Channel<UploadProgress>();
    channel.onmessage = onmessage;
    return channel;
  },
  onDocumentsDropped: (handler) => onPageEvent('documentsDropped', handler),
  onRosterChanged: (handler) => onPageEvent('rosterChanged', handler),
  onOperationRetrying: (handler) => onPageEvent('operationRetrying', handler),
};

/** Screens take the backend from here, so unit tests can render the app over a fake. */
export const BackendContext = createContext<Backend>(tauriBackend);

export const useBackend = (): Backend => useContext(BackendContext);
