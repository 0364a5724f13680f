// Generated from the Rust types by `UPDATE_BINDINGS=1 cargo test -p partner-desk bindings`.
// Do not edit: a test fails when this file differs from what the Rust types produce.

export type EnvironmentKind = "sandbox" | "staging" | "production" | "custom";

export type EnvironmentInfo = { kind: EnvironmentKind, label: string, 
/**
 * Where calls go; for the sandbox, its loopback address once started.
 */
baseUrl: string | null, 
/**
 * The custom URL remembered for the Custom environment, even while another is selected.
 */
customUrl: string | null, needsKey: boolean, keySet: boolean, isProduction: boolean, };

export type CredentialStatus = { kind: EnvironmentKind, label: string, needsKey: boolean, keySet: boolean, };

export type KeyTest = { ok: boolean, message: string, };

export type UserProfile = { email?: string, 
/**
 * Digits with the country prefix and no `+`, e.g. `48500000000`.
 */
phone?: string, firstName?: string, lastName?: string, street?: string, 
/**
 * Building and flat, e.g. `1/2`.
 */
number?: string, city?: string, postCode?: string, 
/**
 * Country of residence, ISO 3166-1 alpha-2. Drives `poaRequiredForExtended`.
 */
country?: string, citizenship?: string, nationality?: string, birthCountry?: string, 
/**
 * `YYYY-MM-DD`.
 */
birthDate?: string, userIdentificationNumber?: string, };

export type NewUser = { hasAcceptedP100Tc: boolean, email?: string, 
/**
 * Digits with the country prefix and no `+`, e.g. `48500000000`.
 */
phone?: string, firstName?: string, lastName?: string, street?: string, 
/**
 * Building and flat, e.g. `1/2`.
 */
number?: string, city?: string, postCode?: string, 
/**
 * Country of residence, ISO 3166-1 alpha-2. Drives `poaRequiredForExtended`.
 */
country?: string, citizenship?: string, nationality?: string, birthCountry?: string, 
/**
 * `YYYY-MM-DD`.
 */
birthDate?: string, userIdentificationNumber?: string, };

export type Stage = "created" | "identityDocuments" | "verificationSubmitted" | "proofOfAddress" | "active" | "needsAction" | "suspended" | "deleted";

export type UserStatus = "WAITING_FOR_ACTIVATION" | "ACTIVE" | "SUSPENDED" | "DELETED";

export type KycMethod = "files" | "hosted";

export type VerificationStatus = "NOT_VERIFIED" | "VERIFIED" | "EXPIRED";

export type AttemptStatus = "PENDING" | "VERIFICATION" | "REJECTED_BY_PROVIDER" | "SUCCESSFUL";

export type PoaStatus = "WAITING" | "APPROVED" | "REJECTED" | "QUESTIONED";

export type KycFileStatus = "ADDED" | "ERROR";

export type UserRecord = { environment: EnvironmentKind, externalUserId: string, 
/**
 * P100's own id, once P100 answered.
 */
userId: string | null, email: string | null, firstName: string | null, lastName: string | null, country: string | null, citizenship: string | null, 
/**
 * P100's user status.
 */
status: UserStatus, poaRequiredForExtended: boolean, extended: boolean, 
/**
 * Method A (files) or Method B (hosted), once KYC started.
 */
kycMethod: KycMethod | null, 
/**
 * The hosted session's id (Method B).
 */
verificationId: string | null, verificationStatus: VerificationStatus | null, attemptStatus: AttemptStatus | null, rejectionReason: string | null, poaStatus: PoaStatus | null, createdAt: string, updatedAt: string, 
/**
 * Set when the user was deleted: the row stays as a tombstone.
 */
deletedAt: string | null, 
/**
 * Every profile field as P100 last accepted it, for the edit form.
 */
profile: UserProfile, 
/**
 * Where the user stands on the onboarding path, derived from the timeline.
 */
stage: Stage, 
/**
 * When the user entered `stage`.
 */
stageSince: string, 
/**
 * What the operator should do next, in words.
 */
nextAction: string | null, 
/**
 * The operator the user is assigned to (team mode).
 */
assignee: string | null, 
/**
 * The tags the user carries, by name, sorted.
 */
tags: Array<string>, 
/**
 * How many notes operators wrote on the user (the notes are on the timeline).
 */
notes: number, };

