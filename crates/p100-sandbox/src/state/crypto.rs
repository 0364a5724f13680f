//! Crypto withdrawals and deposits (REFERENCE-user-money.md §5–§6): the network fee, a
//! withdrawal over one of its currency's networks, a deposit held for travel-rule data and the
//! update that releases it. Chosen where P100 is silent: docs/decisions.md, "Money".

use super::money::{balances_of, entry, minor, new_id, user_cannot_pay};
use super::{Sandbox, now};
use crate::error::ApiError;
use crate::model::Deposit;
use crate::money::{adjust, withdrawal_terms};
use crate::webhooks::WebhookEvent;
use p100::FieldError;
use p100::models::money::{
    CryptoDeposit, CryptoWithdrawalRequest, Currency, DepositStatus, MoveStatus, Network,
    NetworkFee, TravelRuleUpdate, WithdrawalCreated, WithdrawalDetails,
};
use p100::models::{Message, TransactionStatus, TransactionType};
use std::sync::Arc;

/// A withdrawal with this memo fails when it settles, and is refunded (sandbox magic).
pub const FAILING_MEMO: &str = "FAIL";

impl Sandbox {
    /// Get Network Fee: what a withdrawal over that network is charged besides its amount.
    pub fn network_fee(currency: Currency, network: Network) -> Result<NetworkFee, ApiError> {
        withdrawal_terms(currency, network)
            .map(|(fee, _)| NetworkFee { network_fee: fee })
            .ok_or_else(|| ApiError::invalid_currency(currency.as_str()))
    }

    /// Create Crypto Withdrawal, already checked (network, address, precision): at least the
    /// network's minimum; the amount and the fee are debited now, refunded if it fails.
    pub fn create_withdrawal(
        self: &Arc<Self>,
        req: CryptoWithdrawalRequest,
        network: Network,
    ) -> Result<WithdrawalCreated, ApiError> {
        let c = req.currency;
        let (fee, min) =
            withdrawal_terms(c, network).ok_or_else(|| ApiError::invalid_currency(c.as_str()))?;
        if req.amount < min {
            return Err(ApiError::validation(&[FieldError::new(
                "amount",
                format!(
                    "amount must be at least {min} {c} on {} (the network's minWithdrawal)",
                    network.as_str()
                ),
            )]));
        }
        let total = minor(req.amount, c)? + minor(fee, c)?;
        self.change(&req.source_external_user_id, |u, fx| {
            adjust(balances_of(u)?, c, -total).map_err(user_cannot_pay)?;
            let id = new_id();
            u.moves.history.push(entry(
                id.clone(),
                TransactionType::Withdrawal,
                TransactionStatus::Pending,
                c,
                total,
                format!(
                    "{} withdrawal to {} (fee {fee} included)",
                    c.as_str().to_uppercase(),
                    req.wallet_address
                ),
            ));
            u.moves.withdrawals.push(WithdrawalDetails {
                id: id.clone(),
                source_external_user_id: u.external_user_id.clone(),
                currency: c,
                network,
                amount: req.amount,
                fee,
                destination: req.wallet_address.trim().to_owned(),
                memo: req.memo.clone(),
                status: MoveStatus::Pending,
                transaction_hash: None,
                created_at: now(),
            });
            fx.settle.push(id.clone());
            Ok(WithdrawalCreated { withdrawal_id: id })
        })
    }

    pub fn withdrawal(&self, id: &str) -> Result<WithdrawalDetails, ApiError> {
        self.find_move(|u| u.moves.withdrawals.iter().find(|w| w.id == id).cloned())
            .ok_or_else(|| ApiError::move_not_found("Crypto withdrawal"))
    }

    /// Sandbox control: a crypto deposit arrives for a verified user, held for travel-rule data
    /// when `travel_rule`, otherwise checked and credited after the review delay.
    pub fn deposit(
        self: &Arc<Self>,
        ext: &str,
        currency: Currency,
        amount: f64,
        travel_rule: bool,
    ) -> Result<CryptoDeposit, ApiError> {
        let amount_minor = minor(amount, currency)?;
        self.change(ext, |u, fx| {
            balances_of(u)?;
            let id = new_id();
            let deposit = CryptoDeposit {
                external_user_id: u.external_user_id.clone(),
                crypto_deposit_id: id.clone(),
                amount,
                currency,
                status: if travel_rule {
                    DepositStatus::WaitingForTrData
                } else {
                    DepositStatus::WaitingForVerification
                },
                transaction_hash: Some(format!("0x{}", uuid::Uuid::new_v4().simple())),
                created_at: now(),
            };
            u.moves.history.push(entry(
                id.clone(),
                TransactionType::Deposit,
                TransactionStatus::Pending,
                currency,
                amount_minor,
                format!("{} deposit", currency.as_str().to_uppercase()),
            ));
            u.moves.deposits.push(Deposit {
                deposit: deposit.clone(),
                travel_rule: None,
            });
            if !travel_rule {
                fx.settle.push(id);
            }
            fx.webhooks
                .push(WebhookEvent::CryptoDeposit(deposit.clone()));
            Ok(deposit)
        })
    }

    /// Update Travel Rule for a deposit held in `WAITING_FOR_TR_DATA`; the same data again
    /// on a deposit that took it is answered as done.
    pub fn update_travel_rule(
        self: &Arc<Self>,
        deposit_id: &str,
        req: TravelRuleUpdate,
    ) -> Result<Message, ApiError> {
        let not_found = || ApiError::move_not_found("Crypto deposit");
        let owner = self
            .find_move(|u| {
                u.moves
                    .deposits
                    .iter()
                    .any(|d| d.deposit.crypto_deposit_id == deposit_id)
                    .then(|| u.external_user_id.clone())
            })
            .ok_or_else(not_found)?;
        if req.external_user_id.as_ref().is_some_and(|e| *e != owner) {
            return Err(not_found());
        }
        self.change(&owner, |u, fx| {
            let d = u
                .moves
                .deposits
                .iter_mut()
                .find(|d| d.deposit.crypto_deposit_id == deposit_id)
                .ok_or_else(not_found)?;
            match d.deposit.status {
                DepositStatus::WaitingForTrData => {
                    d.travel_rule = Some(req.clone());
                    d.deposit.status = DepositStatus::WaitingForVerification;
                    fx.webhooks
                        .push(WebhookEvent::CryptoDeposit(d.deposit.clone()));
                    fx.settle.push(deposit_id.to_owned());
                }
                _ if d.travel_rule.as_ref() == Some(&req) => {}
                other => {
                    return Err(ApiError::invalid_state(format!(
                        "The deposit is {}, not WAITING_FOR_TR_DATA",
                        serde_json::to_value(other)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_owned))
                            .unwrap_or_default()
                    )));
                }
            }
            Ok(Message {
                message: "Travel rule data updated".into(),
            })
        })
    }
}
