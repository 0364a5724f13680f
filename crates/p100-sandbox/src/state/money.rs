//! Money (REFERENCE-user-money.md §3–§6) as the sandbox moves it. Documented: a transfer funds
//! one user from the partner or collects from one (`P424` when it names neither); an exchange
//! needs a lock, which holds for 40 seconds; a withdrawal names a wallet type and a receiver
//! type and goes over one of its currency's networks; a deposit may wait in
//! `WAITING_FOR_TR_DATA` until Update Travel Rule. Chosen where P100 is silent
//! (docs/decisions.md, "Money"): transfers settle at once; an exchange reserves its amount and
//! settles after the review delay, as withdrawals and deposits do; a lock is good for one
//! exchange; a balance that cannot pay is `P433`; a suspended user moves nothing (`P455`); a
//! user without balances (not verified yet) is `P459`.

use super::crypto::FAILING_MEMO;
use super::{Effects, Inner, Sandbox, now};
use crate::error::ApiError;
use crate::model::{Partner, User};
use crate::money::{adjust, partner_balances, partner_opening};
use crate::webhooks::WebhookEvent;
use p100::FieldError;
use p100::models::money::{
    Currency, DepositStatus, ExchangeStatus, MoveStatus, TransferCreated, TransferDetails,
    TransferRequest,
};
use p100::models::{Transaction, TransactionStatus, TransactionType, UserBalances, UserStatus};
use p100::validate::money::{format_minor, to_minor};
use std::sync::Arc;

/// The card fee the partner pays per live card and month, in euro cents (G0: €0.25).
pub const CARD_FEE_CENTS: i128 = 25;
pub(super) fn opening_partner() -> Partner {
    Partner {
        balances: partner_opening(),
        fees_through: Some(now()[..7].to_owned()),
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
pub(super) fn balances_of(u: &mut User) -> Result<&mut UserBalances, ApiError> {
    if u.status == UserStatus::Suspended {
        return Err(ApiError::user_suspended());
    }
    u.balances.as_mut().ok_or_else(ApiError::not_verified)
}

/// `v` in minor units of `c`; the handlers checked the precision, so this only guards.
pub(super) fn minor(v: f64, c: Currency) -> Result<i128, ApiError> {
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

pub(super) fn entry(
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

pub(super) fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

pub(super) fn user_cannot_pay(held: String) -> ApiError {
    ApiError::insufficient_funds(format!(
        "Insufficient funds: the user's balance holds {held}"
    ))
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
    /// Charges every live card's monthly fee for each month begun since the last charge, and
    /// saves the partner at once when it did (a month is charged once, restarts included).
    pub(super) fn bill_card_fees(&mut self) {
        let before = self.partner.clone();
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
        if self.partner != before {
            self.save_partner();
        }
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
        tracing::info!(month, cards, "card fees charged to the partner");
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
    Ok(())
}

impl Sandbox {
    /// The partner's balances, after charging the card fees of any month begun since.
    pub fn partner_balances(&self) -> UserBalances {
        let mut inner = self.lock();
        inner.bill_card_fees();
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
        self.change_with_partner(&ext, |u, p, fx| {
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
            let (user_kind, words) = if funding {
                (TransactionType::TransferIn, "funding from partner")
            } else {
                (TransactionType::TransferOut, "collection to partner")
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
            let details = TransferDetails {
                id: id.clone(),
                source_external_user_id: (!funding).then(|| u.external_user_id.clone()),
                destination_external_user_id: funding.then(|| u.external_user_id.clone()),
                amount: req.amount,
                currency: c,
                status: MoveStatus::Successful,
                created_at: now(),
                error: None,
            };
            fx.webhooks.push(WebhookEvent::Transfer(details.clone()));
            u.moves.transfers.push(details);
            Ok(TransferCreated { transfer_id: id })
        })
    }

    /// Finds a move of any user (deleted ones too: P100 keeps their records).
    pub(super) fn find_move<T>(&self, find: impl Fn(&User) -> Option<T>) -> Option<T> {
        self.lock().users.values().find_map(|u| find(u))
    }

    pub fn transfer(&self, id: &str) -> Result<TransferDetails, ApiError> {
        self.find_move(|u| u.moves.transfers.iter().find(|t| t.id == id).cloned())
            .ok_or_else(|| ApiError::move_not_found("Transfer"))
    }

    /// After the review delay, settles the move `id` of `ext` if it still waits.
    pub(super) fn schedule_settle(self: &Arc<Self>, ext: String, id: String) {
        let me = Arc::clone(self);
        let delay = self.config.review_delay;
        tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            let _ = me.change(&ext, |u, fx| {
                settle(u, &id, fx);
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

/// Settles the move `id` of the user if it still waits, and sends its webhook.
fn settle(u: &mut User, id: &str, fx: &mut Effects) {
    if let Some(e) = u
        .moves
        .exchanges
        .iter_mut()
        .find(|e| e.id == id && e.status == ExchangeStatus::Pending)
    {
        e.status = ExchangeStatus::Completed;
        fx.webhooks.push(WebhookEvent::Exchange(e.clone()));
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
            fx.webhooks.push(WebhookEvent::CryptoWithdrawal(w.clone()));
            if let Some(b) = u.balances.as_mut() {
                let _ = adjust(b, c, refund);
            }
            mark(u, id, TransactionStatus::Failed);
        } else {
            w.status = MoveStatus::Successful;
            w.transaction_hash = Some(format!("0x{}", uuid::Uuid::new_v4().simple()));
            fx.webhooks.push(WebhookEvent::CryptoWithdrawal(w.clone()));
            mark(u, id, TransactionStatus::Completed);
        }
    } else if let Some(d) = u.moves.deposits.iter_mut().find(|d| {
        d.deposit.crypto_deposit_id == id
            && d.deposit.status == DepositStatus::WaitingForVerification
    }) {
        d.deposit.status = DepositStatus::Successful;
        fx.webhooks
            .push(WebhookEvent::CryptoDeposit(d.deposit.clone()));
        let (c, amount) = (d.deposit.currency, d.deposit.amount);
        if let (Some(b), Some(m)) = (u.balances.as_mut(), to_minor(amount, c.decimals())) {
            let _ = adjust(b, c, m);
        }
        mark(u, id, TransactionStatus::Completed);
    }
}
