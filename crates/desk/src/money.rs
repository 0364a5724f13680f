//! A user's money (REFERENCE-user-money.md §3–§6): funding a user from the partner's balance or
//! collecting from them, exchanging between their balances with a 40-second rate lock, crypto
//! withdrawals, and the travel-rule data a held deposit waits for. Each move goes through the
//! outbox, the journal and the timeline like the user operations; amounts are read from what the
//! operator typed, at the currency's precision, before anything is sent; in Production a move
//! of money is sent only when the operator typed its amount a second time. Transfers, exchanges
//! and withdrawals are never sent twice on their own (P100 takes no idempotency key).

use crate::desk::Desk;
use crate::environment::EnvironmentKind;
use crate::error::{Error, Result};
use crate::ledger::roster::{RosterChange, UserRecord};
use crate::operation::{Op, Operation};
use crate::timeline::{Event, EventSource};
pub use crate::vocabulary::TransferDirection;
use p100::FieldError;
use p100::models::UserBalances;
use p100::models::money::{
    CryptoWithdrawalRequest, Currency, ExchangeDetails, ExchangeLock, ExchangeRates,
    ExchangeRequest, Network, NetworkFee, NetworkFeeQuery, ReceiverType, TransferDetails,
    TransferRequest, TravelRuleUpdate, WalletType, WithdrawalDetails,
};
use p100::validate::money as rules;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A transfer as the operator fills it in. `confirmation` is the amount typed again (required in
/// Production, ignored elsewhere).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NewTransfer {
    pub direction: TransferDirection,
    pub currency: Currency,
    pub amount: String,
    #[serde(default)]
    pub confirmation: String,
}

/// An exchange with the lock the operator took.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NewExchange {
    pub lock_id: String,
    pub currency_from: Currency,
    pub currency_to: Currency,
    /// In `currencyFrom`.
    pub amount: String,
    #[serde(default)]
    pub confirmation: String,
}

/// A crypto withdrawal as the operator fills it in.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NewWithdrawal {
    pub currency: Currency,
    #[serde(default)]
    pub network: Option<Network>,
    pub amount: String,
    pub wallet_address: String,
    #[serde(default)]
    pub memo: Option<String>,
    /// The beneficiary's name.
    pub name: String,
    pub wallet_type: WalletType,
    pub receiver_type: ReceiverType,
    #[serde(default)]
    pub confirmation: String,
}

/// A move P100 took: the user's row as it is now, and the move's id at P100 (to read its
/// details).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MoveMade {
    pub user: UserRecord,
    pub id: String,
}

/// The amount typed, read at `currency`'s precision; in Production, also typed again.
fn amount_of(
    env: EnvironmentKind,
    currency: Currency,
    typed: &str,
    again: &str,
    errors: &mut Vec<FieldError>,
) -> f64 {
    match rules::parse_amount("amount", typed, currency) {
        Ok(v) => {
            let same = |a: &str| a.trim().replace(',', ".");
            if env == EnvironmentKind::Production && same(again) != same(typed) {
                errors.push(FieldError::new(
                    "confirmation",
                    format!(
                        "type the amount again ({}) to confirm: this moves real money",
                        typed.trim()
                    ),
                ));
            }
            v
        }
        Err(e) => {
            errors.push(e);
            0.0
        }
    }
}

fn invalid(errors: Vec<FieldError>) -> Result<()> {
    match errors.is_empty() {
        true => Ok(()),
        false => Err(Error::Invalid(errors)),
    }
}

/// Records a move on the user's timeline and touches their row.
fn commit_move(
    env: EnvironmentKind,
    ext: String,
    event: impl FnOnce(String) -> Event + Send + 'static,
) -> impl FnOnce(&dyn crate::ledger::Tx, String) -> Result<MoveMade> + Send + 'static {
    move |s, id| {
        s.add_event(env, &ext, EventSource::Operator, &event(id.clone()))?;
        let user = s.apply_to_user(env, &ext, &RosterChange::Touch)?;
        Ok(MoveMade { user, id })
    }
}

impl Desk {
    /// The partner's own balances in the selected environment.
    pub async fn partner_balances(&self) -> Result<UserBalances> {
        let env = self.environments().current().await?;
        let client = self.environments().client_for(env).await?;
        Ok(client.partner_balances().await?)
    }

    /// Funds the user from the partner's balance, or collects from them.
    pub async fn transfer(&self, ext: &str, form: NewTransfer) -> Result<MoveMade> {
        let (env, _) = self.known_user(ext).await?;
        let mut errors = Vec::new();
        let amount = amount_of(
            env,
            form.currency,
            &form.amount,
            &form.confirmation,
            &mut errors,
        );
        invalid(errors)?;
        let (funding, ext) = (form.direction == TransferDirection::Fund, ext.to_owned());
        let request = TransferRequest {
            source_external_user_id: (!funding).then(|| ext.clone()),
            destination_external_user_id: funding.then(|| ext.clone()),
            amount,
            currency: form.currency,
        };
        self.send_transfer(env, request).await
    }

