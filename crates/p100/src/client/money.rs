//! The client's money calls (REFERENCE-user-money.md §3–§6): each body checked by
//! `validate::money` before it is sent; transfers, exchanges and withdrawals never sent twice on
//! their own (P100 takes no idempotency key: `retry::repeatable`).

use super::{Client, checked};
use crate::error::{FieldError, Result};
use crate::models::money::{
    CryptoWithdrawalRequest, ExchangeCreated, ExchangeDetails, ExchangeLock, ExchangeRates,
    ExchangeRequest, NetworkFee, NetworkFeeQuery, TransferCreated, TransferDetails,
    TransferRequest, TravelRuleUpdate, WithdrawalCreated, WithdrawalDetails,
};
use crate::models::{Message, UserBalances};
use crate::routes;
use crate::validate;

impl Client {
    /// The partner's own balances (the funding side of transfers, and where card fees go).
    pub async fn partner_balances(&self) -> Result<UserBalances> {
        self.send::<(), _>(&routes::GET_PARTNER_BALANCES, &[], None)
            .await
    }

    /// Create a Transfer: funds one user from the partner's balance or collects from one.
    /// Never sent twice on its own (P100 takes no idempotency key).
    pub async fn create_transfer(&self, req: &TransferRequest) -> Result<TransferCreated> {
        let mut errors = Vec::new();
        if req.source_external_user_id.is_none() && req.destination_external_user_id.is_none() {
            errors.push(FieldError::new(
                "destinationExternalUserId",
                "destinationExternalUserId (the user to fund) or sourceExternalUserId (the user to collect from) is required",
            ));
        }
        validate::money::transfer(req, &mut errors);
        checked(errors)?;
        self.send(&routes::CREATE_TRANSFER, &[], Some(req)).await
    }

    pub async fn transfer(&self, transfer_id: &str) -> Result<TransferDetails> {
        self.send::<(), _>(&routes::GET_TRANSFER, &[transfer_id], None)
            .await
    }

    /// Retrieve Exchange Rate: indicative, for showing; exchange with a lock.
    pub async fn exchange_rates(&self) -> Result<ExchangeRates> {
        self.send::<(), _>(&routes::GET_EXCHANGE_RATE, &[], None)
            .await
    }

    /// Retrieve Exchange Rate and Create a Lock: rates held for the user for 40 seconds.
    pub async fn exchange_lock(&self, external_user_id: &str) -> Result<ExchangeLock> {
        self.send::<(), _>(&routes::GET_EXCHANGE_LOCK, &[external_user_id], None)
            .await
    }

    /// Create and Finalize an Exchange with a lock.
    pub async fn create_exchange(&self, req: &ExchangeRequest) -> Result<ExchangeCreated> {
        let mut errors = Vec::new();
        validate::money::exchange(req, &mut errors);
        checked(errors)?;
        self.send(&routes::CREATE_EXCHANGE, &[], Some(req)).await
    }

    pub async fn exchange(&self, exchange_id: &str) -> Result<ExchangeDetails> {
        self.send::<(), _>(&routes::GET_EXCHANGE, &[exchange_id], None)
            .await
    }

    /// Get Network Fee for a withdrawal of `currency` over `network` (its default if `None`).
    pub async fn network_fee(&self, query: &NetworkFeeQuery) -> Result<NetworkFee> {
        let mut errors = Vec::new();
        validate::money::network_fee(query, &mut errors);
        checked(errors)?;
        let url = self.url(&routes::GET_NETWORK_FEE, &[])?;
        self.execute(&routes::GET_NETWORK_FEE, || async {
            Ok(self.http.get(url.clone()).query(query))
        })
        .await
    }

    /// Create Crypto Withdrawal. Never sent twice on its own.
    pub async fn create_withdrawal(
        &self,
        req: &CryptoWithdrawalRequest,
    ) -> Result<WithdrawalCreated> {
        let mut errors = Vec::new();
        validate::money::withdrawal(req, &mut errors);
        checked(errors)?;
        self.send(&routes::CREATE_CRYPTO_WITHDRAWAL, &[], Some(req))
            .await
    }

    pub async fn withdrawal(&self, withdrawal_id: &str) -> Result<WithdrawalDetails> {
        self.send::<(), _>(&routes::GET_CRYPTO_WITHDRAWAL, &[withdrawal_id], None)
            .await
    }

    /// Update Travel Rule: the sender's data for a deposit held in `WAITING_FOR_TR_DATA`.
    pub async fn update_travel_rule(
        &self,
        crypto_deposit_id: &str,
        req: &TravelRuleUpdate,
    ) -> Result<Message> {
        let mut errors = Vec::new();
        validate::money::travel_rule(req, &mut errors);
        checked(errors)?;
        self.send(&routes::UPDATE_TRAVEL_RULE, &[crypto_deposit_id], Some(req))
            .await
    }
}