export type EventSource = "operator" | "webhook" | "poll";

export type FileNote = { 
/**
 * `front`, `back`, `selfie` (KYC) or `files` (proof of address).
 */
side: string, name: string, size: number, mime: string, thumbnail: string | null, };

export type KycReport = { verificationStatus: VerificationStatus, attemptStatus: AttemptStatus | null, rejectionReason: string | null, };

export type Confirmation = "pending" | "confirmed" | "unconfirmed";

export type TimelineEvent = { id: number, at: string, source: EventSource, 
/**
 * The operator's OS user for `operator` events.
 */
actor: string | null, } & ({ "kind": "tracked", "detail": { active: boolean, kyc: KycReport | null, } } | { "kind": "created", "detail": { userId: string | null, poaRequiredForExtended: boolean, } } | { "kind": "updated", "detail": { fields: Array<string>, poaRequiredForExtended: boolean | null, } } | { "kind": "kycFilesUploaded", "detail": { documentType: DocumentType, files: Array<FileNote>, missing: Array<KycFileSide>, } } | { "kind": "hostedKycStarted", "detail": { verificationId: string, } } | { "kind": "verificationSubmitted", "detail": KycReport } | { "kind": "kycStatus", "detail": KycReport } | { "kind": "kycFileStatus", "detail": { status: KycFileStatus, } } | { "kind": "activated", "detail": Record<symbol, never> } | { "kind": "userStatus", "detail": { status: UserStatus, } } | { "kind": "poaUploaded", "detail": { files: Array<FileNote>, status: PoaStatus, } } | { "kind": "poaStatus", "detail": { status: PoaStatus, } } | { "kind": "suspended", "detail": { reason: string | null, status: UserStatus, } } | { "kind": "unsuspended", "detail": { reason: string | null, status: UserStatus, } } | { "kind": "extended", "detail": Record<symbol, never> } | { "kind": "deleted", "detail": Record<symbol, never> } | { "kind": "operationFailed", "detail": { operation: string, p100Code: string | null, message: string, } } | { "kind": "cardCreated", "detail": { cardId: string, label: string, lastDigits: string, } } | { "kind": "cardChanged", "detail": { cardId: string, lastDigits: string, change: CardChange, } } | { "kind": "transferred", "detail": { transferId: string, direction: TransferDirection, amount: string, currency: Currency, } } | { "kind": "exchanged", "detail": { exchangeId: string, amount: string, currencyFrom: Currency, currencyTo: Currency, } } | { "kind": "withdrawn", "detail": { withdrawalId: string, amount: string, currency: Currency, network: Network, walletAddress: string, } } | { "kind": "travelRuleGiven", "detail": { cryptoDepositId: string, sender: string, } } | { "kind": "cardCodeSent", "detail": { cardId: string, lastDigits: string, purpose: CardCodePurpose, } } | { "kind": "noted", "detail": { text: string, } } | { "kind": "tagged", "detail": { tag: string, } } | { "kind": "untagged", "detail": { tag: string, } } | { "kind": "assigned", "detail": { to: string | null, } } | { "kind": "webhookClaim", "detail": { 
/**
 * The webhook's name (`userStatus`, `kycVerificationStatus`, …).
 */
event: string, path: string, 
/**
 * The body as P100 sent it.
 */
claim: Record<string, unknown>, confirmation: Confirmation, note: string | null, } });

export type FunnelStep = { stage: Stage, 
/**
 * Users created in the period who reached this stage.
 */
reached: number, 
/**
 * `reached` over the previous required step's (Proof of address is optional: Active is
 * compared with Verification submitted, and Proof of address shows the share that needed it).
 */
conversion: number | null, 
/**
 * Median time from reaching this stage to reaching a later one, over users who moved on.
 */
medianSecs: number | null, 
/**
 * Users still in this stage now.
 */
current: number, };

export type StageCount = { stage: Stage, count: number, };

