// Generated from src-tauri/src/command_list.rs (and the desk core's operations) by
// `UPDATE_BINDINGS=1 cargo test -p partner-desk --lib drift`. Do not edit: a test fails
// when this file differs from the list.

import type {
  Admitted,
  BoardColumn,
  BoardFilter,
  CardLimits,
  CardSummary,
  CopiedCardNumber,
  Country,
  CredentialStatus,
  Currency,
  DocumentType,
  EnvironmentInfo,
  EnvironmentKind,
  ExchangeDetails,
  ExchangeLock,
  Funnel,
  GeneratedToken,
  HostedKycForm,
  HostedKycSession,
  ImportJob,
  ImportPreview,
  JournalEntry,
  JournalFilter,
  KeptDocument,
  KeyTest,
  KycFileRef,
  MoveMade,
  Network,
  NetworkFee,
  NewCard,
  NewExchange,
  NewTransfer,
  NewUser,
  NewWithdrawal,
  OpenOperation,
  PageEvent,
  PickedCsv,
  PinTwice,
  Retention,
  RevealedCard,
  RosterFacets,
  RosterPage,
  RosterQuery,
  RowResult,
  SyncStatus,
  Tag,
  TagColour,
  TeamStatus,
  TimelineEvent,
  TrackResult,
  Transaction,
  TransactionPage,
  TransactionQuery,
  TransferDetails,
  TravelRuleUpdate,
  UploadProgress,
  UserBalances,
  UserProfile,
  UserRecord,
  VerificationForm,
  WithdrawalDetails,
} from './bindings';

/** What a Tauri channel is to the page: Rust calls `onmessage` with each message. */
export interface Channel<T> {
  onmessage: (message: T) => void;
}

