//! Money (REFERENCE-user-money.md §3–§6) as the sandbox moves it. Documented: a transfer funds
//! one user from the partner or collects from one (`P424` when it names neither); an exchange
//! needs a lock, which holds for 40 seconds; a withdrawal names a wallet type and a receiver
//! type and goes over one of its currency's networks; a deposit may wait in
//! `WAITING_FOR_TR_DATA` until Update Travel Rule. Chosen where P100 is silent
//! (docs/decisions.md, "Money"): transfers settle at once; an exchange reserves its amount and
//! settles after the review delay, as withdrawals and deposits do; a lock is good for one
//! exchange; a balance that cannot pay is `P433`; a suspended user moves nothing (`P455`); a
//! user without balances (not verified yet) is `P459`.

use super::{Inner, Sandbox, now};
use crate::error::ApiError;
use crate::model::{Deposit, Lock, Partner, User};
use crate::money::{adjust, partner_balances, partner_opening, rate, withdrawal_terms};
use p100::FieldError;
use p100::models::money::{
    CryptoDeposit, CryptoWithdrawalRequest, Currency, DepositStatus, ExchangeCreated,
    ExchangeDetails, ExchangeLock, ExchangeRates, ExchangeRequest, ExchangeStatus, LOCK_SECONDS,
    MoveStatus, Network, NetworkFee, TransferCreated, TransferDetails, TransferRequest,
    TravelRuleUpdate, WithdrawalCreated, WithdrawalDetails,
};
use p100::models::{
    Message, Transaction, TransactionStatus, TransactionType, UserBalances, UserStatus,
};
use p100::validate::money::{format_minor, minor_to_f64, to_minor};
use std::sync::Arc;
use time::{Duration, OffsetDateTime};

/// P100's exchange fee, in percent (the lock example's `feePercentage`).
pub const FEE_PERCENTAGE: f64 = 1.49;
/// The card fee the partner pays per live card and month, in euro cents (G0: €0.25).
pub const CARD_FEE_CENTS: i128 = 25;
/// Locks kept per user; older ones are forgotten (and answer `P903` as unknown).
const KEPT_LOCKS: usize = 20;
/// A withdrawal with this memo fails when it settles, and is refunded (sandbox magic).
pub const FAILING_MEMO: &str = "FAIL";

pub(super) fn opening_partner() -> Partner {
    Partner {
        balances: partner_opening(),
        fees_through: Some(now()[..7].to_owned()),
        history: Vec::new(),
    }
}

/// Ids of the user's moves that still wait to settle (started again after a restart).
pub(super) fn pending_moves(u: &User) -> impl Iterator<Item = String> + '_ {
    let m = &u.moves;
    m.exchanges
        .iter()
        .filter(|e| e.status == ExchangeStatus::Pending)
        .map(|e| e.id.clone())
        .chain(
            m.withdrawals
                .iter()
                .filter(|w| w.status == MoveStatus::Pending)
                .map(|w| w.id.clone()),
        )
        .chain(
            m.deposits
                .iter()
                .filter(|d| d.deposit.status == DepositStatus::WaitingForVerification)
                .map(|d| d.deposit.crypto_deposit_id.clone()),
        )
}

/// The user's balances, if money may move on them: not suspended, and verified (balances are
/// made when verification succeeds).
fn balances_of(u: &mut User) -> Result<&mut UserBalances, ApiError> {
    if u.status == UserStatus::Suspended {
        return Err(ApiError::user_suspended());
    }
    u.balances.as_mut().ok_or_else(ApiError::not_verified)
}

/// `v` in minor units of `c`; the handlers checked the precision, so this only guards.
fn minor(v: f64, c: Currency) -> Result<i128, ApiError> {
    to_minor(v, c.decimals()).ok_or_else(|| {
        ApiError::validation(&[FieldError::new(
            "amount",
            format!(
                "amount can have at most {} decimal places for {c}",
                c.decimals()
            ),
        )])
    })
}

fn entry(
    id: String,
    kind: TransactionType,
    status: TransactionStatus,
    currency: Currency,
    minor: i128,
    description: String,
) -> Transaction {
    Transaction {
        id,
        created_at: now(),
        kind,
        status,
        currency: currency.as_str().to_owned(),
        amount: format_minor(minor, currency.decimals()),
        description,
    }
}

fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

fn user_cannot_pay(held: String) -> ApiError {
    ApiError::insufficient_funds(format!(
        "Insufficient funds: the user's balance holds {held}"
    ))
}

