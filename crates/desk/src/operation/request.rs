//! What an operation asks P100 to do, as one typed value. Its outbox form (the route's name, the
//! user, and the request as JSON — files by name and size, never their bytes) is how the desk
//! remembers an operation before it is sent, and what it reads back when the operation was left
//! open; whether it may be sent again and what P100 answers a repeat of it are matches on it.

use crate::error::{Error, Result};
use crate::timeline::FileNote;
use p100::codes::Code;
use p100::models::money::{
    CryptoWithdrawalRequest, ExchangeRequest, TransferRequest, TravelRuleUpdate,
};
use p100::models::{
    CardLimits, CreateKycVerificationRequest, CreateUserRequest, DocumentType, UserProfile,
    UserVerificationRequest,
};
use p100::routes::{self, Route};
use serde_json::{Value, json};

/// One mutating call to P100.
#[derive(Debug, Clone, PartialEq)]
pub enum Operation {
    CreateUser(CreateUserRequest),
    /// Only the fields that changed.
    UpdateUser {
        external_user_id: String,
        changes: UserProfile,
    },
    DeleteUser {
        external_user_id: String,
    },
    SuspendUser {
        external_user_id: String,
        reason: String,
    },
    UnsuspendUser {
        external_user_id: String,
        reason: Option<String>,
    },
    ExtendUser {
        external_user_id: String,
    },
    AddUserVerification(UserVerificationRequest),
    CreateKycVerification {
        external_user_id: String,
        request: CreateKycVerificationRequest,
    },
    AddKycFiles {
        external_user_id: String,
        document_type: DocumentType,
        files: Vec<FileNote>,
    },
    AddPoaFiles {
        external_user_id: String,
        files: Vec<FileNote>,
    },
    /// A new virtual card. The PIN is sent, never kept: the outbox holds the label only.
    CreateCard {
        external_user_id: String,
        label: String,
    },
    /// A new PIN for a card — the PIN itself never kept.
    UpdateCardPin {
        external_user_id: String,
        card_id: String,
    },
    BlockCard {
        external_user_id: String,
        card_id: String,
    },
    UnblockCard {
        external_user_id: String,
        card_id: String,
    },
    DeleteCard {
        external_user_id: String,
        card_id: String,
    },
    UpdateCardLimits {
        external_user_id: String,
        card_id: String,
        limits: CardLimits,
    },
    /// Funds a user from the partner's balance or collects from them.
    Transfer(TransferRequest),
    CreateExchange(ExchangeRequest),
    CreateWithdrawal(CryptoWithdrawalRequest),
    UpdateTravelRule {
        external_user_id: String,
        crypto_deposit_id: String,
        update: TravelRuleUpdate,
    },
}

/// An outbox request being read as the type its operation takes.
struct Typed<'a>(&'a str, Value);

impl Typed<'_> {
    fn read<T: serde::de::DeserializeOwned>(self) -> Result<T> {
        let name = self.0;
        serde_json::from_value(self.1).map_err(|e| unreadable(name, e.to_string()))
    }
}

fn unreadable(name: &str, why: String) -> Error {
    Error::Unreadable {
        what: "an outbox entry",
        value: format!("{name}: {why}"),
    }
}

