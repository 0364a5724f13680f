// An in-memory Backend for the UI unit tests ONLY: jsdom has no Tauri runtime, so `invoke` cannot
// reach Rust there, a real `Channel` cannot be created (it registers a callback with the Tauri
// IPC), and `listen` has no event bus. It is never bundled into the app. Its checks are a stand-in
// for the Rust validation (the single source of truth), just enough to exercise how errors are
// displayed.
import type { ArgsOf, Backend, ProgressChannel } from './backend';
import type {
  Admitted,
  CardStatus,
  CommandError,
  Country,
  CredentialStatus,
  DocumentToken,
  EnvironmentInfo,
  EnvironmentKind,
  FieldError,
  JournalEntry,
  KycFileSide,
  OpenOperation,
  PickedCsv,
  RetryEvent,
  Stage,
  Tag,
  TeamStatus,
  TimelineEvent,
  TrackOutcome,
  Transaction,
  UserBalances,
  ExchangeDetails,
  UserRecord,
} from './bindings';
import type { Channel, CommandAnswer, CommandArgs, CommandName } from './commands';
import { FAKE_OPERATOR, answerBoard, answerFacets, answerRoster } from './fakeRoster';
import { fakeImportHandlers } from './fakeImport';

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
const SOLO: TeamStatus = {
  hubUrl: null,
  connected: false,
  operator: null,
  role: null,
  environment: null,
  problem: null,
};
const PATH: Stage[] = ['created', 'identityDocuments', 'verificationSubmitted', 'proofOfAddress', 'active'];
const REQUIRED = ['email', 'firstName', 'lastName', 'country', 'citizenship'] as const;

const COUNTRIES: Country[] = [
  { code: 'DE', name: 'Germany' },
  { code: 'GB', name: 'United Kingdom' },
  { code: 'PL', name: 'Poland' },
];

/** Sides Method A takes per document type, as in `DocumentType::required_sides`. */
const SIDES: Record<string, KycFileSide[]> = {
  ID_CARD: ['front', 'back', 'selfie'],
  RESIDENCE_PERMIT: ['front', 'back', 'selfie'],
  PASSPORT: ['front', 'selfie'],
};

function fail(
  code: string,
  message: string,
  fields: FieldError[] = [],
  p100Code: string | null = null,
): CommandError {
  return {
    code,
    message,
    field: fields.find((f) => f.field !== '')?.field ?? null,
    fields,
    p100Code,
    retryAfterSecs: null,
  };
}

const invalid = (fields: FieldError[]) => fail('invalid', 'Some fields need attention', fields);

/** A complete record with sensible defaults, for tests to start from. */
export function fakeUser(overrides: Partial<UserRecord> = {}): UserRecord {
  const base: Omit<UserRecord, 'profile'> = {
    environment: 'sandbox',
    externalUserId: 'ext-1',
    userId: 'u-1',
    email: 'ada@example.com',
    firstName: 'Ada',
    lastName: 'Lovelace',
    country: 'PL',
    citizenship: 'PL',
    status: 'ACTIVE',
    poaRequiredForExtended: false,
    extended: false,
    kycMethod: null,
    verificationId: null,
    verificationStatus: null,
    attemptStatus: null,
    rejectionReason: null,
    poaStatus: null,
    deletedAt: null,
    createdAt: '2025-01-02T03:04:05Z',
    updatedAt: '2025-01-02T03:04:05Z',
    stage: 'active',
    stageSince: '2025-01-02T03:04:05Z',
    nextAction: null,
    assignee: null,
    tags: [],
    notes: 0,
    ...overrides,
  };
  // The profile as the desk keeps it follows the record's own columns unless a test sets one.
  const profile = overrides.profile ?? {
    email: base.email ?? undefined,
    firstName: base.firstName ?? undefined,
    lastName: base.lastName ?? undefined,
    country: base.country ?? undefined,
    citizenship: base.citizenship ?? undefined,
  };
  return { ...base, profile };
}

let tokenSeq = 0;

/** A token as Rust's admission would make it (JPEG with a thumbnail, or a PDF with pages). */
export function fakeToken(name: string, overrides: Partial<DocumentToken> = {}): DocumentToken {
  const pdf = name.toLowerCase().endsWith('.pdf');
  return {
    id: `tok-${++tokenSeq}`,
    name,
    size: 2048,
    mime: pdf ? 'application/pdf' : 'image/jpeg',
    thumbnail: pdf ? null : 'data:image/png;base64,iVBORw0KGgo=',
    ...overrides,
  };
}

