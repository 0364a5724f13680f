//! Request and response bodies, spelled as P100 spells them (camelCase).

pub mod balances;
pub mod cards;
pub mod kyc;
pub mod money;
pub mod transactions;
pub mod user;

pub use balances::{CryptoBalance, FiatBalance, FiatBalanceStatus, NetworkConfig, UserBalances};
pub use cards::{
    CardDetails, CardLimits, CardLimitsUpdate, CardList, CardPinRequest, CardRef, CardStatus,
    CardSummary, CreateCardRequest, CreatedCard, Message,
};
pub use kyc::{
    AttemptStatus, CreateKycVerificationRequest, CreateKycVerificationResponse, DocumentType,
    IncomeSource, KycFileSide, KycFileStatus, KycFilesResponse, KycStatus, Occupation,
    OpenAccountReason, VerificationStatus,
};
pub use transactions::{
    Transaction, TransactionPage, TransactionQuery, TransactionStatus, TransactionType,
};
pub use user::{
    CreateUserRequest, CreateUserResponse, PoaStatus, PoaUploadResponse, SuspendRequest,
    UserAccount, UserProfile, UserStatus, UserVerificationRequest,
};