/** Every command the window may call: its arguments (as sent) and its answer. */
export interface Commands {
  /** The selected environment. */
  environment_get: { args: Record<never, never>; answer: EnvironmentInfo };
  /** Switches environment (Custom needs a URL, given now or remembered). */
  environment_select: { args: { kind: EnvironmentKind; customUrl: string | null }; answer: EnvironmentInfo };
  /** Which environments have a key; never the keys. */
  credentials_list: { args: Record<never, never>; answer: Array<CredentialStatus> };
  /** Write-only: no operation hands a key back. */
  credentials_set: { args: { kind: EnvironmentKind; apiKey: string }; answer: null };
  credentials_remove: { args: { kind: EnvironmentKind }; answer: boolean };
  /** Asks P100 whether it accepts the key. */
  credentials_test: { args: { kind: EnvironmentKind }; answer: KeyTest };
  /** Team mode: the hub this desk works through, and whether it answers. */
  team_get: { args: Record<never, never>; answer: TeamStatus };
  /** Checks the hub and the operator's token, then works through that hub (the token */
  /** goes to the keychain; write-only, like keys). */
  team_connect: { args: { hubUrl: string; operatorToken: string }; answer: TeamStatus };
  /** Back to solo mode; the token is removed from the keychain. */
  team_disconnect: { args: Record<never, never>; answer: TeamStatus };
  /** The whole roster of the selected environment, for scripts (the desktop pages it). */
  users_list: { args: Record<never, never>; answer: Array<UserRecord> };
  /** One page of the roster, searched, filtered and sorted by the store (a 100,000-user */
  /** roster is never sent whole). */
  users_query: { args: { query: RosterQuery }; answer: RosterPage };
  /** The onboarding board: each stage's count and the users longest in it, narrowed to a */
  /** tag and whose users (mine, nobody's, an operator's). */
  users_board: { args: { filter: BoardFilter }; answer: Array<BoardColumn> };
  /** The statuses and countries the roster holds, for its filters. */
  users_facets: { args: Record<never, never>; answer: RosterFacets };
  /** The tags the team defined, by name. */
  tags_list: { args: Record<never, never>; answer: Array<Tag> };
  /** Defines a tag, or changes its colour; every tag. */
  tag_save: { args: { name: string; colour: TagColour }; answer: Array<Tag> };
  /** Who users may be assigned to: the team's operators (in solo mode, the one at this */
  /** desk). */
  operators_list: { args: Record<never, never>; answer: Array<string> };
  /** Writes a note on a user: on the timeline, with its author and time, and in the */
  /** roster's search. */
  user_note_add: { args: { externalUserId: string; text: string }; answer: UserRecord };
  /** Sets exactly the tags the user carries (each defined first). */
  user_tags_set: { args: { externalUserId: string; tags: Array<string> }; answer: UserRecord };
  /** Assigns the user to an operator, or (null) to nobody. */
  user_assign: { args: { externalUserId: string; operator: string | null }; answer: UserRecord };
  /** Follows users that already exist at P100, by `externalUserId` (at most 10,000): */
  /** one result per id, in order (tracked, already tracked, unknown to P100, refused, */
  /** failed). */
  users_track: { args: { externalUserIds: Array<string> }; answer: Array<TrackResult> };
  /** The dry run of a CSV import (at most 64 MB): its columns, what each fills (`mapping`, */
  /** or the desk's guess), and what every row would do; nothing is sent. */
  import_preview: { args: { csv: string; mapping: Array<string | null> | null }; answer: ImportPreview };
  /** Plans the file again and starts it as a job sent at `per_second` rows a second (in */
  /** team mode the hub runs it); the mapping is remembered. */
  import_start: { args: { fileName: string; csv: string; mapping: Array<string | null>; perSecond: number }; answer: ImportJob };
  /** The newest imports of the selected environment, with their progress. */
  import_jobs: { args: Record<never, never>; answer: Array<ImportJob> };
  /** Every row's outcome so far, in the file's order. */
  import_results: { args: { jobId: string }; answer: Array<RowResult> };
  import_pause: { args: { jobId: string }; answer: ImportJob };
  import_resume: { args: { jobId: string }; answer: ImportJob };
  /** The rows not sent yet never will be. */
  import_cancel: { args: { jobId: string }; answer: ImportJob };
  /** One user of the roster, with its stage (deleted users too). */
  user_get: { args: { externalUserId: string }; answer: UserRecord };
  user_create: { args: { form: NewUser }; answer: UserRecord };
  /** Takes the whole edited profile; P100 is sent only the fields that changed. */
  user_update: { args: { externalUserId: string; profile: UserProfile }; answer: UserRecord };
  /** `confirmation` is what the operator typed: the user's e-mail or externalUserId. */
  user_delete: { args: { externalUserId: string; confirmation: string }; answer: UserRecord };
  user_suspend: { args: { externalUserId: string; reason: string }; answer: UserRecord };
  user_unsuspend: { args: { externalUserId: string; reason: string }; answer: UserRecord };
  user_extend: { args: { externalUserId: string }; answer: UserRecord };
  user_verify: { args: { externalUserId: string; form: VerificationForm }; answer: UserRecord };
  /** The user's virtual cards as P100 lists them (never a full number). */
  cards_list: { args: { externalUserId: string }; answer: Array<CardSummary> };
  /** A new card; its number is not answered (reveal it). The PIN is sent, never kept. */
  card_create: { args: { externalUserId: string; form: NewCard }; answer: UserRecord };
  /** The card's full number and CVV for this one view; the journal records who asked. */
  card_reveal: { args: { externalUserId: string; cardId: string }; answer: RevealedCard };
  card_block: { args: { externalUserId: string; cardId: string }; answer: UserRecord };
  /** Lets a blocked card pay again. */
  card_unblock: { args: { externalUserId: string; cardId: string }; answer: UserRecord };
  /** For good: a deleted card cannot come back. */
  card_delete: { args: { externalUserId: string; cardId: string }; answer: UserRecord };
  card_pin_set: { args: { externalUserId: string; cardId: string; pin: PinTwice }; answer: UserRecord };
  card_limits_get: { args: { externalUserId: string; cardId: string }; answer: CardLimits };
  card_limits_set: { args: { externalUserId: string; cardId: string; limits: CardLimits }; answer: UserRecord };
  /** P454's way out, as one confirmed action: every active card blocked, then the user */
  /** suspended. */
  user_suspend_blocking_cards: { args: { externalUserId: string; reason: string }; answer: UserRecord };
  user_balances: { args: { externalUserId: string }; answer: UserBalances };
  user_transactions: { args: { externalUserId: string; query: TransactionQuery }; answer: TransactionPage };
  /** The partner's own balances: what funding a user draws on, where card fees go. */
  partner_balances: { args: Record<never, never>; answer: UserBalances };
  /** Funds the user from the partner's balance or collects from them: money leaves */
  /** or enters the partner's own balance, so supervisors only. */
  money_transfer: { args: { externalUserId: string; form: NewTransfer }; answer: MoveMade };
  transfer_details: { args: { transferId: string }; answer: TransferDetails };
  exchange_rates: { args: Record<never, never>; answer: { [key in Currency]?: number } };
  /** A 40-second rate lock for the user (it moves nothing). */
  exchange_lock: { args: { externalUserId: string }; answer: ExchangeLock };
  /** An exchange between the user's own balances, at a lock's rates. */
  exchange_create: { args: { externalUserId: string; form: NewExchange }; answer: MoveMade };
  exchange_details: { args: { exchangeId: string }; answer: ExchangeDetails };
  network_fee: { args: { currency: Currency; network: Network | null }; answer: NetworkFee };
  /** Crypto out to a wallet outside P100, for good: supervisors only. */
  withdrawal_create: { args: { externalUserId: string; form: NewWithdrawal }; answer: MoveMade };
  withdrawal_details: { args: { withdrawalId: string }; answer: WithdrawalDetails };
  /** The sender's data for a deposit held for the travel rule. */
  travel_rule_update: { args: { externalUserId: string; cryptoDepositId: string; update: TravelRuleUpdate }; answer: UserRecord };
  /** The newest journal lines (`limit` defaults to 100, at most 1000). */
  journal_recent: { args: { limit: number | null }; answer: Array<JournalEntry> };
  /** Journal lines matching the filter, newest first. */
  journal_query: { args: { filter: JournalFilter }; answer: Array<JournalEntry> };
  /** A user's timeline, oldest first. */
  user_timeline: { args: { externalUserId: string }; answer: Array<TimelineEvent> };
  /** `environment` null: the selected one; `from` null: all time. */
  funnel_get: { args: { environment: EnvironmentKind | null; from: string | null }; answer: Funnel };
  kyc_hosted_start: { args: { externalUserId: string; form: HostedKycForm }; answer: HostedKycSession };
  /** Asks P100 for the user's KYC status and records what changed. */
  kyc_refresh: { args: { externalUserId: string }; answer: UserRecord };
  sync_status: { args: Record<never, never>; answer: SyncStatus };
  /** Write-only, like API keys. */
  webhook_token_set: { args: { kind: EnvironmentKind; token: string }; answer: SyncStatus };
  webhook_token_remove: { args: { kind: EnvironmentKind }; answer: SyncStatus };
  webhook_port_set: { args: { port: number }; answer: SyncStatus };
  /** Whether this desktop keeps documents after upload, for how many days, and what it */
  /** keeps now. */
  documents_retention_get: { args: Record<never, never>; answer: Retention };
  /** `days` null: documents are not kept (what was kept is deleted at once); else 1 to */
  /** 365. */
  documents_retention_set: { args: { days: number | null }; answer: Retention };
  /** A user's documents kept on this desktop, oldest first. */
  documents_kept: { args: { externalUserId: string }; answer: Array<KeptDocument> };
  /** Deletes every kept document now; keeping goes on as set. */
  documents_kept_delete: { args: Record<never, never>; answer: Retention };
  /** Stops a running operation's retry wait; `false` when it is not waiting any more. */
  operation_cancel: { args: { operationId: string }; answer: boolean };
  /** Operations left open (a crash, a lost answer, a cancelled retry), oldest first. */
  operations_open: { args: Record<never, never>; answer: Array<OpenOperation> };
  /** Sends an open operation again, as stored. */
  operation_retry: { args: { operationId: string }; answer: UserRecord };
  /** Closes an open operation by the operator's word. */
  operation_resolve: { args: { operationId: string; happened: boolean }; answer: null };
  /** What P100's history shows since an open money move was sent, to resolve it on. */
  operation_evidence: { args: { operationId: string }; answer: Array<Transaction> };
  /** Static reference data for pickers. */
  countries_list: { args: Record<never, never>; answer: Array<Country> };
  /** Rust opens the hosted page in the system browser; the webview never navigates to it. */
  kyc_hosted_open: { args: { externalUserId: string }; answer: null };
  /** The native file dialog; the webview only ever gets tokens, never paths. */
  documents_pick: { args: { multiple: boolean }; answer: Admitted };
  /** Rejects with code `cancelled` when `upload_cancel` stopped it. */
  kyc_upload: { args: { uploadId: string; externalUserId: string; documentType: DocumentType; files: Array<KycFileRef>; onProgress: Channel<UploadProgress> }; answer: UserRecord };
  /** Every file goes in one request (P100's field `files`), at most three. */
  poa_upload: { args: { uploadId: string; externalUserId: string; tokens: Array<string>; onProgress: Channel<UploadProgress> }; answer: UserRecord };
  /** A picked document's bytes for the viewer (checked again, at most 5 MB), as raw */
  /** bytes rather than JSON; never a path. */
  document_bytes: { args: { token: string }; answer: ArrayBuffer };
  /** `false` when no upload of that id was running (already finished). */
  upload_cancel: { args: { uploadId: string }; answer: boolean };
  /** Native save dialog; the file name saved to, or null when the operator cancelled. */
  export_save_csv: { args: { fileName: string; csv: string }; answer: string | null };
  /** Native open dialog for a CSV to import: its name and text (UTF-8, at most 64 MB), or */
  /** null when the operator cancelled. */
  import_pick: { args: Record<never, never>; answer: PickedCsv | null };
  /** A new random token, put on the OS clipboard by Rust; the page learns its fingerprint. */
  webhook_token_generate: { args: { kind: EnvironmentKind }; answer: GeneratedToken };
  /** A card's number put on the OS clipboard by Rust (journaled like a reveal), emptied */
  /** after 30 s; the page learns the last four digits. */
  card_number_copy: { args: { externalUserId: string; cardId: string }; answer: CopiedCardNumber };
  /** Quits the desk for good (closing the window may only hide it to the tray). */
  app_quit: { args: Record<never, never>; answer: null };
  /** Opens the channel over which Rust tells the page what happened unasked. */
  events_subscribe: { args: { onEvent: Channel<PageEvent> }; answer: null };
}