export interface FakeOptions {
  kind?: EnvironmentKind;
  users?: UserRecord[];
  keys?: EnvironmentKind[];
  balances?: Record<string, UserBalances>;
  transactions?: Record<string, Transaction[]>;
  /** externalUserIds whose users have active cards: suspending them answers P454. */
  activeCards?: string[];
  /** Uploads report half their bytes, then wait for `releaseUploads()` or a cancel. */
  holdUploads?: boolean;
  journal?: JournalEntry[];
  timelines?: Record<string, TimelineEvent[]>;
  openOperations?: OpenOperation[];
  /** Files the import dialog's "Choose a CSV file…" picks, in order. */
  csvFiles?: PickedCsv[];
}

/** What happened, without when and by whom: one kind of a timeline event and its details. */
type EventOf<T> = T extends unknown ? Omit<T, 'id' | 'at' | 'source' | 'actor'> : never;

interface HeldUpload {
  finish: () => void;
  cancel: () => void;
}

/** The commands the fake answers, each taking its arguments as the Rust command does. */
type Handlers = { [K in CommandName]?: (args: CommandArgs<K>) => Promise<CommandAnswer<K>> };

/** A command's arguments as the fake records them: channels (`onProgress`) left out. */
export type Recorded<K extends CommandName> = {
  [P in keyof CommandArgs<K> as CommandArgs<K>[P] extends Channel<never> ? never : P]: CommandArgs<K>[P];
};

const isChannel = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && typeof (value as { onmessage?: unknown }).onmessage === 'function';

const withoutChannels = (args: object): Record<string, unknown> =>
  Object.fromEntries(Object.entries(args).filter(([, value]) => !isChannel(value)));

export interface FakeBackend extends Backend {
  /**
   * Every command the UI called, in order, with its arguments (channels left out), so tests can
   * check the wire shape (e.g. empty fields omitted).
   */
  readonly calls: Array<{ command: CommandName; args: Record<string, unknown> }>;
  /** The arguments of every call of `command`, in order (channels left out). */
  argsOf<K extends CommandName>(command: K): Array<Recorded<K>>;
  /** Simulates Rust emitting `documents-dropped`. */
  drop(admitted: Admitted): void;
  /** What the next `documents_pick` answers (otherwise one new JPEG). */
  queuePick(admitted: Admitted): void;
  /** Completes every held upload: the rest of the progress, then the answer. */
  releaseUploads(): void;
  /** Simulates live sync changing a user (Rust emitting `roster-changed`). */
  syncChange(externalUserId: string, patch: Partial<UserRecord>): UserRecord;
  /** Simulates Rust emitting `operation-retrying`. */
  retrying(event: RetryEvent): void;
}