impl Operation {
    /// The P100 route it calls.
    pub fn route(&self) -> &'static Route {
        match self {
            Operation::CreateUser(_) => &routes::CREATE_USER,
            Operation::UpdateUser { .. } => &routes::UPDATE_USER,
            Operation::DeleteUser { .. } => &routes::DELETE_USER,
            Operation::SuspendUser { .. } => &routes::SUSPEND_USER,
            Operation::UnsuspendUser { .. } => &routes::UNSUSPEND_USER,
            Operation::ExtendUser { .. } => &routes::EXTEND_USER,
            Operation::AddUserVerification(_) => &routes::ADD_USER_VERIFICATION,
            Operation::CreateKycVerification { .. } => &routes::CREATE_KYC_VERIFICATION,
            Operation::AddKycFiles { .. } => &routes::ADD_KYC_FILE,
            Operation::AddPoaFiles { .. } => &routes::ADD_POA_FILE,
            Operation::CreateCard { .. } => &routes::CREATE_CARD,
            Operation::UpdateCardPin { .. } => &routes::UPDATE_CARD_PIN,
            Operation::BlockCard { .. } => &routes::BLOCK_CARD,
            Operation::UnblockCard { .. } => &routes::UNBLOCK_CARD,
            Operation::DeleteCard { .. } => &routes::DELETE_CARD,
            Operation::UpdateCardLimits { .. } => &routes::UPDATE_CARD_LIMITS,
            Operation::Transfer(_) => &routes::CREATE_TRANSFER,
            Operation::CreateExchange(_) => &routes::CREATE_EXCHANGE,
            Operation::CreateWithdrawal(_) => &routes::CREATE_CRYPTO_WITHDRAWAL,
            Operation::UpdateTravelRule { .. } => &routes::UPDATE_TRAVEL_RULE,
        }
    }

    /// The user it acts on.
    pub fn target(&self) -> &str {
        match self {
            Operation::CreateUser(r) => &r.external_user_id,
            Operation::AddUserVerification(r) => &r.external_user_id,
            // Checked before it is made: a transfer names exactly one user.
            Operation::Transfer(r) => r.user().map_or("", |(ext, _)| ext),
            Operation::CreateExchange(r) => &r.source_external_user_id,
            Operation::CreateWithdrawal(r) => &r.source_external_user_id,
            Operation::UpdateUser {
                external_user_id, ..
            }
            | Operation::DeleteUser { external_user_id }
            | Operation::SuspendUser {
                external_user_id, ..
            }
            | Operation::UnsuspendUser {
                external_user_id, ..
            }
            | Operation::ExtendUser { external_user_id }
            | Operation::CreateKycVerification {
                external_user_id, ..
            }
            | Operation::AddKycFiles {
                external_user_id, ..
            }
            | Operation::AddPoaFiles {
                external_user_id, ..
            }
            | Operation::CreateCard {
                external_user_id, ..
            }
            | Operation::UpdateCardPin {
                external_user_id, ..
            }
            | Operation::BlockCard {
                external_user_id, ..
            }
            | Operation::UnblockCard {
                external_user_id, ..
            }
            | Operation::DeleteCard {
                external_user_id, ..
            }
            | Operation::UpdateCardLimits {
                external_user_id, ..
            }
            | Operation::UpdateTravelRule {
                external_user_id, ..
            } => external_user_id,
        }
    }

    /// The request as the outbox keeps it.
    pub fn payload(&self) -> Value {
        let files = |f: &[FileNote]| -> Vec<FileNote> {
            // Names, sizes and types: the thumbnails stay on the timeline only.
            f.iter()
                .map(|n| FileNote {
                    thumbnail: None,
                    ..n.clone()
                })
                .collect()
        };
        match self {
            Operation::CreateUser(r) => serde_json::to_value(r).unwrap_or_default(),
            Operation::UpdateUser { changes, .. } => {
                serde_json::to_value(changes).unwrap_or_default()
            }
            Operation::DeleteUser { .. } | Operation::ExtendUser { .. } => Value::Null,
            Operation::SuspendUser { reason, .. } => json!({ "reason": reason }),
            Operation::UnsuspendUser { reason, .. } => json!({ "reason": reason }),
            Operation::AddUserVerification(r) => serde_json::to_value(r).unwrap_or_default(),
            Operation::CreateKycVerification { request, .. } => {
                serde_json::to_value(request).unwrap_or_default()
            }
            Operation::AddKycFiles {
                document_type,
                files: f,
                ..
            } => json!({ "documentType": document_type, "files": files(f) }),
            Operation::AddPoaFiles { files: f, .. } => json!({ "files": files(f) }),
            Operation::CreateCard { label, .. } => json!({ "label": label }),
            Operation::UpdateCardPin { card_id, .. }
            | Operation::BlockCard { card_id, .. }
            | Operation::UnblockCard { card_id, .. }
            | Operation::DeleteCard { card_id, .. } => json!({ "cardId": card_id }),
            Operation::UpdateCardLimits {
                card_id, limits, ..
            } => {
                let mut v = serde_json::to_value(limits).unwrap_or_default();
                v["cardId"] = json!(card_id);
                v
            }
            Operation::Transfer(r) => serde_json::to_value(r).unwrap_or_default(),
            Operation::CreateExchange(r) => serde_json::to_value(r).unwrap_or_default(),
            Operation::CreateWithdrawal(r) => serde_json::to_value(r).unwrap_or_default(),
            Operation::UpdateTravelRule {
                crypto_deposit_id,
                update,
                ..
            } => json!({ "cryptoDepositId": crypto_deposit_id, "update": update }),
        }
    }

    /// Reads an operation back from the outbox. One this desk cannot read is an error.
    pub fn from_outbox(name: &str, target: &str, payload: &Value) -> Result<Operation> {
        let unreadable = |why: String| unreadable(name, why);
        let typed = |v: Value| Typed(name, v);
        let ext = target.to_owned();
        let text = |key: &str| payload.get(key).and_then(Value::as_str).map(str::to_owned);
        let card_id = || text("cardId").ok_or_else(|| unreadable("no cardId".into()));
        Ok(match name {
            n if n == routes::CREATE_USER.name => {
                Operation::CreateUser(typed(payload.clone()).read()?)
            }
            n if n == routes::UPDATE_USER.name => Operation::UpdateUser {
                external_user_id: ext,
                changes: typed(payload.clone()).read()?,
            },
            n if n == routes::DELETE_USER.name => Operation::DeleteUser {
                external_user_id: ext,
            },
            n if n == routes::SUSPEND_USER.name => Operation::SuspendUser {
                external_user_id: ext,
                reason: text("reason").ok_or_else(|| unreadable("no reason".into()))?,
            },
            n if n == routes::UNSUSPEND_USER.name => Operation::UnsuspendUser {
                external_user_id: ext,
                reason: text("reason"),
            },
            n if n == routes::EXTEND_USER.name => Operation::ExtendUser {
                external_user_id: ext,
            },
            n if n == routes::ADD_USER_VERIFICATION.name => {
                Operation::AddUserVerification(typed(payload.clone()).read()?)
            }
            n if n == routes::CREATE_KYC_VERIFICATION.name => Operation::CreateKycVerification {
                external_user_id: ext,
                request: typed(payload.clone()).read()?,
            },
            n if n == routes::ADD_KYC_FILE.name => Operation::AddKycFiles {
                external_user_id: ext,
                document_type: typed(payload.get("documentType").cloned().unwrap_or_default())
                    .read()?,
                files: typed(payload.get("files").cloned().unwrap_or_default()).read()?,
            },
            n if n == routes::ADD_POA_FILE.name => Operation::AddPoaFiles {
                external_user_id: ext,
                files: typed(payload.get("files").cloned().unwrap_or_default()).read()?,
            },
            n if n == routes::CREATE_CARD.name => Operation::CreateCard {
                external_user_id: ext,
                label: text("label").ok_or_else(|| unreadable("no label".into()))?,
            },
            n if n == routes::UPDATE_CARD_LIMITS.name => Operation::UpdateCardLimits {
                external_user_id: ext,
                card_id: card_id()?,
                limits: typed(payload.clone()).read()?,
            },
            n if n == routes::UPDATE_CARD_PIN.name => Operation::UpdateCardPin {
                external_user_id: ext,
                card_id: card_id()?,
            },
            n if n == routes::BLOCK_CARD.name => Operation::BlockCard {
                external_user_id: ext,
                card_id: card_id()?,
            },
            n if n == routes::UNBLOCK_CARD.name => Operation::UnblockCard {
                external_user_id: ext,
                card_id: card_id()?,
            },
            n if n == routes::DELETE_CARD.name => Operation::DeleteCard {
                external_user_id: ext,
                card_id: card_id()?,
            },
            n if n == routes::CREATE_TRANSFER.name => {
                Operation::Transfer(typed(payload.clone()).read()?)
            }
            n if n == routes::CREATE_EXCHANGE.name => {
                Operation::CreateExchange(typed(payload.clone()).read()?)
            }
            n if n == routes::CREATE_CRYPTO_WITHDRAWAL.name => {
                Operation::CreateWithdrawal(typed(payload.clone()).read()?)
            }
            n if n == routes::UPDATE_TRAVEL_RULE.name => Operation::UpdateTravelRule {
                external_user_id: ext,
                crypto_deposit_id: text("cryptoDepositId")
                    .ok_or_else(|| unreadable("no cryptoDepositId".into()))?,
                update: typed(payload.get("update").cloned().unwrap_or_default()).read()?,
            },
            other => return Err(unreadable(format!("no operation is called {other}"))),
        })
    }

    /// Whether an operation left open may be sent again as stored: only what a repeat cannot
    /// double. Not uploads (the desk keeps no documents to send again), not a verification (a
    /// second review) nor a hosted session (a second billed check), not a new card (a second
    /// card; and its PIN is not kept) nor a new PIN (not kept), nor a transfer, an exchange or a
    /// withdrawal (P100 takes no idempotency key: a repeat could move the money twice). The
    /// travel rule's data may: the same data again is answered as done.
    pub fn can_send_again(&self) -> bool {
        match self {
            Operation::CreateUser(_)
            | Operation::UpdateUser { .. }
            | Operation::DeleteUser { .. }
            | Operation::SuspendUser { .. }
            | Operation::UnsuspendUser { .. }
            | Operation::ExtendUser { .. }
            | Operation::BlockCard { .. }
            | Operation::UnblockCard { .. }
            | Operation::DeleteCard { .. }
            | Operation::UpdateCardLimits { .. }
            | Operation::UpdateTravelRule { .. } => true,
            Operation::CreateCard { .. }
            | Operation::UpdateCardPin { .. }
            | Operation::AddUserVerification(_)
            | Operation::CreateKycVerification { .. }
            | Operation::AddKycFiles { .. }
            | Operation::AddPoaFiles { .. }
            | Operation::Transfer(_)
            | Operation::CreateExchange(_)
            | Operation::CreateWithdrawal(_) => false,
        }
    }

    /// What P100 answers to a repeat of this operation once it happened: after an attempt whose
    /// outcome was unknown, that answer means it did (reconciliation). Our `externalUserId` is
    /// a fresh UUID, so `P411` for a create can only be our own earlier attempt.
    pub fn already_done(&self) -> Option<Code> {
        match self {
            Operation::CreateUser(_) => Some(Code::UserExists),
            Operation::DeleteUser { .. } => Some(Code::UserNotFound),
            Operation::SuspendUser { .. } => Some(Code::UserSuspended),
            Operation::UnsuspendUser { .. } => Some(Code::InvalidState),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_reads_back_from_its_outbox_form() {
        let ext = "u-1".to_owned();
        let ops = [
            Operation::UpdateUser {
                external_user_id: ext.clone(),
                changes: UserProfile {
                    city: Some("Lviv".into()),
                    ..Default::default()
                },
            },
            Operation::DeleteUser {
                external_user_id: ext.clone(),
            },
            Operation::SuspendUser {
                external_user_id: ext.clone(),
                reason: "fraud check".into(),
            },
            Operation::UnsuspendUser {
                external_user_id: ext.clone(),
                reason: None,
            },
            Operation::ExtendUser {
                external_user_id: ext.clone(),
            },
            Operation::CreateCard {
                external_user_id: ext.clone(),
                label: "Travel".into(),
            },
            Operation::UpdateCardPin {
                external_user_id: ext.clone(),
                card_id: "c-1".into(),
            },
            Operation::BlockCard {
                external_user_id: ext.clone(),
                card_id: "c-1".into(),
            },
            Operation::UnblockCard {
                external_user_id: ext.clone(),
                card_id: "c-1".into(),
            },
            Operation::DeleteCard {
                external_user_id: ext.clone(),
                card_id: "c-1".into(),
            },
            Operation::UpdateCardLimits {
                external_user_id: ext.clone(),
                card_id: "c-1".into(),
                limits: CardLimits::NEW_CARD,
            },
            Operation::Transfer(TransferRequest {
                source_external_user_id: None,
                destination_external_user_id: Some(ext.clone()),
                amount: 12.5,
                currency: p100::models::money::Currency::Eur,
            }),
            Operation::CreateExchange(ExchangeRequest {
                source_external_user_id: ext.clone(),
                amount: 0.001,
                currency_from: p100::models::money::Currency::Btc,
                currency_to: p100::models::money::Currency::Eur,
                lock_id: "l-1".into(),
            }),
            Operation::UpdateTravelRule {
                external_user_id: ext.clone(),
                crypto_deposit_id: "d-1".into(),
                update: TravelRuleUpdate {
                    wallet_type: p100::models::money::DepositWalletType::Custodial,
                    external_user_id: Some(ext.clone()),
                    details: Default::default(),
                },
            },
            Operation::AddPoaFiles {
                external_user_id: ext.clone(),
                files: vec![FileNote {
                    side: "files".into(),
                    name: "bill.pdf".into(),
                    size: 10,
                    mime: "application/pdf".into(),
                    thumbnail: None,
                }],
            },
        ];
        for op in ops {
            let back = Operation::from_outbox(op.route().name, op.target(), &op.payload()).unwrap();
            assert_eq!(back, op);
        }
        assert!(Operation::from_outbox("teleportUser", "u", &Value::Null).is_err());
        assert!(Operation::from_outbox("suspendUser", "u", &json!({})).is_err());
    }
}