export type CommandName = keyof Commands;
export type CommandArgs<K extends CommandName> = Commands[K]['args'];
export type CommandAnswer<K extends CommandName> = Commands[K]['answer'];

export const COMMAND_NAMES: readonly CommandName[] = [
  'environment_get',
  'environment_select',
  'credentials_list',
  'credentials_set',
  'credentials_remove',
  'credentials_test',
  'team_get',
  'team_connect',
  'team_disconnect',
  'users_list',
  'users_query',
  'users_board',
  'users_facets',
  'tags_list',
  'tag_save',
  'operators_list',
  'user_note_add',
  'user_tags_set',
  'user_assign',
  'users_track',
  'import_preview',
  'import_start',
  'import_jobs',
  'import_results',
  'import_pause',
  'import_resume',
  'import_cancel',
  'user_get',
  'user_create',
  'user_update',
  'user_delete',
  'user_suspend',
  'user_unsuspend',
  'user_extend',
  'user_verify',
  'cards_list',
  'card_create',
  'card_reveal',
  'card_block',
  'card_unblock',
  'card_delete',
  'card_pin_set',
  'card_limits_get',
  'card_limits_set',
  'user_suspend_blocking_cards',
  'user_balances',
  'user_transactions',
  'partner_balances',
  'money_transfer',
  'transfer_details',
  'exchange_rates',
  'exchange_lock',
  'exchange_create',
  'exchange_details',
  'network_fee',
  'withdrawal_create',
  'withdrawal_details',
  'travel_rule_update',
  'journal_recent',
  'journal_query',
  'user_timeline',
  'funnel_get',
  'kyc_hosted_start',
  'kyc_refresh',
  'sync_status',
  'webhook_token_set',
  'webhook_token_remove',
  'webhook_port_set',
  'documents_retention_get',
  'documents_retention_set',
  'documents_kept',
  'documents_kept_delete',
  'operation_cancel',
  'operations_open',
  'operation_retry',
  'operation_resolve',
  'operation_evidence',
  'countries_list',
  'kyc_hosted_open',
  'documents_pick',
  'kyc_upload',
  'poa_upload',
  'document_bytes',
  'upload_cancel',
  'export_save_csv',
  'import_pick',
  'webhook_token_generate',
  'card_number_copy',
  'app_quit',
  'events_subscribe',
];
