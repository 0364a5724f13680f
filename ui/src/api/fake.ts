// An in-memory Backend for the UI unit tests ONLY: jsdom has no Tauri runtime, so `invoke` cannot
// reach Rust there. It is never bundled into the app. Its checks are a stand-in for the Rust
// validation (the single source of truth), just enough to exercise how errors are displayed.
import type { Backend } from './backend';
import type {
  CommandError,
  Country,
  CredentialStatus,
  EnvironmentInfo,
  EnvironmentKind,
  FieldError,
  NewUser,
  UserRecord,
} from './bindings';

const LABELS: Record<EnvironmentKind, string> = {
  sandbox: 'Sandbox',
  staging: 'Staging',
  production: 'Production',
  custom: 'Custom',
};
const KINDS = Object.keys(LABELS) as EnvironmentKind[];
const BASE_URLS: Record<EnvironmentKind, string | null> = {
  sandbox: 'http://127.0.0.1:4100',
  staging: 'https://staging.p100.example',
  production: 'https://api.p100.example',
  custom: null,
};
const REQUIRED = ['email', 'firstName', 'lastName', 'country', 'citizenship'] as const;

const COUNTRIES: Country[] = [
  { code: 'DE', name: 'Germany' },
  { code: 'GB', name: 'United Kingdom' },
  { code: 'PL', name: 'Poland' },
];

function fail(code: string, message: string, fields: FieldError[] = []): CommandError {
  return {
    code,
    message,
    field: fields.find((f) => f.field !== '')?.field ?? null,
    fields,
    p100Code: null,
    retryAfterSecs: null,
  };
}

export interface FakeBackend extends Backend {
  /** What the UI sent, so tests can check the wire shape (e.g. empty fields omitted). */
  readonly calls: { userCreate: NewUser[]; credentialsSet: Array<[EnvironmentKind, string]> };
}

export function createFakeBackend(
  init: { kind?: EnvironmentKind; users?: UserRecord[]; keys?: EnvironmentKind[] } = {},
): FakeBackend {
  let kind: EnvironmentKind = init.kind ?? 'sandbox';
  let customUrl: string | null = null;
  const keys = new Map<EnvironmentKind, string>((init.keys ?? []).map((k) => [k, 'preset']));
  const users: UserRecord[] = [...(init.users ?? [])];
  const calls: FakeBackend['calls'] = { userCreate: [], credentialsSet: [] };
  let nextId = 1;

  const info = (): EnvironmentInfo => ({
    kind,
    label: LABELS[kind],
    baseUrl: kind === 'custom' ? customUrl : BASE_URLS[kind],
    customUrl,
    needsKey: kind !== 'sandbox',
    keySet: keys.has(kind),
    isProduction: kind === 'production',
  });
  const status = (k: EnvironmentKind): CredentialStatus => ({
    kind: k,
    label: LABELS[k],
    needsKey: k !== 'sandbox',
    keySet: keys.has(k),
  });

  return {
    calls,
    async environmentGet() {
      return info();
    },
    async environmentSelect(next, url) {
      const trimmed = url?.trim() || null;
      if (trimmed && !/^https?:\/\/\S+$/.test(trimmed)) {
        throw fail('invalid', 'The custom URL must start with http:// or https://');
      }
      if (next === 'custom' && !trimmed && !customUrl) {
        throw fail('invalid', 'Enter the base URL of the Custom environment');
      }
      if (trimmed) customUrl = trimmed;
      kind = next;
      return info();
    },
    async credentialsList() {
      return KINDS.map(status);
    },
    async credentialsSet(k, apiKey) {
      calls.credentialsSet.push([k, apiKey]);
      if (!apiKey.trim()) throw fail('invalid', 'The API key is empty');
      keys.set(k, apiKey);
      return null;
    },
    async credentialsRemove(k) {
      return keys.delete(k);
    },
    async credentialsTest(k) {
      if (!keys.has(k)) throw fail('noApiKey', `No API key is set for ${LABELS[k]}`);
      return keys.get(k) === 'bad'
        ? { ok: false, message: `${LABELS[k]} refused the key` }
        : { ok: true, message: `${LABELS[k]} accepted the key` };
    },
    async usersList() {
      return users.filter((u) => u.environment === kind);
    },
    async userCreate(form) {
      calls.userCreate.push(form);
      const fields: FieldError[] = [];
      if (!form.hasAcceptedP100Tc) {
        fields.push({ field: 'hasAcceptedP100Tc', message: 'hasAcceptedP100Tc must be true' });
      }
      for (const f of REQUIRED) {
        if (!form[f]?.trim()) fields.push({ field: f, message: `${f} should not be empty` });
      }
      if (fields.length > 0) throw fail('invalid', 'Some fields need attention', fields);
      const now = new Date().toISOString();
      const record: UserRecord = {
        environment: kind,
        externalUserId: `pd-${String(nextId++).padStart(6, '0')}`,
        userId: null,
        email: form.email ?? null,
        firstName: form.firstName ?? null,
        lastName: form.lastName ?? null,
        country: form.country ?? null,
        citizenship: form.citizenship ?? null,
        status: 'WAITING_FOR_ACTIVATION',
        poaRequiredForExtended: false,
        extended: false,
        kycMethod: null,
        verificationId: null,
        verificationStatus: null,
        attemptStatus: null,
        rejectionReason: null,
        poaStatus: null,
        deletedAt: null,
        createdAt: now,
        updatedAt: now,
      };
      users.unshift(record);
      return record;
    },
    async journalRecent() {
      return [];
    },
    async countriesList() {
      return COUNTRIES;
    },
  };
}