    pub(crate) async fn send_transfer(
        &self,
        env: EnvironmentKind,
        request: TransferRequest,
    ) -> Result<MoveMade> {
        let client = self.environments().client_for(env).await?;
        let Some((ext, funding)) = request.user().map(|(e, f)| (e.to_owned(), f)) else {
            return Err(Error::Invalid(vec![FieldError::new(
                "direction",
                "a transfer funds the user or collects from them",
            )]));
        };
        let (amount, currency) = (
            amount_text(request.amount, request.currency),
            request.currency,
        );
        let op = Op::new(env, Operation::Transfer(request.clone()), None);
        let commit = commit_move(env, ext, move |transfer_id| Event::Transferred {
            transfer_id,
            direction: if funding {
                TransferDirection::Fund
            } else {
                TransferDirection::Collect
            },
            amount,
            currency,
        });
        self.operations()
            .run(op, client.create_transfer(&request), move |s, made| {
                commit(s, made.transfer_id)
            })
            .await
    }

    pub async fn transfer_details(&self, transfer_id: &str) -> Result<TransferDetails> {
        let client = self.current_client().await?;
        Ok(client.transfer(transfer_id).await?)
    }

    /// Indicative rates, for showing.
    pub async fn exchange_rates(&self) -> Result<ExchangeRates> {
        let client = self.current_client().await?;
        Ok(client.exchange_rates().await?)
    }

    /// A rate lock for the user: what an exchange finalized within its 40 seconds gets.
    pub async fn exchange_lock(&self, ext: &str) -> Result<ExchangeLock> {
        let (env, _) = self.known_user(ext).await?;
        let client = self.environments().client_for(env).await?;
        Ok(client.exchange_lock(ext).await?)
    }

    /// Exchanges with a lock the operator took; the amount is in `currencyFrom`.
    pub async fn exchange(&self, ext: &str, form: NewExchange) -> Result<MoveMade> {
        let (env, _) = self.known_user(ext).await?;
        let mut errors = Vec::new();
        let amount = amount_of(
            env,
            form.currency_from,
            &form.amount,
            &form.confirmation,
            &mut errors,
        );
        let request = ExchangeRequest {
            source_external_user_id: ext.to_owned(),
            amount,
            currency_from: form.currency_from,
            currency_to: form.currency_to,
            lock_id: form.lock_id.trim().to_owned(),
        };
        if errors.is_empty() {
            rules::exchange(&request, &mut errors);
        }
        invalid(errors)?;
        let client = self.environments().client_for(env).await?;
        let op = Op::new(env, Operation::CreateExchange(request.clone()), None);
        let (sold, from, to) = (
            amount_text(amount, form.currency_from),
            form.currency_from,
            form.currency_to,
        );
        let commit = commit_move(env, ext.to_owned(), move |exchange_id| Event::Exchanged {
            exchange_id,
            amount: sold,
            currency_from: from,
            currency_to: to,
        });
        self.operations()
            .run(op, client.create_exchange(&request), move |s, made| {
                commit(s, made.exchange_id)
            })
            .await
    }

    pub async fn exchange_details(&self, exchange_id: &str) -> Result<ExchangeDetails> {
        let client = self.current_client().await?;
        Ok(client.exchange(exchange_id).await?)
    }

    /// What a withdrawal over that network costs besides its amount.
    pub async fn network_fee(
        &self,
        currency: Currency,
        network: Option<Network>,
    ) -> Result<NetworkFee> {
        let client = self.current_client().await?;
        Ok(client
            .network_fee(&NetworkFeeQuery { currency, network })
            .await?)
    }

    /// Withdraws crypto to an outside wallet.
    pub async fn withdraw(&self, ext: &str, form: NewWithdrawal) -> Result<MoveMade> {
        let (env, _) = self.known_user(ext).await?;
        let mut errors = Vec::new();
        let amount = amount_of(
            env,
            form.currency,
            &form.amount,
            &form.confirmation,
            &mut errors,
        );
        let request = CryptoWithdrawalRequest {
            source_external_user_id: ext.to_owned(),
            currency: form.currency,
            amount,
            wallet_address: form.wallet_address.trim().to_owned(),
            memo: form.memo.filter(|m| !m.trim().is_empty()),
            network: form.network,
            name: form.name.trim().to_owned(),
            wallet_type: form.wallet_type,
            receiver_type: form.receiver_type,
        };
        let mut rest = Vec::new();
        rules::withdrawal(&request, &mut rest);
        // The amount's own refusal (already in `errors`) is the one to show at its field.
        errors.extend(
            rest.into_iter()
                .filter(|e| e.field != "amount" || amount > 0.0),
        );
        invalid(errors)?;
        let client = self.environments().client_for(env).await?;
        let network = rules::network_for(request.currency, request.network, &mut Vec::new())
            .ok_or_else(|| {
                Error::Invalid(vec![FieldError::new(
                    "network",
                    "no network for this currency",
                )])
            })?;
        let op = Op::new(env, Operation::CreateWithdrawal(request.clone()), None);
        let (text, currency, to) = (
            amount_text(amount, request.currency),
            request.currency,
            request.wallet_address.clone(),
        );
        let commit = commit_move(env, ext.to_owned(), move |withdrawal_id| Event::Withdrawn {
            withdrawal_id,
            amount: text,
            currency,
            network,
            wallet_address: to,
        });
        self.operations()
            .run(op, client.create_withdrawal(&request), move |s, made| {
                commit(s, made.withdrawal_id)
            })
            .await
    }