export function createFakeBackend(init: FakeOptions = {}): FakeBackend {
  let kind: EnvironmentKind = init.kind ?? 'sandbox';
  let customUrl: string | null = null;
  const keys = new Map<EnvironmentKind, string>((init.keys ?? []).map((k) => [k, 'preset']));
  const users: UserRecord[] = [...(init.users ?? [])];
  const calls: FakeBackend['calls'] = [];
  const dropHandlers = new Set<(a: Admitted) => void>();
  const rosterHandlers = new Set<(r: UserRecord | null) => void>();
  const retryHandlers = new Set<(r: RetryEvent) => void>();
  let openOps: OpenOperation[] = init.openOperations ?? [];
  let keepDays: number | null = null;
  let team: TeamStatus = SOLO;
  const journal: JournalEntry[] = init.journal ?? [];
  const timelines: Record<string, TimelineEvent[]> = init.timelines ?? {};
  const picks: Admitted[] = [];
  const tokens = new Map<string, DocumentToken>();
  const held = new Map<string, HeldUpload>();
  let nextId = 1;
  let nextVerification = 1;

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

  const tags: Tag[] = [];
  /** Each user's cards, as the fake's P100 keeps them (numbers included). */
  const cards: Record<string, Array<{ cardId: string; status: CardStatus; label: string; cardNumber: string; cvv: string; exp: string }>> = {};
  const card = (ext: string, cardId: string) => {
    find(ext);
    const c = cards[ext]?.find((x) => x.cardId === cardId && x.status !== 'DELETED');
    if (!c) throw fail('p100', 'P100 does not know this card for this user, or it was deleted (P434).', [], 'P434');
    return c;
  };
  /** An operator's event on the user's timeline, by the fake's operator, now. */
  const note = (ext: string, event: EventOf<TimelineEvent>) => {
    const at = new Date().toISOString();
    (timelines[ext] ??= []).push({ id: nextId++, at, source: 'operator', actor: FAKE_OPERATOR, ...event } as TimelineEvent);
  };
  const find = (ext: string): number => {
    const i = users.findIndex((u) => u.externalUserId === ext && u.environment === kind);
    if (i < 0) throw fail('invalid', `No user ${ext} in ${LABELS[kind]}`);
    return i;
  };
  const change = (ext: string, patch: Partial<UserRecord>): UserRecord => {
    const i = find(ext);
    const next = { ...users[i], ...patch, updatedAt: new Date().toISOString() };
    users[i] = next;
    return next;
  };
  /** The partner's balances and the moves' counter, as the fake's P100 keeps them. */
  const partner: UserBalances = {
    fiatBalances: [{ id: 'partner-eur', amount: '1000000.00', name: 'eur', rate: 1, iban: null, status: 'ACTIVE' }],
    cryptoBalances: [],
  };
  let moves = 0;
  const exchanges = new Map<string, ExchangeDetails>();
  /** Adds `delta` to the user's balance of `currency` (as P100 settles a move). */
  const move = (ext: string, currency: string, delta: number) => {
    const b = init.balances?.[ext];
    const row = b && [...b.fiatBalances, ...b.cryptoBalances].find((x) => x.name === currency);
    if (!row) return;
    const next = Number(row.amount) + delta;
    if (next < 0) throw fail('p100', 'Not enough money for this: insufficient funds (P433).', [], 'P433');
    row.amount = next.toFixed(currency === 'eur' ? 2 : 8);
  };
  const remember = (admitted: Admitted): Admitted => {
    for (const t of admitted.accepted) tokens.set(t.id, t);
    return admitted;
  };

  /**
   * Reports progress the way Rust's channel does: per file, a start, a half, and (unless held)
   * the end; a held upload waits for `releaseUploads()` or `upload_cancel`.
   */
  const upload = (uploadId: string, sizes: number[], channel: ProgressChannel, done: () => UserRecord) =>
    new Promise<UserRecord>((resolve, reject) => {
      sizes.forEach((total, file) => {
        channel.onmessage({ file, sent: 0, total });
        channel.onmessage({ file, sent: Math.floor(total / 2), total });
      });
      const finish = () => {
        sizes.forEach((total, file) => channel.onmessage({ file, sent: total, total }));
        try {
          resolve(done());
        } catch (e) {
          reject(e);
        }
      };
      if (!init.holdUploads) {
        queueMicrotask(finish);
        return;
      }
      held.set(uploadId, {
        finish,
        cancel: () =>
          reject(
            fail(
              'cancelled',
              "The upload was cancelled. P100 may or may not have received it; check the user's status.",
            ),
          ),
      });
    });

  /** A user just created or tracked in the selected environment, at the start of the path. */
  const newUser = (
    externalUserId: string,
    who: Pick<UserRecord, 'email' | 'firstName' | 'lastName' | 'country' | 'citizenship'>,
  ): UserRecord => {
    const now = new Date().toISOString();
    return fakeUser({
      environment: kind,
      externalUserId,
      userId: null,
      ...who,
      status: 'WAITING_FOR_ACTIVATION',
      createdAt: now,
      updatedAt: now,
      stage: 'created',
      stageSince: now,
      nextAction: 'Upload identity documents or start hosted KYC',
    });
  };

  const handlers: Handlers = {
    ...fakeImportHandlers({ users, environment: () => kind, newUser, invalid, picks: [...(init.csvFiles ?? [])] }),
    async environment_get() {
      return info();
    },
    async environment_select({ kind: next, customUrl: url }) {
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
    async credentials_list() {
      return KINDS.map(status);
    },
    async credentials_set({ kind: k, apiKey }) {
      if (!apiKey.trim()) throw fail('invalid', 'The API key is empty');
      keys.set(k, apiKey);
      return null;
    },
    async credentials_remove({ kind: k }) {
      return keys.delete(k);
    },
    async credentials_test({ kind: k }) {
      if (!keys.has(k)) throw fail('noApiKey', `No API key is set for ${LABELS[k]}`);
      return keys.get(k) === 'bad'
        ? { ok: false, message: `${LABELS[k]} refused the key` }
        : { ok: true, message: `${LABELS[k]} accepted the key` };
    },
    async users_list() {
      return users.filter((u) => u.environment === kind);
    },
    async users_query({ query }) {
      return answerRoster(users.filter((u) => u.environment === kind), query);
    },
    async users_board({ filter }) {
      return answerBoard(
        users.filter((u) => u.environment === kind),
        filter,
      );
    },
    async tags_list() {
      return [...tags];
    },
    async tag_save({ name, colour }) {
      const tidy = name.trim();
      if (!tidy) throw invalid([{ field: 'name', message: 'a tag needs a name' }]);
      const known = tags.find((t) => t.name.toLowerCase() === tidy.toLowerCase());
      if (known) known.colour = colour;
      else tags.push({ name: tidy, colour });
      tags.sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()));
      return [...tags];
    },
    async operators_list() {
      return [FAKE_OPERATOR, 'bob'];
    },
    async user_note_add({ externalUserId: ext, text }) {
      if (!text.trim()) throw invalid([{ field: 'text', message: 'write the note first' }]);
      const u = users[find(ext)];
      note(ext, { kind: 'noted', detail: { text: text.trim() } });
      return change(ext, { notes: u.notes + 1 });
    },
    async user_tags_set({ externalUserId: ext, tags: wanted }) {
      const unknown = wanted.find((w) => !tags.some((t) => t.name === w));
      if (unknown) throw invalid([{ field: 'tags', message: `there is no tag "${unknown}": define it first` }]);
      const u = users[find(ext)];
      for (const t of wanted.filter((w) => !u.tags.includes(w))) note(ext, { kind: 'tagged', detail: { tag: t } });
      for (const t of u.tags.filter((w) => !wanted.includes(w))) note(ext, { kind: 'untagged', detail: { tag: t } });
      return change(ext, { tags: [...wanted].sort() });
    },
    async user_assign({ externalUserId: ext, operator }) {
      find(ext);
      note(ext, { kind: 'assigned', detail: { to: operator } });
      return change(ext, { assignee: operator });
    },
    async users_facets() {
      return answerFacets(users.filter((u) => u.environment === kind));
    },
    async user_create({ form }) {
      const fields: FieldError[] = [];
      if (!form.hasAcceptedP100Tc) {
        fields.push({ field: 'hasAcceptedP100Tc', message: 'hasAcceptedP100Tc must be true' });
      }
      for (const f of REQUIRED) {
        if (!form[f]?.trim()) fields.push({ field: f, message: `${f} should not be empty` });
      }
      if (fields.length > 0) throw invalid(fields);
      const record = newUser(`pd-${String(nextId++).padStart(6, '0')}`, {
        email: form.email ?? null,
        firstName: form.firstName ?? null,
        lastName: form.lastName ?? null,
        country: form.country ?? null,
        citizenship: form.citizenship ?? null,
      });
      users.unshift(record);
      return record;
    },
    // Ids starting with `unknown` are not at P100; `bad/` ones are refused; others exist there
    // with no KYC yet.
    async users_track({ externalUserIds }) {
      const ids = externalUserIds.map((i) => i.trim()).filter((i) => i !== '');
      if (ids.length === 0) throw invalid([{ field: 'externalUserIds', message: 'give at least one externalUserId' }]);
      return ids.map((id, i) => {
        const result = (outcome: TrackOutcome, message: string | null = null, stage: Stage | null = null) => ({
          externalUserId: id,
          outcome,
          stage,
          message,
        });
        if (id.includes('/')) return result('refused', 'externalUserId must be 1 to 100 letters, digits, …');
        if (ids.indexOf(id) < i) return result('refused', 'repeats an earlier id of the list');
        const known = users.find((u) => u.environment === kind && u.externalUserId === id);
        if (known) return result('alreadyTracked', null, known.stage);
        if (id.startsWith('unknown')) return result('unknown', 'P100 has no user with this externalUserId');
        users.unshift(newUser(id, { email: null, firstName: null, lastName: null, country: null, citizenship: null }));
        return result('tracked', null, 'created');
      });
    },
    async user_update({ externalUserId: ext, profile }) {
      const u = users[find(ext)];
      const patch: Partial<UserRecord> = {};
      for (const f of REQUIRED) {
        const v = profile[f]?.trim();
        if (v !== undefined && v !== '' && v !== u[f]) patch[f] = v;
      }
      const others = Object.entries(profile).some(
        ([k, v]) => !(REQUIRED as readonly string[]).includes(k) && typeof v === 'string' && v.trim() !== '',
      );
      if (Object.keys(patch).length === 0 && !others) {
        throw invalid([{ field: '', message: 'nothing was changed' }]);
      }
      if (patch.email && !patch.email.includes('@')) {
        throw invalid([{ field: 'email', message: 'email must be an email address' }]);
      }
      const kept = Object.fromEntries(Object.entries(profile).filter(([, v]) => typeof v === 'string' && v.trim() !== ''));
      return change(ext, { ...patch, profile: { ...u.profile, ...kept } });
    },
    async user_delete({ externalUserId: ext, confirmation }) {
      const u = users[find(ext)];
      const typed = confirmation.trim();
      if (!typed || (typed !== ext && typed !== u.email)) {
        throw invalid([
          { field: 'confirmation', message: "type the user's e-mail or external user id to confirm" },
        ]);
      }
      return change(ext, { status: 'DELETED', deletedAt: new Date().toISOString() });
    },
    async user_suspend({ externalUserId: ext, reason }) {
      if (!reason.trim()) throw invalid([{ field: 'reason', message: 'say why the user is suspended' }]);
      find(ext);
      if (init.activeCards?.includes(ext)) {
        throw fail('p100', 'P100 refused: the user has active cards', [], 'P454');
      }
      return change(ext, { status: 'SUSPENDED' });
    },
    async cards_list({ externalUserId: ext }) {
      find(ext);
      return (cards[ext] ?? []).map(({ cardId, status, label, cardNumber }) => ({
        cardId,
        status,
        label,
        cardLastDigits: cardNumber.slice(-4),
      }));
    },
    async card_create({ externalUserId: ext, form }) {
      const fields: FieldError[] = [];
      if (form.label.trim().length < 3 || form.label.length > 30) fields.push({ field: 'label', message: 'label must be 3 to 30 characters' });
      if (!/^\d{4}$/.test(form.pin)) fields.push({ field: 'pin', message: 'pin must be exactly 4 digits' });
      if (form.pin !== form.pinAgain) fields.push({ field: 'pinAgain', message: 'the two PINs differ' });
      if (fields.length > 0) throw invalid(fields);
      const list = (cards[ext] ??= []);
      const n = String(4000_0000_0000_0000 + list.length + 1);
      list.push({ cardId: `card-${list.length + 1}`, status: 'ACTIVE', label: form.label, cardNumber: n, cvv: '123', exp: '12/29' });
      return change(ext, {});
    },
    async card_reveal({ externalUserId: ext, cardId }) {
      const c = card(ext, cardId);
      return { cardId, status: c.status, cardNumber: c.cardNumber, cvv: c.cvv, exp: c.exp };
    },
    async card_number_copy({ externalUserId: ext, cardId }) {
      return { lastDigits: card(ext, cardId).cardNumber.slice(-4), clipboardClearedAfterSecs: 30 };
    },
    async card_block({ externalUserId: ext, cardId }) {
      card(ext, cardId).status = 'LOCKED_BY_USER';
      return change(ext, {});
    },
    async card_unblock({ externalUserId: ext, cardId }) {
      card(ext, cardId).status = 'ACTIVE';
      return change(ext, {});
    },
    async card_delete({ externalUserId: ext, cardId }) {
      card(ext, cardId).status = 'DELETED';
      return change(ext, {});
    },
    async card_pin_set({ externalUserId: ext, cardId, pin }) {
      card(ext, cardId);
      if (pin.pin !== pin.pinAgain) throw invalid([{ field: 'pinAgain', message: 'the two PINs differ' }]);
      return change(ext, {});
    },
    async card_limits_get({ externalUserId: ext, cardId }) {
      card(ext, cardId);
      return { monthlyTrxAll: 10000, dailyTrxAll: 2000, monthlyTrxAtm: 2000, dailyTrxAtm: 500, monthlyTrxEcom: 5000, dailyTrxEcom: 1000 };
    },
    async card_limits_set({ externalUserId: ext, cardId }) {
      card(ext, cardId);
      return change(ext, {});
    },
    async user_suspend_blocking_cards({ externalUserId: ext, reason }) {
      if (!reason.trim()) throw invalid([{ field: 'reason', message: 'say why the user is suspended' }]);
      find(ext);
      return change(ext, { status: 'SUSPENDED' });
    },
    async user_unsuspend({ externalUserId: ext }) {
      return change(ext, { status: 'ACTIVE' });
    },
    async user_extend({ externalUserId: ext }) {
      const u = users[find(ext)];
      if (u.poaRequiredForExtended && u.poaStatus !== 'APPROVED') {
        throw fail('p100', 'P100 refused: proof of address is not approved', [], 'P460');
      }
      return change(ext, { extended: true });
    },
    async user_verify({ externalUserId: ext, form }) {
      find(ext);
      const fields: FieldError[] = [];
      if (!/^[A-Za-z0-9_-]{1,50}$/.test(form.documentNumber.trim())) {
        fields.push({ field: 'documentNumber', message: "documentNumber must be 1 to 50 letters, digits, '-' or '_'" });
      }
      if (!/^[A-Z]{2}$/.test(form.issuingCountry)) {
        fields.push({ field: 'issuingCountry', message: 'issuingCountry must be an ISO 3166-1 alpha-2 country code' });
      }
      if (!/^\d{4}-\d{2}-\d{2}$/.test(form.expiryDate)) {
        fields.push({ field: 'expiryDate', message: 'expiryDate must be a real date written YYYY-MM-DD' });
      }
      if (fields.length > 0) throw invalid(fields);
      return change(ext, { verificationStatus: 'NOT_VERIFIED', attemptStatus: 'VERIFICATION' });
    },
    async user_balances({ externalUserId: ext }) {
      find(ext);
      return init.balances?.[ext] ?? { fiatBalances: [], cryptoBalances: [] };
    },
    async operation_evidence() {
      return [];
    },
    async partner_balances() {
      return partner;
    },
    async money_transfer({ externalUserId: ext, form }) {
      find(ext);
      const amount = Number(form.amount.replace(',', '.'));
      if (!(amount > 0)) throw invalid([{ field: 'amount', message: 'amount must be a number such as 12.50' }]);
      if (init.kind === 'production' && form.confirmation.trim() !== form.amount.trim()) {
        throw invalid([{ field: 'confirmation', message: 'type the amount again to confirm' }]);
      }
      move(ext, form.currency, form.direction === 'fund' ? amount : -amount);
      return { user: change(ext, {}), id: `transfer-${++moves}` };
    },
    async exchange_lock({ externalUserId: ext }) {
      find(ext);
      const now = Date.now();
      return {
        id: `lock-${++moves}`,
        rates: { eur: 1, btc: 80000, eth: 2500, usdc: 0.9 },
        feePercentage: 1.5,
        createdAt: new Date(now).toISOString(),
        validUntil: new Date(now + 40_000).toISOString(),
      };
    },
    async exchange_create({ externalUserId: ext, form }) {
      find(ext);
      const amount = Number(form.amount.replace(',', '.'));
      move(ext, form.currencyFrom, -amount);
      const id = `exchange-${++moves}`;
      exchanges.set(id, {
        id,
        sourceExternalUserId: ext,
        currencyFrom: form.currencyFrom,
        currencyTo: form.currencyTo,
        amountFrom: amount,
        amountTo: amount / 80000,
        rate: 1 / 80000,
        feePercentage: 1.5,
        fee: 0,
        lockId: form.lockId,
        status: 'COMPLETED',
        createdAt: new Date().toISOString(),
      });
      return { user: change(ext, {}), id };
    },
    async exchange_details({ exchangeId }) {
      const e = exchanges.get(exchangeId);
      if (!e) throw fail('p100', 'P100 does not know this exchange (P904).', [], 'P904');
      return e;
    },
    async network_fee({ currency }) {
      return { networkFee: currency === 'btc' ? 0.0002 : 0.5 };
    },
    async withdrawal_create({ externalUserId: ext, form }) {
      find(ext);
      if (!/^(tb1|bc1|0x)/.test(form.walletAddress)) {
        throw invalid([{ field: 'walletAddress', message: `walletAddress is not a ${form.network ?? 'btc'} address` }]);
      }
      move(ext, form.currency, -Number(form.amount));
      return { user: change(ext, {}), id: `withdrawal-${++moves}` };
    },
    async travel_rule_update({ externalUserId: ext, update }) {
      find(ext);
      const d = update.details;
      if (!d.iAmOwnerOfWallet && !(d.firstName && d.lastName) && !d.companyName) {
        throw invalid([{ field: 'details', message: 'details must name the sender' }]);
      }
      return change(ext, {});
    },
    async user_transactions({ externalUserId: ext, query }) {
      find(ext);
      const limit = query.limit ?? 20;
      const page = query.page ?? 1;
      const items = (init.transactions?.[ext] ?? []).filter(
        (t) =>
          (!query.currency || t.currency === query.currency) &&
          (!query.type || t.type === query.type) &&
          (!query.status || t.status === query.status) &&
          (!query.from || t.createdAt.slice(0, 10) >= query.from) &&
          (!query.to || t.createdAt.slice(0, 10) <= query.to),
      );
      return {
        items: items.slice((page - 1) * limit, page * limit),
        page,
        limit,
        total: items.length,
        totalPages: Math.ceil(items.length / limit),
      };
    },
    async journal_recent() {
      return [];
    },
    async journal_query({ filter }) {
      return journal.filter(
        (j) =>
          (!filter.operator || j.operator === filter.operator) &&
          (!filter.operation || j.operation === filter.operation) &&
          (!filter.outcome || j.outcome === filter.outcome),
      );
    },
    async user_timeline({ externalUserId: ext }) {
      find(ext);
      return timelines[ext] ?? [];
    },
    async funnel_get({ environment, from }) {
      const env = environment ?? kind;
      const mine = users.filter((u) => u.environment === env);
      const count = (s: Stage) => mine.filter((u) => u.stage === s).length;
      return {
        environment: env,
        from,
        users: mine.length,
        steps: PATH.map((stage, i) => ({
          stage,
          // A stand-in: everyone at or past a stage reached it.
          reached: mine.filter((u) => PATH.indexOf(u.stage) >= i).length,
          conversion: null,
          medianSecs: i === 2 ? 90 : null,
          current: count(stage),
        })),
        aside: (['needsAction', 'suspended', 'deleted'] as const).map((stage) => ({ stage, count: count(stage) })),
      };
    },
    async team_get() {
      return team;
    },
    async team_connect({ hubUrl, operatorToken }) {
      if (!/^https?:\/\/[^/]+/.test(hubUrl.trim())) {
        throw invalid([{ field: 'hubUrl', message: "the hub's URL starts with https://" }]);
      }
      if (operatorToken !== 'pdh_valid') {
        throw invalid([{ field: 'operatorToken', message: 'the hub does not accept this token' }]);
      }
      team = { hubUrl, connected: true, operator: 'olga', role: 'operator', environment: 'production', problem: null };
      return team;
    },
    async team_disconnect() {
      team = SOLO;
      return team;
    },
    async sync_status() {
      return { receiverUrl: 'http://127.0.0.1:4200', receiverError: null, tokenSetFor: ['sandbox'], polling: 0 };
    },
    async webhook_token_set({ kind: k, token }) {
      if (!token.trim()) throw invalid([{ field: 'webhookToken', message: 'the API key is empty' }]);
      return { receiverUrl: 'http://127.0.0.1:4200', receiverError: null, tokenSetFor: ['sandbox', k], polling: 0 };
    },
    async webhook_token_generate({ kind: k }) {
      return {
        status: { receiverUrl: 'http://127.0.0.1:4200', receiverError: null, tokenSetFor: ['sandbox', k], polling: 0 },
        fingerprint: '1a2b3c4d',
        clipboardClearedAfterSecs: 120,
      };
    },
    async webhook_token_remove() {
      return { receiverUrl: 'http://127.0.0.1:4200', receiverError: null, tokenSetFor: ['sandbox'], polling: 0 };
    },
    async operation_cancel() {
      return true;
    },
    async operations_open() {
      return openOps;
    },
    async operation_retry({ operationId: id }) {
      const op = openOps.find((o) => o.id === id);
      if (!op) throw fail('invalid', 'this operation is not open any more');
      openOps = openOps.filter((o) => o.id !== id);
      return users[find(op.target)];
    },
    async operation_resolve({ operationId: id }) {
      openOps = openOps.filter((o) => o.id !== id);
      return null;
    },
    async webhook_port_set() {
      return { receiverUrl: 'http://127.0.0.1:4200', receiverError: null, tokenSetFor: ['sandbox'], polling: 0 };
    },
    async countries_list() {
      return COUNTRIES;
    },
    async export_save_csv({ fileName }) {
      return fileName;
    },
    async app_quit() {
      return null;
    },
    // Documents kept after upload: none in the fake; keeping is a setting it remembers.
    async documents_kept() {
      return [];
    },
    async documents_retention_get() {
      return { days: keepDays, documents: 0, bytes: 0 };
    },
    async documents_retention_set({ days }) {
      if (days !== null && (days < 1 || days > 365)) {
        throw fail('invalid', 'keep documents from 1 to 365 days', [{ field: 'days', message: 'keep documents from 1 to 365 days' }]);
      }
      keepDays = days;
      return { days, documents: 0, bytes: 0 };
    },
    async documents_kept_delete() {
      return { days: keepDays, documents: 0, bytes: 0 };
    },
    async kyc_hosted_start({ externalUserId: ext, form }) {
      find(ext);
      const fields: FieldError[] = [];
      const blank = (v?: string) => !v?.trim();
      if (!/^[A-Z]{2}$/.test(form.country)) {
        fields.push({ field: 'country', message: 'country must be an ISO 3166-1 alpha-2 country code' });
      }
      if (form.incomeSource === 'BUSINESS_ACTIVITY' && blank(form.taxId)) {
        fields.push({ field: 'taxId', message: 'taxId should not be empty when incomeSource is BUSINESS_ACTIVITY' });
      }
      if (form.incomeSource === 'SALARY' && !form.occupation) {
        fields.push({ field: 'occupation', message: 'occupation should not be empty when incomeSource is SALARY' });
      }
      if (form.incomeSource !== 'BUSINESS_ACTIVITY' && blank(form.additionalInfo)) {
        fields.push({
          field: 'additionalInfo',
          message: 'additionalInfo should not be empty unless incomeSource is BUSINESS_ACTIVITY',
        });
      }
      if (fields.length > 0) throw invalid(fields);
      const verificationId = `ver-${nextVerification++}`;
      change(ext, {
        kycMethod: 'hosted',
        verificationId,
        verificationStatus: 'NOT_VERIFIED',
        attemptStatus: 'PENDING',
        rejectionReason: null,
      });
      return { verificationId, url: `${BASE_URLS.sandbox}/provider/${verificationId}` };
    },
    async kyc_hosted_open({ externalUserId: ext }) {
      if (!users[find(ext)].verificationId) throw fail('invalid', 'Start hosted KYC first');
      return null;
    },
    async kyc_refresh({ externalUserId: ext }) {
      return users[find(ext)];
    },
    async documents_pick() {
      return picks.shift() ?? remember({ accepted: [fakeToken('scan.jpg')], rejected: [] });
    },
    async kyc_upload({ uploadId, externalUserId, documentType, files, onProgress }) {
      const sides = SIDES[documentType];
      if (!sides) {
        throw invalid([{ field: 'documentType', message: 'Method A takes ID_CARD, PASSPORT or RESIDENCE_PERMIT' }]);
      }
      if (files.length === 0) throw invalid([{ field: 'files', message: 'add at least one image' }]);
      const stray = files.find((f) => !sides.includes(f.side));
      if (stray) throw invalid([{ field: stray.side, message: `${stray.side} is not used for ${documentType}` }]);
      find(externalUserId);
      return upload(
        uploadId,
        files.map((f) => tokens.get(f.token)?.size ?? 1000),
        onProgress,
        () =>
          change(externalUserId, {
            kycMethod: 'files',
            verificationStatus: 'NOT_VERIFIED',
            attemptStatus: 'PENDING',
            rejectionReason: null,
          }),
      );
    },
    async poa_upload({ uploadId, externalUserId, tokens: sent, onProgress }) {
      if (sent.length === 0 || sent.length > 3) {
        throw invalid([{ field: 'files', message: 'send one to three files' }]);
      }
      if (!users[find(externalUserId)].poaRequiredForExtended) {
        throw fail('p100', 'POA verification not found: not required for this user', [], 'P460');
      }
      return upload(
        uploadId,
        sent.map((t) => tokens.get(t)?.size ?? 1000),
        onProgress,
        () => change(externalUserId, { poaStatus: 'WAITING' }),
      );
    },
    async upload_cancel({ uploadId }) {
      const u = held.get(uploadId);
      if (!u) return false;
      held.delete(uploadId);
      u.cancel();
      return true;
    },
  };

  return {
    calls,
    call<K extends CommandName>(command: K, ...args: ArgsOf<K>): Promise<CommandAnswer<K>> {
      // A command without arguments is called with none; its handler takes an empty object.
      const sent = (args[0] ?? {}) as CommandArgs<K>;
      calls.push({ command, args: withoutChannels(sent) });
      const handler: Handlers[K] = handlers[command];
      if (!handler) return Promise.reject(fail('internal', `The fake backend does not implement ${command}`));
      return handler(sent);
    },
    argsOf<K extends CommandName>(command: K) {
      return calls.filter((c) => c.command === command).map((c) => c.args as Recorded<K>);
    },
    drop(admitted) {
      remember(admitted);
      for (const h of dropHandlers) h(admitted);
    },
    queuePick(admitted) {
      picks.push(remember(admitted));
    },
    releaseUploads() {
      const all = [...held.values()];
      held.clear();
      for (const u of all) u.finish();
    },
    progressChannel(onmessage) {
      // A plain object: the real Channel needs the Tauri IPC, which jsdom does not have.
      return { onmessage };
    },
    async onDocumentsDropped(handler) {
      dropHandlers.add(handler);
      return () => {
        dropHandlers.delete(handler);
      };
    },
    async onRosterChanged(handler) {
      rosterHandlers.add(handler);
      return () => {
        rosterHandlers.delete(handler);
      };
    },
    async onOperationRetrying(handler) {
      retryHandlers.add(handler);
      return () => {
        retryHandlers.delete(handler);
      };
    },
    retrying(event) {
      for (const h of retryHandlers) h(event);
    },
    syncChange(ext, patch) {
      const next = change(ext, patch);
      for (const h of rosterHandlers) h(next);
      return next;
    },
  };
}
