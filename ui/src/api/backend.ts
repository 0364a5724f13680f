import { Channel, invoke } from '@tauri-apps/api/core';
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type {
  Admitted,
  CommandError,
  Country,
  CredentialStatus,
  DocumentType,
  EnvironmentInfo,
  EnvironmentKind,
  Funnel,
  GeneratedToken,
  HostedKycForm,
  HostedKycSession,
  JournalEntry,
  JournalFilter,
  KeyTest,
  KycFileRef,
  NewUser,
  OpenOperation,
  PageEvent,
  RetryEvent,
  SyncStatus,
  TimelineEvent,
  TransactionPage,
  TransactionQuery,
  UploadProgress,
  UserBalances,
  UserProfile,
  UserRecord,
  VerificationForm,
} from './bindings';

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
export interface ProgressChannel {
  onmessage: (progress: UploadProgress) => void;
}

export interface KycUploadRequest {
  /** Chosen by the UI, so that Cancel can name the upload while it runs. */
  uploadId: string;
  externalUserId: string;
  documentType: DocumentType;
  files: KycFileRef[];
}

export interface PoaUploadRequest {
  uploadId: string;
  externalUserId: string;
  /** Every file goes in one request (P100's field `files`), at most three. */
  tokens: string[];
}

/** One typed method per Tauri command; every method rejects with a {@link CommandError}. */
export interface Backend {
  environmentGet(): Promise<EnvironmentInfo>;
  environmentSelect(kind: EnvironmentKind, customUrl?: string | null): Promise<EnvironmentInfo>;
  credentialsList(): Promise<CredentialStatus[]>;
  /** Write-only: no command ever hands a key back. */
  credentialsSet(kind: EnvironmentKind, apiKey: string): Promise<null>;
  credentialsRemove(kind: EnvironmentKind): Promise<boolean>;
  credentialsTest(kind: EnvironmentKind): Promise<KeyTest>;
  usersList(): Promise<UserRecord[]>;
  userCreate(form: NewUser): Promise<UserRecord>;
  /** Sends the whole edited profile; Rust sends P100 only the fields that changed. */
  userUpdate(externalUserId: string, profile: UserProfile): Promise<UserRecord>;
  /** `confirmation` is what the operator typed: the user's e-mail or externalUserId. */
  userDelete(externalUserId: string, confirmation: string): Promise<UserRecord>;
  userSuspend(externalUserId: string, reason: string): Promise<UserRecord>;
  userUnsuspend(externalUserId: string, reason: string): Promise<UserRecord>;
  userExtend(externalUserId: string): Promise<UserRecord>;
  userVerify(externalUserId: string, form: VerificationForm): Promise<UserRecord>;
  userBalances(externalUserId: string): Promise<UserBalances>;
  userTransactions(externalUserId: string, query: TransactionQuery): Promise<TransactionPage>;
  journalRecent(limit?: number): Promise<JournalEntry[]>;
  journalQuery(filter: JournalFilter): Promise<JournalEntry[]>;
  userTimeline(externalUserId: string): Promise<TimelineEvent[]>;
  /** `environment` null: the selected one; `from` null: all time. */
  funnelGet(environment: EnvironmentKind | null, from: string | null): Promise<Funnel>;
  syncStatus(): Promise<SyncStatus>;
  /** Write-only, like API keys. */
  webhookTokenSet(kind: EnvironmentKind, token: string): Promise<SyncStatus>;
  webhookTokenRemove(kind: EnvironmentKind): Promise<SyncStatus>;
  /** A new random token, put on the OS clipboard by Rust; the page learns its fingerprint only. */
  webhookTokenGenerate(kind: EnvironmentKind): Promise<GeneratedToken>;
  webhookPortSet(port: number): Promise<SyncStatus>;
  /** Stops a running operation's retry wait; `false` when it is not waiting any more. */
  operationCancel(operationId: string): Promise<boolean>;
  /** Operations left open (a crash, a lost answer, a cancelled retry), oldest first. */
  operationsOpen(): Promise<OpenOperation[]>;
  /** Sends an open operation again, as stored. */
  operationRetry(operationId: string): Promise<UserRecord>;
  /** Closes an open operation by the operator's word. */
  operationResolve(operationId: string, happened: boolean): Promise<null>;
  countriesList(): Promise<Country[]>;
  /** Native save dialog; the file name saved to, or null when the operator cancelled. */
  exportSaveCsv(fileName: string, csv: string): Promise<string | null>;
  kycHostedStart(externalUserId: string, form: HostedKycForm): Promise<HostedKycSession>;
  /** Rust opens the hosted page in the system browser; the webview never navigates to it. */
  kycHostedOpen(externalUserId: string): Promise<null>;
  kycRefresh(externalUserId: string): Promise<UserRecord>;
  /** The native file dialog; the webview only ever gets tokens, never paths. */
  documentsPick(multiple: boolean): Promise<Admitted>;
  /** Rejects with code `cancelled` when {@link Backend.uploadCancel} stopped it. */
  kycUpload(request: KycUploadRequest, onProgress: ProgressChannel): Promise<UserRecord>;
  poaUpload(request: PoaUploadRequest, onProgress: ProgressChannel): Promise<UserRecord>;
  /** `false` when no upload of that id was running (already finished). */
  uploadCancel(uploadId: string): Promise<boolean>;
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

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw toCommandError(e);
  }
}