export type Funnel = { environment: EnvironmentKind, 
/**
 * Users created at or after this time (RFC 3339); `None` for all time.
 */
from: string | null, users: number, steps: Array<FunnelStep>, 
/**
 * Users beside the path now: needs action, suspended, deleted.
 */
aside: Array<StageCount>, };

export type JournalEntry = { id: number, at: string, 
/**
 * The OS user at the desk.
 */
operator: string, environment: EnvironmentKind, 
/**
 * e.g. `createUser`, the route name of `p100::routes`.
 */
operation: string, 
/**
 * The `externalUserId` acted on.
 */
target: string | null, 
/**
 * `ok`, `error`, or `unknown` (sent, no answer).
 */
outcome: string, p100Code: string | null, httpStatus: number | null, durationMs: number, message: string | null, };

export type JournalFilter = { environment?: EnvironmentKind, operator?: string, operation?: string, 
/**
 * `ok`, `error` or `unknown`.
 */
outcome?: string, 
/**
 * Target (`externalUserId`) contains this.
 */
target?: string, 
/**
 * At or after (RFC 3339).
 */
from?: string, 
/**
 * Before (RFC 3339).
 */
to?: string, 
/**
 * At most this many lines (default 500, at most 10,000).
 */
limit?: number, };

export type SyncStatus = { 
/**
 * Where P100 should send webhooks (`http://127.0.0.1:PORT`), when the receiver runs.
 */
receiverUrl: string | null, 
/**
 * Why the receiver does not run, in words.
 */
receiverError: string | null, 
/**
 * Environments whose webhook token is in the keychain.
 */
tokenSetFor: Array<EnvironmentKind>, 
/**
 * Users whose KYC status is being polled now.
 */
polling: number, };

export type TeamStatus = { 
/**
 * The hub this desk works through; `null`: solo mode.
 */
hubUrl: string | null, 
/**
 * The hub answered just now and accepted the token.
 */
connected: boolean, operator: string | null, role: string | null, 
/**
 * The P100 environment the hub serves.
 */
environment: EnvironmentKind | null, 
/**
 * Why the hub is set but not connected, in words.
 */
problem: string | null, };

export type TrackOutcome = "tracked" | "alreadyTracked" | "unknown" | "refused" | "failed";

export type TrackResult = { externalUserId: string, outcome: TrackOutcome, 
/**
 * The stage a tracked (or already tracked) user stands in.
 */
stage: Stage | null, 
/**
 * Why, for refused, unknown and failed ids.
 */
message: string | null, };

export type ImportOutcome = "created" | "tracked" | "refused" | "failed";

export type RowResult = { 
/**
 * Data rows counted from 1 under the header.
 */
row: number, externalUserId: string, outcome: ImportOutcome, 
/**
 * The refused fields (`""` for the row as a whole).
 */
fields: Array<string>, message?: string, };

export type ImportState = "running" | "paused" | "cancelled" | "done";

export type ImportJob = { id: string, environment: EnvironmentKind, fileName: string, 
/**
 * The operator who started it.
 */
createdBy: string, createdAt: string, updatedAt: string, state: ImportState, 
/**
 * Rows sent to P100 per second at most (429s slow it further).
 */
perSecond: number, rows: number, created: number, tracked: number, refused: number, failed: number, };

export type ImportPreview = { header: Array<string>, 
/**
 * The fields a column may fill: P100's create fields.
 */
fields: Array<string>, 
/**
 * For each column, the create field it fills (none: left out): the operator's choice, or
 * the desk's guess when none was given.
 */
mapping: Array<string | null>, 
/**
 * Why these columns cannot be planned (then no row is counted).
 */
mappingProblem: string | null, 
/**
 * The first rows' cells, to show beside the mapping.
 */
samples: Array<Array<string>>, rows: number, 
/**
 * Rows that would create a user.
 */
creates: number, 
/**
 * Rows with only an `externalUserId`: users that exist at P100, tracked.
 */
tracks: number, 
/**
 * Rows refused before anything is sent, at their fields.
 */
refusals: Array<RowResult>, };

export type PickedCsv = { fileName: string, text: string, };

export type RosterSort = "created" | "name" | "country" | "status" | "stage" | "waiting";

export type AssigneeFilter = "me" | "nobody" | { "operator": string };

