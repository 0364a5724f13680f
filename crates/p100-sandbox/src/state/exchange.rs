//! Exchange (REFERENCE-user-money.md §4): the rates, a lock that holds them for 40 seconds for
//! one user and one exchange, and the exchange itself — its amount reserved at once, what it
//! buys credited when it settles. Chosen where P100 is silent: docs/decisions.md, "Money".

use super::money::{balances_of, entry, minor, new_id, user_cannot_pay};
use super::{Sandbox, now};
use crate::error::ApiError;
use crate::model::Lock;
use crate::money::{adjust, rate};
use p100::FieldError;
use p100::models::money::{
    Currency, ExchangeCreated, ExchangeDetails, ExchangeLock, ExchangeRates, ExchangeRequest,
    ExchangeStatus, LOCK_SECONDS,
};
use p100::models::{TransactionStatus, TransactionType};
use p100::validate::money::minor_to_f64;
use std::sync::Arc;
use time::{Duration, OffsetDateTime};

/// P100's exchange fee, in percent (the lock example's `feePercentage`).
pub const FEE_PERCENTAGE: f64 = 1.49;
/// Locks kept per user; older ones are forgotten (and answer `P903` as unknown).
const KEPT_LOCKS: usize = 20;
/// The rates of every currency, as Retrieve Exchange Rate and a lock give them.
pub fn rates() -> ExchangeRates {
    Currency::ALL.into_iter().map(|c| (c, rate(c))).collect()
}

impl Sandbox {
    /// Retrieve Exchange Rate and Create a Lock for a user.
    pub fn exchange_lock(self: &Arc<Self>, ext: &str) -> Result<ExchangeLock, ApiError> {
        self.change(ext, |u, _| {
            let created = OffsetDateTime::now_utc();
            let lock = ExchangeLock {
                id: new_id(),
                rates: rates(),
                fee_percentage: FEE_PERCENTAGE,
                created_at: p100::timestamp::format(created),
                valid_until: p100::timestamp::format(created + Duration::seconds(LOCK_SECONDS)),
            };
            let locks = &mut u.moves.locks;
            locks.push(Lock {
                lock: lock.clone(),
                used: false,
            });
            let extra = locks.len().saturating_sub(KEPT_LOCKS);
            locks.drain(..extra);
            Ok(lock)
        })
    }

    /// Sandbox control: every lock of the user past its 40 seconds.
    pub fn expire_locks(self: &Arc<Self>, ext: &str) -> Result<(), ApiError> {
        self.change(ext, |u, _| {
            let past = p100::timestamp::format(OffsetDateTime::now_utc() - Duration::seconds(1));
            for l in &mut u.moves.locks {
                l.lock.valid_until = past.clone();
            }
            Ok(())
        })
    }

    /// Create and Finalize an Exchange, already checked: the amount is reserved (debited) now,
    /// the bought currency credited when it settles.
    pub fn create_exchange(
        self: &Arc<Self>,
        req: ExchangeRequest,
    ) -> Result<ExchangeCreated, ApiError> {
        let (from, to) = (req.currency_from, req.currency_to);
        let amount_from = minor(req.amount, from)?;
        self.change(&req.source_external_user_id, |u, fx| {
            let i = u
                .moves
                .locks
                .iter()
                .position(|l| l.lock.id == req.lock_id)
                .ok_or_else(|| ApiError::invalid_lock("Lock not found for this user"))?;
            let lock = u.moves.locks[i].clone();
            if lock.used {
                return Err(ApiError::invalid_lock(
                    "Lock was already used: a lock is good for one exchange",
                ));
            }
            let valid = p100::timestamp::parse(&lock.lock.valid_until)
                .is_some_and(|until| OffsetDateTime::now_utc() <= until);
            if !valid {
                return Err(ApiError::invalid_lock(
                    "Lock expired: a lock holds for 40 seconds; create a new one",
                ));
            }
            let rate_of = |c: Currency| lock.lock.rates.get(&c).copied().unwrap_or_else(|| rate(c));
            let rate = rate_of(from) / rate_of(to);
            let scale = 10f64.powi(to.decimals() as i32);
            let gross = req.amount * rate;
            let fee = (gross * lock.lock.fee_percentage / 100.0 * scale).round() as i128;
            let net = (gross * scale).floor() as i128 - fee;
            if net <= 0 {
                return Err(ApiError::validation(&[FieldError::new(
                    "amount",
                    format!("amount is too small: after the fee it buys no {to}"),
                )]));
            }
            adjust(balances_of(u)?, from, -amount_from).map_err(user_cannot_pay)?;
            u.moves.locks[i].used = true;
            let id = new_id();
            u.moves.history.push(entry(
                new_id(),
                TransactionType::ExchangeOut,
                TransactionStatus::Completed,
                from,
                amount_from,
                format!(
                    "{} sold for {}",
                    from.as_str().to_uppercase(),
                    to.as_str().to_uppercase()
                ),
            ));
            u.moves.history.push(entry(
                id.clone(),
                TransactionType::ExchangeIn,
                TransactionStatus::Pending,
                to,
                net,
                format!(
                    "{} bought with {}",
                    to.as_str().to_uppercase(),
                    from.as_str().to_uppercase()
                ),
            ));
            u.moves.exchanges.push(ExchangeDetails {
                id: id.clone(),
                source_external_user_id: u.external_user_id.clone(),
                currency_from: from,
                currency_to: to,
                amount_from: req.amount,
                amount_to: minor_to_f64(net, to.decimals()),
                rate,
                fee_percentage: lock.lock.fee_percentage,
                fee: minor_to_f64(fee, to.decimals()),
                lock_id: req.lock_id.clone(),
                status: ExchangeStatus::Pending,
                created_at: now(),
            });
            fx.settle.push(id.clone());
            Ok(ExchangeCreated { exchange_id: id })
        })
    }

    pub fn exchange(&self, id: &str) -> Result<ExchangeDetails, ApiError> {
        self.find_move(|u| u.moves.exchanges.iter().find(|e| e.id == id).cloned())
            .ok_or_else(|| ApiError::move_not_found("Exchange"))
    }
}