export const tauriBackend: Backend = {
  environmentGet: () => call('environment_get'),
  environmentSelect: (kind, customUrl) =>
    call('environment_select', { kind, customUrl: customUrl ?? null }),
  credentialsList: () => call('credentials_list'),
  credentialsSet: (kind, apiKey) => call('credentials_set', { kind, apiKey }),
  credentialsRemove: (kind) => call('credentials_remove', { kind }),
  credentialsTest: (kind) => call('credentials_test', { kind }),
  usersList: () => call('users_list'),
  userCreate: (form) => call('user_create', { form }),
  userUpdate: (externalUserId, profile) => call('user_update', { externalUserId, profile }),
  userDelete: (externalUserId, confirmation) => call('user_delete', { externalUserId, confirmation }),
  userSuspend: (externalUserId, reason) => call('user_suspend', { externalUserId, reason }),
  userUnsuspend: (externalUserId, reason) => call('user_unsuspend', { externalUserId, reason }),
  userExtend: (externalUserId) => call('user_extend', { externalUserId }),
  userVerify: (externalUserId, form) => call('user_verify', { externalUserId, form }),
  userBalances: (externalUserId) => call('user_balances', { externalUserId }),
  userTransactions: (externalUserId, query) => call('user_transactions', { externalUserId, query }),
  journalRecent: (limit) => call('journal_recent', { limit: limit ?? null }),
  journalQuery: (filter) => call('journal_query', { filter }),
  userTimeline: (externalUserId) => call('user_timeline', { externalUserId }),
  funnelGet: (environment, from) => call('funnel_get', { environment, from }),
  syncStatus: () => call('sync_status'),
  webhookTokenSet: (kind, token) => call('webhook_token_set', { kind, token }),
  webhookTokenRemove: (kind) => call('webhook_token_remove', { kind }),
  webhookTokenGenerate: (kind) => call('webhook_token_generate', { kind }),
  webhookPortSet: (port) => call('webhook_port_set', { port }),
  operationCancel: (operationId) => call('operation_cancel', { operationId }),
  operationsOpen: () => call('operations_open'),
  operationRetry: (operationId) => call('operation_retry', { operationId }),
  operationResolve: (operationId, happened) => call('operation_resolve', { operationId, happened }),
  countriesList: () => call('countries_list'),
  exportSaveCsv: (fileName, csv) => call('export_save_csv', { fileName, csv }),
  kycHostedStart: (externalUserId, form) => call('kyc_hosted_start', { externalUserId, form }),
  kycHostedOpen: (externalUserId) => call('kyc_hosted_open', { externalUserId }),
  kycRefresh: (externalUserId) => call('kyc_refresh', { externalUserId }),
  documentsPick: (multiple) => call('documents_pick', { multiple }),
  kycUpload: (request, onProgress) => call('kyc_upload', { ...request, onProgress }),
  poaUpload: (request, onProgress) => call('poa_upload', { ...request, onProgress }),
  uploadCancel: (uploadId) => call('upload_cancel', { uploadId }),
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