export type RosterQuery = { search: string, stage: Stage | null, status: UserStatus | null, country: string | null, 
/**
 * Users carrying this tag.
 */
tag?: string, assignee?: AssigneeFilter, sort: RosterSort, descending: boolean, 
/**
 * The first matching row to answer, counted from 0 in the sort's order.
 */
offset: number, 
/**
 * Rows to answer, 1 to 500.
 */
limit: number, };

export type BoardFilter = { tag?: string, assignee?: AssigneeFilter, };

export type TagColour = "grey" | "red" | "orange" | "yellow" | "green" | "teal" | "blue" | "purple";

export type Tag = { name: string, colour: TagColour, };

export type RosterPage = { 
/**
 * Users in the environment, tombstones included.
 */
total: number, 
/**
 * Users the search and filters match.
 */
matching: number, offset: number, rows: Array<UserRecord>, };

export type BoardColumn = { stage: Stage, count: number, 
/**
 * Oldest arrival in the stage first, at most [`BOARD_CARDS`].
 */
cards: Array<UserRecord>, };

export type RosterFacets = { statuses: Array<UserStatus>, countries: Array<string>, };

export type RetryEvent = { 
/**
 * The outbox entry: what `cancel_operation` takes.
 */
operationId: string, operation: string, target: string, attempt: number, maxAttempts: number, delayMs: number, reason: string, };

export type OutboxState = "pending" | "done" | "failed" | "unknown";

export type OpenOperation = { id: string, environment: EnvironmentKind, operation: string, target: string, 
/**
 * `pending` (no answer was recorded: the desk stopped mid-call) or `unknown` (sent, no answer).
 */
state: OutboxState, attempts: number, createdAt: string, lastError: string | null, 
/**
 * Whether "Send again" is offered: the stored request can be repeated safely. Uploads need
 * the files picked again, and a hosted session or a verification must not be doubled.
 */
retryable: boolean, };

export type FieldError = { 
/**
 * The API field name, e.g. `birthDate`.
 */
field: string, message: string, };

export type CommandError = { 
/**
 * Stable kind: `invalid`, `accessDenied`, `p100`, `rateLimited`, `server`, `network`,
 * `noApiKey`, `keychain`, `store`, `sandbox`, `cancelled`, `alreadyRunning`, `notFound`,
 * `internal`.
 */
code: string, 
/**
 * The sentence to show the operator.
 */
message: string, 
/**
 * The first field at fault, for focusing it.
 */
field: string | null, 
/**
 * Every field at fault with its message.
 */
fields: Array<FieldError>, p100Code: string | null, retryAfterSecs: number | null, };

export type Country = { code: string, name: string, };

export type DocumentType = "ID_CARD" | "PASSPORT" | "RESIDENCE_PERMIT" | "DRIVER_LICENSE";

export type KycFileSide = "front" | "back" | "selfie";

export type IncomeSource = "BUSINESS_ACTIVITY" | "SALARY" | "OTHER" | "MAINTAINED_BY_FAMILY" | "INVESTMENTS" | "SOCIAL_BENEFITS" | "TENANCY";

export type OpenAccountReason = "INVESTMENTS_OR_CRYPTOCURRENCIE" | "CURRENCY_EXCHANGE" | "DAILY_USE" | "GAMING_OR_GAMBLING" | "TRANSFER_OF_FUNDS_OUTSIDE_OF_EUROPE";

export type Occupation = "IT" | "HEALTHCARE_AND_MEDICAL_SERVICES" | "FINANCE_AND_ACCOUNTING" | "EDUCATION_AND_TEACHING" | "SALES_AND_MARKETING" | "ENGINEERING" | "CUSTOMER_SERVICE" | "ADMINISTRATION_AND_OFFICE_MANAGEMENT" | "LEGAL_SERVICES" | "ARTS_AND_DESIGN" | "RETAIL_AND_SALES" | "CONSTRUCTION_AND_TRADES" | "HUMAN_RESOURCES" | "MANUFACTURING_AND_PRODUCTION" | "SCIENCE_AND_RESEARCH";

export type VerificationForm = { documentType: DocumentType, documentNumber: string, issuingCountry: string, issueDate?: string, expiryDate: string, };

