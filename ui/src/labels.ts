// Readable words for P100's codes. The select values stay the enum values the API takes; only
// what the operator reads changes. Maps typed over a union are checked for completeness by tsc.
import type {
  DocumentType,
  IncomeSource,
  KycFileSide,
  Occupation,
  OpenAccountReason,
  OutboxState,
  TransactionStatus,
  TransactionType,
  UserStatus,
} from './api/bindings';

export interface Option<T extends string> {
  value: T;
  label: string;
}

/** Values shown as they are (operators, P100 statuses, country codes seen in the data). */
export const plainOptions = (values: readonly string[]): Array<Option<string>> =>
  values.map((value) => ({ value, label: value }));

const options = <T extends string>(labels: Record<T, string>): Array<Option<T>> =>
  (Object.keys(labels) as T[]).map((value) => ({ value, label: labels[value] }));

export const DOCUMENT_TYPE_LABELS: Record<DocumentType, string> = {
  ID_CARD: 'ID card',
  RESIDENCE_PERMIT: 'Residence permit',
  PASSPORT: 'Passport',
  DRIVER_LICENSE: 'Driving licence',
};
export const DOCUMENT_TYPES = options(DOCUMENT_TYPE_LABELS);

/** Method A (file upload) takes these three; hosted KYC also takes a driving licence. */
export const FILE_DOCUMENT_TYPES = ['ID_CARD', 'RESIDENCE_PERMIT', 'PASSPORT'] as const;
export type FileDocumentType = (typeof FILE_DOCUMENT_TYPES)[number];

/** The sides each Method A document needs, in the order a drop fills them. */
export const SIDES_FOR: Record<FileDocumentType, KycFileSide[]> = {
  ID_CARD: ['front', 'back', 'selfie'],
  RESIDENCE_PERMIT: ['front', 'back', 'selfie'],
  PASSPORT: ['front', 'selfie'],
};

export function sideLabel(type: FileDocumentType, side: KycFileSide): string {
  if (side === 'front') return type === 'PASSPORT' ? 'Photo page' : 'Front';
  return side === 'back' ? 'Back' : 'Selfie';
}

export const INCOME_SOURCE_LABELS: Record<IncomeSource, string> = {
  SALARY: 'Salary',
  BUSINESS_ACTIVITY: 'Business activity',
  INVESTMENTS: 'Investments',
  TENANCY: 'Rent (tenancy)',
  SOCIAL_BENEFITS: 'Social benefits',
  MAINTAINED_BY_FAMILY: 'Maintained by family',
  OTHER: 'Other',
};
export const INCOME_SOURCES = options(INCOME_SOURCE_LABELS);

export const OPEN_ACCOUNT_REASON_LABELS: Record<OpenAccountReason, string> = {
  DAILY_USE: 'Daily use',
  CURRENCY_EXCHANGE: 'Currency exchange',
  INVESTMENTS_OR_CRYPTOCURRENCIE: 'Investments or cryptocurrencies',
  TRANSFER_OF_FUNDS_OUTSIDE_OF_EUROPE: 'Transfer of funds outside Europe',
  GAMING_OR_GAMBLING: 'Gaming or gambling',
};
export const OPEN_ACCOUNT_REASONS = options(OPEN_ACCOUNT_REASON_LABELS);

export const OCCUPATION_LABELS: Record<Occupation, string> = {
  IT: 'IT',
  HEALTHCARE_AND_MEDICAL_SERVICES: 'Healthcare and medical services',
  FINANCE_AND_ACCOUNTING: 'Finance and accounting',
  EDUCATION_AND_TEACHING: 'Education and teaching',
  SALES_AND_MARKETING: 'Sales and marketing',
  ENGINEERING: 'Engineering',
  CUSTOMER_SERVICE: 'Customer service',
  ADMINISTRATION_AND_OFFICE_MANAGEMENT: 'Administration and office management',
  LEGAL_SERVICES: 'Legal services',
  ARTS_AND_DESIGN: 'Arts and design',
  RETAIL_AND_SALES: 'Retail and sales',
  CONSTRUCTION_AND_TRADES: 'Construction and trades',
  HUMAN_RESOURCES: 'Human resources',
  MANUFACTURING_AND_PRODUCTION: 'Manufacturing and production',
  SCIENCE_AND_RESEARCH: 'Science and research',
};
export const OCCUPATIONS = options(OCCUPATION_LABELS);

export const TRANSACTION_TYPE_LABELS: Record<TransactionType, string> = {
  DEPOSIT: 'Deposit',
  WITHDRAWAL: 'Withdrawal',
  TRANSFER_IN: 'Transfer in',
  TRANSFER_OUT: 'Transfer out',
  FEE: 'Fee',
  EXCHANGE_IN: 'Exchange in',
  EXCHANGE_OUT: 'Exchange out',
};
export const TRANSACTION_TYPES = options(TRANSACTION_TYPE_LABELS);