/// The rates of every currency, as Retrieve Exchange Rate and a lock give them.
pub fn rates() -> ExchangeRates {
    Currency::ALL.into_iter().map(|c| (c, rate(c))).collect()
}

/// `YYYY-MM` of the month after `month`.
fn next_month(month: &str) -> Option<String> {
    let (y, m) = month.split_once('-')?;
    let (y, m): (u32, u32) = (y.parse().ok()?, m.parse().ok()?);
    Some(if m >= 12 {
        format!("{}-01", y + 1)
    } else {
        format!("{y}-{:02}", m + 1)
    })
}

impl Inner {
    /// Charges every live card's monthly fee for each month begun since the last charge.
    pub(super) fn bill_card_fees(&mut self) {
        let this_month = now()[..7].to_owned();
        let mut through = self
            .partner
            .fees_through
            .clone()
            .unwrap_or_else(|| this_month.clone());
        while through < this_month {
            let Some(next) = next_month(&through) else {
                break;
            };
            self.charge_month(&next);
            through = next;
        }
        self.partner.fees_through = Some(through);
    }

    /// One month's fee for each card not deleted, created before `month` began.
    fn charge_month(&mut self, month: &str) {
        let cards = self
            .users
            .values()
            .flat_map(|u| u.cards.iter())
            .filter(|c| c.status.is_live() && c.created_at[..7] < *month)
            .count() as i128;
        if cards == 0 {
            return;
        }
        let fee = cards * CARD_FEE_CENTS;
        *self.partner.balances.entry(Currency::Eur).or_insert(0) -= fee;
        self.partner.history.push(entry(
            new_id(),
            TransactionType::Fee,
            TransactionStatus::Completed,
            Currency::Eur,
            fee,
            format!("Card fees for {month}: {cards} cards at €0.25"),
        ));
    }

    fn save_partner(&self) {
        if let Some(p) = &self.persist
            && let Err(e) = p.save_partner(&self.partner)
        {
            tracing::error!(error = %e, "could not write the state file");
        }
    }
}

/// A new card's first month, charged to the partner when the card is made.
pub(super) fn charge_new_card(p: &mut Partner) -> Result<(), ApiError> {
    let eur = p.balances.entry(Currency::Eur).or_insert(0);
    if *eur < CARD_FEE_CENTS {
        return Err(ApiError::insufficient_funds(format!(
            "Insufficient funds: the partner's EUR balance ({}) cannot pay the card's €0.25 monthly fee",
            format_minor(*eur, 2)
        )));
    }
    *eur -= CARD_FEE_CENTS;
    p.history.push(entry(
        new_id(),
        TransactionType::Fee,
        TransactionStatus::Completed,
        Currency::Eur,
        CARD_FEE_CENTS,
        "Card fee for a new card's first month".into(),
    ));
    Ok(())
}

impl Sandbox {
    /// The partner's balances, after charging the card fees of any month begun since.
    pub fn partner_balances(&self) -> UserBalances {
        let mut inner = self.lock();
        let before = inner.partner.clone();
        inner.bill_card_fees();
        if inner.partner != before {
            inner.save_partner();
        }
        partner_balances(&inner.partner.balances)
    }

    /// Sandbox control: bills every live card as if a new month had begun.
    pub fn bill_card_month(&self) {
        let mut inner = self.lock();
        inner.charge_month("9999-12");
        inner.save_partner();
    }

