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

export type UserRecord = { environment: EnvironmentKind, externalUserId: string, 
/**
 * P100's own id, once P100 answered.
 */
userId: string | null, email: string | null, firstName: string | null, lastName: string | null, country: string | null, citizenship: string | null, 
/**
 * P100's user status (`WAITING_FOR_ACTIVATION`, `ACTIVE`, …).
 */
status: string, poaRequiredForExtended: boolean, extended: boolean, 
/**
 * `files` (Method A) or `hosted` (Method B), once KYC started.
 */
kycMethod: string | null, 
/**
 * The hosted session's id (Method B).
 */
verificationId: string | null, verificationStatus: string | null, attemptStatus: string | null, rejectionReason: string | null, poaStatus: string | null, createdAt: string, updatedAt: string, 
/**
 * Set when the user was deleted: the row stays as a tombstone.
 */
deletedAt: string | null, };

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

export type FieldError = { 
/**
 * The API field name, e.g. `birthDate`.
 */
field: string, message: string, };

export type CommandError = { 
/**
 * Stable kind: `invalid`, `accessDenied`, `p100`, `rateLimited`, `server`, `network`,
 * `noApiKey`, `keychain`, `store`, `sandbox`, `internal`.
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