export type HostedKycForm = { documentType: DocumentType, country: string, incomeSource: IncomeSource, openAccountReason: OpenAccountReason, taxId?: string, occupation?: Occupation, additionalInfo?: string, };

export type HostedKycSession = { verificationId: string, url: string, };

export type CardStatus = "ACTIVE" | "LOCKED_BY_USER" | "BLOCKED" | "SUSPENDED" | "DELETED";

export type CardSummary = { cardId: string, status: CardStatus, label: string, cardLastDigits: string, };

export type CardLimits = { monthlyTrxAll: number, dailyTrxAll: number, monthlyTrxAtm: number, dailyTrxAtm: number, monthlyTrxEcom: number, dailyTrxEcom: number, };

export type PinTwice = { pin: string, pinAgain: string, };

export type NewCard = { label: string, pin: string, pinAgain: string, };

export type RevealedCard = { cardId: string, status: CardStatus, cardNumber: string, cvv: string, 
/**
 * `MM/YY`.
 */
exp: string, };

export type CopiedCardNumber = { lastDigits: string, clipboardClearedAfterSecs: number, };

export type CardChange = { "kind": "blocked" } | { "kind": "unblocked" } | { "kind": "deleted" } | { "kind": "pinChanged" } | { "kind": "limitsChanged", limits: CardLimits, };

export type CardCodePurpose = "threeDs" | "activation";

export type Currency = "eur" | "btc" | "doge" | "eth" | "eurt" | "ltc" | "pol" | "usdc" | "usdt";

export type Network = "btc" | "doge" | "ethereum" | "ltc" | "polygon";

export type MoveStatus = "PENDING" | "SUCCESSFUL" | "UNSUCCESSFUL";

export type MoveError = { description: string, status: string, };

export type TransferDetails = { id: string, sourceExternalUserId: string | null, destinationExternalUserId: string | null, amount: number, currency: Currency, status: MoveStatus, createdAt: string, error?: MoveError, };

export type ExchangeLock = { 
/**
 * The `lockId` to exchange with.
 */
id: string, rates: Partial<Record<Currency, number>>, 
/**
 * Percent of the amount kept as P100's fee, e.g. `1.49`.
 */
feePercentage: number, createdAt: string, validUntil: string, };

export type ExchangeStatus = "PENDING" | "COMPLETED" | "FAILED";

export type ExchangeDetails = { id: string, sourceExternalUserId: string, currencyFrom: Currency, currencyTo: Currency, 
/**
 * Debited, in `currencyFrom`.
 */
amountFrom: number, 
/**
 * Credited after the fee, in `currencyTo`.
 */
amountTo: number, 
/**
 * Units of `currencyTo` per unit of `currencyFrom`, from the lock.
 */
rate: number, feePercentage: number, 
/**
 * Kept by P100, in `currencyTo`.
 */
fee: number, lockId: string, status: ExchangeStatus, createdAt: string, };

export type NetworkFee = { 
/**
 * In units of the currency.
 */
networkFee: number, };

export type WalletType = "CUSTODIAL" | "NON_CUSTODIAL" | "OTHER";

export type ReceiverType = "NATURAL" | "LEGAL";

export type WithdrawalDetails = { id: string, sourceExternalUserId: string, currency: Currency, network: Network, 
/**
 * Sent to the wallet.
 */
amount: number, 
/**
 * Charged besides the amount: the network's `feeWithdrawal`.
 */
fee: number, 
/**
 * The wallet address.
 */
destination: string, memo?: string, status: MoveStatus, transactionHash?: string, createdAt: string, };

export type DepositWalletType = "CUSTODIAL" | "SELF_CUSTODY";

export type TravelRuleDetails = { iAmOwnerOfWallet?: boolean, firstName?: string, lastName?: string, city?: string, street?: string, postCode?: string, country?: string, companyName?: string, vatId?: string, };

export type TravelRuleUpdate = { walletType: DepositWalletType, externalUserId?: string, details: TravelRuleDetails, };

export type TransferDirection = "fund" | "collect";

export type NewTransfer = { direction: TransferDirection, currency: Currency, amount: string, confirmation: string, };