    /// Create a Transfer, already checked: exactly one user, the amount at its precision.
    pub fn create_transfer(
        self: &Arc<Self>,
        req: TransferRequest,
    ) -> Result<TransferCreated, ApiError> {
        let (ext, funding) = req
            .user()
            .map(|(e, f)| (e.to_owned(), f))
            .ok_or_else(ApiError::source_or_destination_required)?;
        let amount = minor(req.amount, req.currency)?;
        self.lock().bill_card_fees();
        self.change_with_partner(&ext, |u, p, _| {
            let c = req.currency;
            let balances = balances_of(u)?;
            let partner = p.balances.entry(c).or_insert(0);
            if funding {
                if *partner < amount {
                    return Err(ApiError::insufficient_funds(format!(
                        "Insufficient funds: the partner's balance holds {} {c}",
                        format_minor(*partner, c.decimals())
                    )));
                }
                adjust(balances, c, amount).map_err(user_cannot_pay)?;
                *partner -= amount;
            } else {
                adjust(balances, c, -amount).map_err(user_cannot_pay)?;
                *partner += amount;
            }
            let id = new_id();
            let (user_kind, partner_kind, words) = if funding {
                (
                    TransactionType::TransferIn,
                    TransactionType::TransferOut,
                    "funding from partner",
                )
            } else {
                (
                    TransactionType::TransferOut,
                    TransactionType::TransferIn,
                    "collection to partner",
                )
            };
            let upper = c.as_str().to_uppercase();
            u.moves.history.push(entry(
                id.clone(),
                user_kind,
                TransactionStatus::Completed,
                c,
                amount,
                format!("{upper} {words}"),
            ));
            p.history.push(entry(
                id.clone(),
                partner_kind,
                TransactionStatus::Completed,
                c,
                amount,
                format!("{upper} {words}: {}", u.external_user_id),
            ));
            u.moves.transfers.push(TransferDetails {
                id: id.clone(),
                source_external_user_id: (!funding).then(|| u.external_user_id.clone()),
                destination_external_user_id: funding.then(|| u.external_user_id.clone()),
                amount: req.amount,
                currency: c,
                status: MoveStatus::Successful,
                created_at: now(),
                error: None,
            });
            Ok(TransferCreated { transfer_id: id })
        })
    }

    /// Finds a move of any user (deleted ones too: P100 keeps their records).
    fn find_move<T>(&self, find: impl Fn(&User) -> Option<T>) -> Option<T> {
        self.lock().users.values().find_map(|u| find(u))
    }

    pub fn transfer(&self, id: &str) -> Result<TransferDetails, ApiError> {
        self.find_move(|u| u.moves.transfers.iter().find(|t| t.id == id).cloned())
            .ok_or_else(|| ApiError::move_not_found("Transfer"))
    }

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

    /// After the review delay, settles the move `id` of `ext` if it still waits.
    pub(super) fn schedule_settle(self: &Arc<Self>, ext: String, id: String) {
        let me = Arc::clone(self);
        let delay = self.config.review_delay;
        tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            let _ = me.change(&ext, |u, _| {
                settle(u, &id);
                Ok(())
            });
        });
    }
}

/// Sets the history entry `id` to `status`.
fn mark(u: &mut User, id: &str, status: TransactionStatus) {
    if let Some(t) = u.moves.history.iter_mut().find(|t| t.id == id) {
        t.status = status;
    }
}

fn settle(u: &mut User, id: &str) {
    if let Some(e) = u
        .moves
        .exchanges
        .iter_mut()
        .find(|e| e.id == id && e.status == ExchangeStatus::Pending)
    {
        e.status = ExchangeStatus::Completed;
        let (to, amount) = (e.currency_to, e.amount_to);
        if let (Some(b), Some(m)) = (u.balances.as_mut(), to_minor(amount, to.decimals())) {
            let _ = adjust(b, to, m);
        }
        mark(u, id, TransactionStatus::Completed);
    } else if let Some(w) = u
        .moves
        .withdrawals
        .iter_mut()
        .find(|w| w.id == id && w.status == MoveStatus::Pending)
    {
        if w.memo.as_deref() == Some(FAILING_MEMO) {
            w.status = MoveStatus::Unsuccessful;
            let c = w.currency;
            let refund = to_minor(w.amount, c.decimals()).unwrap_or(0)
                + to_minor(w.fee, c.decimals()).unwrap_or(0);
            if let Some(b) = u.balances.as_mut() {
                let _ = adjust(b, c, refund);
            }
            mark(u, id, TransactionStatus::Failed);
        } else {
            w.status = MoveStatus::Successful;
            w.transaction_hash = Some(format!("0x{}", uuid::Uuid::new_v4().simple()));
            mark(u, id, TransactionStatus::Completed);
        }
    } else if let Some(d) = u.moves.deposits.iter_mut().find(|d| {
        d.deposit.crypto_deposit_id == id
            && d.deposit.status == DepositStatus::WaitingForVerification
    }) {
        d.deposit.status = DepositStatus::Successful;
        let (c, amount) = (d.deposit.currency, d.deposit.amount);
        if let (Some(b), Some(m)) = (u.balances.as_mut(), to_minor(amount, c.decimals())) {
            let _ = adjust(b, c, m);
        }
        mark(u, id, TransactionStatus::Completed);
    }
}
