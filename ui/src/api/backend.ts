import { invoke } from '@tauri-apps/api/core';
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type {
  CommandError,
  Country,
  CredentialStatus,
  EnvironmentInfo,
  EnvironmentKind,
  JournalEntry,
  KeyTest,
  NewUser,
  UserRecord,
} from './bindings';

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
  journalRecent(limit?: number): Promise<JournalEntry[]>;
  countriesList(): Promise<Country[]>;
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
  journalRecent: (limit) => call('journal_recent', { limit: limit ?? null }),
  countriesList: () => call('countries_list'),
};

/** Screens take the backend from here, so unit tests can render the app over a fake. */
export const BackendContext = createContext<Backend>(tauriBackend);

export const useBackend = (): Backend => useContext(BackendContext);