    pub async fn withdrawal_details(&self, withdrawal_id: &str) -> Result<WithdrawalDetails> {
        let client = self.current_client().await?;
        Ok(client.withdrawal(withdrawal_id).await?)
    }

    /// The sender's data for the user's deposit held in `WAITING_FOR_TR_DATA`.
    pub async fn travel_rule(
        &self,
        ext: &str,
        crypto_deposit_id: &str,
        update: TravelRuleUpdate,
    ) -> Result<UserRecord> {
        let (env, _) = self.known_user(ext).await?;
        let update = TravelRuleUpdate {
            external_user_id: Some(ext.to_owned()),
            ..update
        };
        let mut errors = Vec::new();
        rules::travel_rule(&update, &mut errors);
        if crypto_deposit_id.trim().is_empty() {
            errors.push(FieldError::new(
                "cryptoDepositId",
                "cryptoDepositId should not be empty",
            ));
        }
        invalid(errors)?;
        self.send_travel_rule(env, ext, crypto_deposit_id.trim(), update, None)
            .await
    }

    pub(crate) async fn send_travel_rule(
        &self,
        env: EnvironmentKind,
        ext: &str,
        crypto_deposit_id: &str,
        update: TravelRuleUpdate,
        retrying: Option<String>,
    ) -> Result<UserRecord> {
        let client = self.environments().client_for(env).await?;
        let op = Op::new(
            env,
            Operation::UpdateTravelRule {
                external_user_id: ext.to_owned(),
                crypto_deposit_id: crypto_deposit_id.to_owned(),
                update: update.clone(),
            },
            retrying,
        );
        let (target, event) = (
            ext.to_owned(),
            Event::TravelRuleGiven {
                crypto_deposit_id: crypto_deposit_id.to_owned(),
                sender: sender_of(&update),
            },
        );
        self.operations()
            .run(
                op,
                client.update_travel_rule(crypto_deposit_id, &update),
                move |s, _| {
                    s.add_event(env, &target, EventSource::Operator, &event)?;
                    s.apply_to_user(env, &target, &RosterChange::Touch)
                },
            )
            .await
    }

    async fn current_client(&self) -> Result<p100::Client> {
        let env = self.environments().current().await?;
        self.environments().client_for(env).await
    }
}

/// An amount as the timeline and the journal show it: at the currency's places.
fn amount_text(v: f64, c: Currency) -> String {
    rules::to_minor(v, c.decimals())
        .map(|m| rules::format_minor(m, c.decimals()))
        .unwrap_or_else(|| v.to_string())
}

/// Who sent a deposit, in a few words for the timeline.
fn sender_of(u: &TravelRuleUpdate) -> String {
    let d = &u.details;
    if d.i_am_owner_of_wallet == Some(true) {
        return "the user's own wallet".into();
    }
    match (&d.company_name, &d.first_name, &d.last_name) {
        (Some(c), _, _) if !c.trim().is_empty() => c.trim().to_owned(),
        (_, Some(f), Some(l)) => format!("{} {}", f.trim(), l.trim()),
        _ => "a sender".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_production_the_amount_is_typed_twice_elsewhere_once() {
        let read = |env, typed: &str, again: &str| {
            let mut errors = Vec::new();
            let v = amount_of(env, Currency::Eur, typed, again, &mut errors);
            (v, errors.into_iter().map(|e| e.field).collect::<Vec<_>>())
        };
        assert_eq!(read(EnvironmentKind::Sandbox, "12,50", ""), (12.5, vec![]));
        assert_eq!(
            read(EnvironmentKind::Staging, "12.50", "13"),
            (12.5, vec![])
        );
        assert_eq!(
            read(EnvironmentKind::Production, "12.50", ""),
            (12.5, vec!["confirmation".to_owned()])
        );
        assert_eq!(
            read(EnvironmentKind::Production, "12.50", " 12,50 "),
            (12.5, vec![])
        );
        // A bad amount is refused at its own field, before any confirmation.
        assert_eq!(
            read(EnvironmentKind::Production, "12.505", "12.505").1,
            ["amount"]
        );
    }

    #[test]
    fn the_timeline_names_the_sender_in_a_few_words() {
        let mut u = TravelRuleUpdate {
            wallet_type: p100::models::money::DepositWalletType::Custodial,
            external_user_id: None,
            details: Default::default(),
        };
        u.details.i_am_owner_of_wallet = Some(true);
        assert_eq!(sender_of(&u), "the user's own wallet");
        u.details.i_am_owner_of_wallet = None;
        u.details.first_name = Some(" Anna ".into());
        u.details.last_name = Some("Nowak".into());
        assert_eq!(sender_of(&u), "Anna Nowak");
        u.details.company_name = Some("Acme".into());
        assert_eq!(sender_of(&u), "Acme");
        assert_eq!(amount_text(0.1, Currency::Btc), "0.10000000");
    }
}
