//! A user as the sandbox keeps it: P100's visible states plus what the sandbox needs to drive
//! them (files received, pending reviews). Serialisable for `--state` and the admin routes.

use p100::models::Transaction;
use p100::models::money::{
    CryptoDeposit, Currency, ExchangeDetails, ExchangeLock, TransferDetails, TravelRuleUpdate,
    WithdrawalDetails,
};
use p100::models::{
    AttemptStatus, CardLimits, CardStatus, CardSummary, DocumentType, KycFileSide, KycStatus,
    PoaStatus, UserAccount, UserBalances, UserProfile, UserStatus, UserVerificationRequest,
    VerificationStatus,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub external_user_id: String,
    pub user_id: String,
    pub created_at: String,
    pub profile: UserProfile,
    pub status: UserStatus,
    /// The status to return to on unsuspend.
    pub status_before_suspension: Option<UserStatus>,
    pub poa_required_for_extended: bool,
    pub extended: bool,
    /// Every card the user was given, deleted ones too (they count in the creation windows).
    #[serde(default)]
    pub cards: Vec<Card>,
    /// Transfers, exchanges, withdrawals and deposits (none in an older `--state` file).
    #[serde(default)]
    pub moves: Moves,
    pub kyc: Option<Kyc>,
    pub poa: Option<Poa>,
    pub verification: Option<UserVerificationRequest>,
    /// When the user became `ACTIVE`; balances and history exist from then on.
    pub activated_at: Option<String>,
    pub balances: Option<UserBalances>,
    /// The KYC decision due (verification or hosted check), if any.
    pub review: Option<Review>,
    /// The POA decision due, if any; independent of the KYC one.
    pub poa_review: Option<PoaOutcome>,
    /// Bumped whenever a review is started or decided, so a stale timer does nothing.
    pub review_seq: u64,
    pub poa_seq: u64,
}

/// A virtual card as P100 keeps it: the sandbox is P100 here, so it holds the full number, CVV
/// and PIN (fake ones) — never printed by `Debug`.
#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Card {
    pub card_id: String,
    pub label: String,
    pub number: String,
    pub cvv: String,
    /// `MM/YY`.
    pub exp: String,
    pub pin: String,
    pub status: CardStatus,
    pub created_at: String,
    pub limits: CardLimits,
}

impl std::fmt::Debug for Card {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Card")
            .field("card_id", &self.card_id)
            .field("label", &self.label)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

impl Card {
    pub fn summary(&self) -> CardSummary {
        CardSummary {
            card_id: self.card_id.clone(),
            status: self.status,
            label: self.label.clone(),
            card_last_digits: p100::models::cards::last_digits(&self.number),
        }
    }
}

/// How the user's identity documents reached P100.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    tag = "method"
)]
pub enum KycMethod {
    /// Method A: the partner uploads images; `files` maps each received side to its file name.
    Files {
        document_type: DocumentType,
        files: BTreeMap<KycFileSide, String>,
    },
    /// Method B: P100-hosted check.
    Hosted {
        verification_id: String,
        document_type: DocumentType,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Kyc {
    pub method: KycMethod,
    pub verification_status: VerificationStatus,
    pub attempt_status: AttemptStatus,
    pub rejection_reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Poa {
    /// `None` until the first upload.
    pub status: Option<PoaStatus>,
    pub files: Vec<String>,
}

/// A decision the sandbox will take by itself after the review delay.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Review {
    /// Add User Verification submitted: approve activates the user.
    Verification { outcome: Outcome },
    /// The hosted (Method B) check was completed by the end user on the provider page.
    Hosted { outcome: Outcome },
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase", tag = "decision")]
pub enum Outcome {
    Approve,
    Reject {
        reason: String,
    },
    /// Magic `MANUAL…`: wait for `/_sandbox/users/{id}/kyc`.
    Manual,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum PoaOutcome {
    Approve,
    Reject,
    Question,
    Manual,
}

impl User {
    pub fn kyc_status(&self) -> Option<KycStatus> {
        self.kyc.as_ref().map(|k| KycStatus {
            external_user_id: self.external_user_id.clone(),
            verification_status: k.verification_status,
            attempt_status: Some(k.attempt_status),
            rejection_reason: k.rejection_reason.clone(),
            poa_status: self.poa.as_ref().and_then(|p| p.status),
        })
    }

    pub fn account(&self) -> UserAccount {
        UserAccount {
            external_user_id: self.external_user_id.clone(),
            user_id: self.user_id.clone(),
            status: self.status,
            poa_required_for_extended: self.poa_required_for_extended,
            extended: self.extended,
            profile: self.profile.clone(),
        }
    }
}

/// The money a user moved through the sandbox (transfers, exchanges, withdrawals, deposits) as
/// P100 would keep it, and the history entries those moves added to the seeded history.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Moves {
    pub transfers: Vec<TransferDetails>,
    pub locks: Vec<Lock>,
    pub exchanges: Vec<ExchangeDetails>,
    pub withdrawals: Vec<WithdrawalDetails>,
    pub deposits: Vec<Deposit>,
    /// Oldest first; shown newest first with the seeded history.
    pub history: Vec<Transaction>,
}

/// An exchange lock and whether an exchange used it (a lock is good for one exchange).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Lock {
    pub lock: ExchangeLock,
    pub used: bool,
}

/// A crypto deposit and the travel-rule data it was given, if any.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Deposit {
    pub deposit: CryptoDeposit,
    pub travel_rule: Option<TravelRuleUpdate>,
}

/// The partner's side of the money: its balances (minor units) and the last month whose card
/// fees were charged. Small on purpose: every change of a user copies it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Partner {
    pub balances: BTreeMap<Currency, i128>,
    /// `YYYY-MM`: every live card has paid its fee up to this month.
    pub fees_through: Option<String>,
}