export type NewExchange = { lockId: string, currencyFrom: Currency, currencyTo: Currency, 
/**
 * In `currencyFrom`.
 */
amount: string, confirmation: string, };

export type NewWithdrawal = { currency: Currency, network: Network | null, amount: string, walletAddress: string, memo: string | null, 
/**
 * The beneficiary's name.
 */
name: string, walletType: WalletType, receiverType: ReceiverType, confirmation: string, };

export type MoveMade = { user: UserRecord, id: string, };

export type DocumentToken = { id: string, name: string, size: number, 
/**
 * `image/jpeg`, `image/png` or `application/pdf`, judged by content.
 */
mime: string, 
/**
 * A small PNG `data:` URL for images.
 */
thumbnail: string | null, };

export type DocumentRejection = { name: string, message: string, };

export type Admitted = { accepted: Array<DocumentToken>, rejected: Array<DocumentRejection>, };

export type KeptDocument = { 
/**
 * `kept-` and a random id: what the viewer asks for.
 */
id: string, environment: EnvironmentKind, externalUserId: string, 
/**
 * What it was to the user: "Passport — photo page", "Selfie", "Proof of address".
 */
label: string, name: string, mime: string, size: number, keptAt: string, };

export type Retention = { 
/**
 * `None`: documents are not kept after upload.
 */
days: number | null, documents: number, bytes: number, };

export type KycFileRef = { side: KycFileSide, token: string, };

export type UploadProgress = { 
/**
 * Index of the file in the request.
 */
file: number, sent: number, total: number, };

export type FiatBalanceStatus = "ACTIVE" | "WAITING_TO_BE_ACTIVATED";

export type FiatBalance = { id: string, 
/**
 * Decimal string with the currency's precision, e.g. `"0.00"`.
 */
amount: string, 
/**
 * Lower-case currency, e.g. `eur`.
 */
name: string, rate: number, 
/**
 * `null` until an IBAN is issued.
 */
iban: string | null, status: FiatBalanceStatus, };

export type WithdrawalConfig = { feeWithdrawal: number, minWithdrawal: number, };

export type DepositConfig = { minDeposit: number, };

export type NetworkConfig = { mainnet: boolean, 
/**
 * e.g. `sepolia`, `amoy`, `test`.
 */
name: string, withdrawal: WithdrawalConfig, deposit: DepositConfig, };

export type CryptoBalance = { id: string, amount: string, name: string, 
/**
 * Deposit address; `null` until created.
 */
wallet: string | null, rate: number, 
/**
 * Keyed by network (`ethereum`, `polygon`, `btc`, `ltc`, …).
 */
networkConfig: { [key in string]: NetworkConfig }, };

export type UserBalances = { fiatBalances: Array<FiatBalance>, cryptoBalances: Array<CryptoBalance>, };

export type TransactionType = "DEPOSIT" | "WITHDRAWAL" | "TRANSFER_IN" | "TRANSFER_OUT" | "FEE" | "EXCHANGE_IN" | "EXCHANGE_OUT";

export type TransactionStatus = "COMPLETED" | "PENDING" | "FAILED";

export type Transaction = { id: string, 
/**
 * RFC 3339, UTC.
 */
createdAt: string, type: TransactionType, status: TransactionStatus, 
/**
 * Lower-case currency, as in balances.
 */
currency: string, 
/**
 * Positive decimal string with the currency's precision.
 */
amount: string, description: string, };

export type TransactionPage = { items: Array<Transaction>, page: number, limit: number, total: number, totalPages: number, };

export type TransactionQuery = { 
/**
 * 1-based page, default 1.
 */
page?: number, 
/**
 * 1–100, default 20.
 */
limit?: number, currency?: string, type?: TransactionType, status?: TransactionStatus, 
/**
 * `YYYY-MM-DD`, inclusive.
 */
from?: string, 
/**
 * `YYYY-MM-DD`, inclusive.
 */
to?: string, };

export type PageEvent = { "kind": "documentsDropped", "data": Admitted } | { "kind": "rosterChanged", "data": UserRecord | null } | { "kind": "operationRetrying", "data": RetryEvent };

export type GeneratedToken = { status: SyncStatus, fingerprint: string, clipboardClearedAfterSecs: number, };