export const TRANSACTION_STATUS_LABELS: Record<TransactionStatus, string> = {
  COMPLETED: 'Completed',
  PENDING: 'Pending',
  FAILED: 'Failed',
};
export const TRANSACTION_STATUSES = options(TRANSACTION_STATUS_LABELS);

export const USER_STATUS_LABELS: Record<UserStatus, string> = {
  WAITING_FOR_ACTIVATION: 'Waiting for activation',
  ACTIVE: 'Active',
  SUSPENDED: 'Suspended',
  DELETED: 'Deleted',
};

/** A user status in words; a code P100 added since is shown humanized rather than hidden. */
export const userStatusLabel = (code: string): string => USER_STATUS_LABELS[code as UserStatus] ?? humanize(code);

/** Statuses seen in the data, for a filter: the value stays P100's code, the label is words. */
export const userStatusOptions = (codes: readonly string[]): Array<Option<string>> =>
  codes.map((value) => ({ value, label: userStatusLabel(value) }));

/** `SOME_CODE` → `Some code`, for codes without a sentence of their own. */
/** The desk's operations (the route names of `p100::routes`) as an operator says them. */
const OPERATION_LABELS: Record<string, string> = {
  createUser: 'Create user',
  createUserWithoutKyc: 'Create user for hosted KYC',
  addKycFile: 'Upload identity documents',
  addPoaFile: 'Upload proof of address',
  addUserVerification: 'Submit verification',
  extendUser: 'Extend user',
  updateUser: 'Update profile',
  deleteUser: 'Delete user',
  suspendUser: 'Suspend user',
  unsuspendUser: 'Unsuspend user',
  getUserBalances: 'Read balances',
  getUserTransactions: 'Read transactions',
  createKycVerification: 'Start hosted KYC',
  redirectToVerification: 'Open hosted KYC',
  getKycStatus: 'Read KYC status',
  createCard: 'Create card',
  getCardDetails: 'Reveal card',
  updateCardPin: 'Set card PIN',
  blockCard: 'Block card',
  unblockCard: 'Unblock card',
  updateCardLimits: 'Set card limits',
  deleteCard: 'Delete card',
  // The desk's own: what operators write on a user (never sent to P100).
  addNote: 'Add note',
  tagUser: 'Tag user',
  untagUser: 'Remove tag',
  assignUser: 'Assign user',
};

/** An operation in words; one the table does not know, its camelCase name split into words. */
export function operationLabel(code: string): string {
  return OPERATION_LABELS[code] ?? humanize(code.replace(/([a-z0-9])([A-Z])/g, '$1_$2'));
}

/** Operations for a filter: each in words, P100's route name as the value. */
export const operationOptions = (codes: readonly string[]): Array<Option<string>> =>
  codes.map((value) => ({ value, label: operationLabel(value) }));

export const OUTBOX_STATE_LABELS: Record<OutboxState, string> = {
  pending: 'waiting to be sent',
  done: 'done',
  failed: 'failed',
  unknown: 'outcome unknown (P100 may have done it)',
};

export function humanize(code: string): string {
  const s = code.toLowerCase().replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const explain = (table: Record<string, string>, code: string | null): string | null =>
  code === null ? null : (table[code] ?? humanize(code));

const VERIFICATION_STATUS: Record<string, string> = {
  NOT_VERIFIED: 'Not verified yet',
  VERIFIED: 'Verified',
  EXPIRED: 'The verification has expired',
};

const ATTEMPT_STATUS: Record<string, string> = {
  PENDING: 'Waiting for documents or for the user to finish',
  VERIFICATION: 'The provider is checking the documents',
  REJECTED_BY_PROVIDER: 'The provider rejected the latest attempt',
  SUCCESSFUL: 'The latest attempt succeeded',
};

const REJECTION_REASON: Record<string, string> = {
  NO_FACE_FOUND: 'The provider found no face in the selfie',
  DOCUMENT_DAMAGED: 'The document is damaged or cannot be read',
  DOCUMENT_EXPIRED: 'The document has expired',
  FACE_MISMATCH: 'The face in the selfie does not match the document photo',
  SUSPECTED_FRAUD: 'The provider suspects fraud',
  UNSUPPORTED_DOCUMENT: 'The provider does not accept this kind of document',
};

const POA_STATUS: Record<string, string> = {
  WAITING: 'Waiting for review',
  APPROVED: 'Approved',
  REJECTED: 'Rejected — upload a new proof of address',
  QUESTIONED: 'Questioned — the reviewer needs more information',
};

export const explainVerificationStatus = (code: string | null) => explain(VERIFICATION_STATUS, code);
export const explainAttemptStatus = (code: string | null) => explain(ATTEMPT_STATUS, code);
export const explainRejectionReason = (code: string | null) => explain(REJECTION_REASON, code);
export const explainPoaStatus = (code: string | null) => explain(POA_STATUS, code);

export const KYC_METHOD_LABELS: Record<string, string> = {
  files: 'Method A (document upload)',
  hosted: 'Method B (hosted page)',
};
