//! Virtual cards (REFERENCE-user-money.md §2): the documented rules — a verified, extended user
//! of a card country who is not suspended; at most 10 cards at once; 5 created in 24 hours, 10
//! in 30 days, 20 in a year — and the choices where P100 is silent (docs/decisions.md): a new
//! card is `ACTIVE`; Block Card makes it `LOCKED_BY_USER` and Unblock `ACTIVE` again; blocking,
//! unblocking and deleting again are answered as done; a deleted card stays listed as `DELETED`;
//! a suspended user's cards may be blocked, read and deleted but not created, unblocked, or given
//! a new PIN or limits.

use super::{Effects, Sandbox, now};
use crate::error::ApiError;
use crate::model::{Card, User};
use crate::webhooks::WebhookEvent;
use p100::models::{
    CardDetails, CardLimits, CardLimitsUpdate, CardList, CardStatus, CreateCardRequest,
    CreatedCard, Message, UserStatus,
};
use p100::validate::cards::{CARD_WINDOWS, MAX_LIVE_CARDS, card_country};
use p100::webhooks::{CardCode, CardTransaction, CardTransactionStatus};
use std::sync::Arc;

/// A new active card with a fresh number (a Luhn-valid test number starting `4`), CVV, expiry
/// three years ahead and a PIN of `0000` until one is set.
pub(super) fn issue(label: &str) -> Card {
    let random = *uuid::Uuid::new_v4().as_bytes();
    let mut digits: Vec<u8> = vec![4];
    digits.extend(random.iter().take(14).map(|b| b % 10));
    digits.push(luhn_check_digit(&digits));
    let number: String = digits.iter().map(|d| char::from(b'0' + d)).collect();
    let cvv = format!("{:03}", u16::from_le_bytes([random[14], random[15]]) % 1000);
    let today = now();
    // `YYYY-MM-…`: the card expires at the end of the same month three years on.
    let year: u32 = today[..4].parse().unwrap_or(2026) + 3;
    Card {
        card_id: uuid::Uuid::new_v4().to_string(),
        label: label.to_owned(),
        number,
        cvv,
        exp: format!("{}/{:02}", &today[5..7], year % 100),
        pin: "0000".into(),
        status: CardStatus::Active,
        created_at: today,
        limits: CardLimits::NEW_CARD,
    }
}

/// What a shop's terminal asks of a card (the sandbox's admin route).
pub struct CardPayment {
    pub amount: f64,
    pub currency: p100::models::money::Currency,
    pub merchant: String,
    pub three_ds: bool,
}

/// A fresh 6-digit one-time code for the user's card.
fn code_for(u: &User, card: &Card) -> CardCode {
    let random = u32::from_le_bytes(
        uuid::Uuid::new_v4().as_bytes()[..4]
            .try_into()
            .unwrap_or([0; 4]),
    );
    CardCode {
        external_user_id: u.external_user_id.clone(),
        card_id: card.card_id.clone(),
        card_last_digits: p100::models::cards::last_digits(&card.number),
        code: format!("{:06}", random % 1_000_000),
        created_at: now(),
    }
}

/// The digit that makes `digits` (without it) pass the Luhn check.
fn luhn_check_digit(digits: &[u8]) -> u8 {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d);
            match i % 2 {
                0 => (d * 2) / 10 + (d * 2) % 10,
                _ => d,
            }
        })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

/// The user may have a card at all: verified (`P459`), extended (`P461`).
fn verified_and_extended(u: &User) -> Result<(), ApiError> {
    if u.status != UserStatus::Active && u.status != UserStatus::Suspended {
        return Err(ApiError::not_verified());
    }
    if !u.extended {
        return Err(ApiError::not_extended());
    }
    Ok(())
}

fn not_suspended(u: &User) -> Result<(), ApiError> {
    super::accounts::not_suspended(u)
}

/// The user's card `card_id`; one of another user, or deleted, does not exist (`P434`).
fn card<'a>(u: &'a mut User, card_id: &str) -> Result<&'a mut Card, ApiError> {
    u.cards
        .iter_mut()
        .find(|c| c.card_id == card_id && c.status != CardStatus::Deleted)
        .ok_or_else(ApiError::invalid_card)
}

fn done(what: &str) -> Message {
    Message {
        message: format!("Card {what}"),
    }
}

impl Sandbox {
    pub fn create_card(self: &Arc<Self>, req: CreateCardRequest) -> Result<CreatedCard, ApiError> {
        self.lock().bill_card_fees();
        self.change_with_partner(&req.external_user_id, |u, partner, fx: &mut Effects| {
            not_suspended(u)?;
            verified_and_extended(u)?;
            if !card_country(u.profile.country.as_deref()) {
                return Err(ApiError::forbidden_country_card());
            }
            if u.cards.iter().filter(|c| c.status.is_live()).count() >= MAX_LIVE_CARDS {
                return Err(ApiError::card_quota(format!(
                    "A user can hold at most {MAX_LIVE_CARDS} cards"
                )));
            }
            let today = time::OffsetDateTime::now_utc();
            for (days, most) in CARD_WINDOWS {
                let since = p100::timestamp::format(today - time::Duration::days(days.into()));
                if u.cards.iter().filter(|c| c.created_at >= since).count() >= most {
                    return Err(ApiError::card_quota(format!(
                        "A user can create at most {most} cards in {days} day(s)"
                    )));
                }
            }
            super::money::charge_new_card(partner)?;
            let mut card = issue(&req.label);
            card.pin = req.pin;
            let created = CreatedCard {
                card_id: card.card_id.clone(),
                card_number: card.number.clone(),
                cvv: card.cvv.clone(),
                exp: card.exp.clone(),
            };
            // The activation code goes to the partner, who gives it to the cardholder.
            fx.webhooks
                .push(WebhookEvent::CardActivationCode(code_for(u, &card)));
            u.cards.push(card);
            Ok(created)
        })
    }

    /// Every card of the user, oldest first, deleted ones as `DELETED`.
    pub fn list_cards(&self, ext: &str) -> Result<CardList, ApiError> {
        self.read(ext, |u| {
            Ok(CardList {
                cards: u.cards.iter().map(Card::summary).collect(),
            })
        })
    }

    pub fn card_details(&self, ext: &str, card_id: &str) -> Result<CardDetails, ApiError> {
        self.read(ext, |u| {
            verified_and_extended(u)?;
            let c = u
                .cards
                .iter()
                .find(|c| c.card_id == card_id && c.status != CardStatus::Deleted)
                .ok_or_else(ApiError::invalid_card)?;
            Ok(CardDetails {
                status: c.status,
                card_number: c.number.clone(),
                cvv: c.cvv.clone(),
                exp: c.exp.clone(),
            })
        })
    }

    pub fn update_card_pin(
        self: &Arc<Self>,
        ext: &str,
        card_id: &str,
        pin: String,
    ) -> Result<Message, ApiError> {
        self.change(ext, |u, _| {
            not_suspended(u)?;
            card(u, card_id)?.pin = pin;
            Ok(done("PIN updated"))
        })
    }

    pub fn block_card(self: &Arc<Self>, ext: &str, card_id: &str) -> Result<Message, ApiError> {
        self.change(ext, |u, _| {
            let c = card(u, card_id)?;
            if c.status == CardStatus::Active {
                c.status = CardStatus::LockedByUser;
            }
            Ok(done("blocked"))
        })
    }

    /// Lifts the partner's block; a card the issuer blocked stays blocked.
    pub fn unblock_card(self: &Arc<Self>, ext: &str, card_id: &str) -> Result<Message, ApiError> {
        self.change(ext, |u, _| {
            not_suspended(u)?;
            let c = card(u, card_id)?;
            match c.status {
                CardStatus::LockedByUser => c.status = CardStatus::Active,
                CardStatus::Active => {}
                other => {
                    return Err(ApiError::invalid_state(format!(
                        "The card is {} and cannot be unblocked by the partner",
                        serde_json::to_value(other)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_owned))
                            .unwrap_or_default()
                    )));
                }
            }
            Ok(done("unblocked"))
        })
    }

    pub fn card_limits(&self, ext: &str, card_id: &str) -> Result<CardLimits, ApiError> {
        self.read(ext, |u| {
            u.cards
                .iter()
                .find(|c| c.card_id == card_id && c.status != CardStatus::Deleted)
                .map(|c| c.limits)
                .ok_or_else(ApiError::invalid_card)
        })
    }

    pub fn update_card_limits(
        self: &Arc<Self>,
        req: CardLimitsUpdate,
    ) -> Result<Message, ApiError> {
        self.change(&req.external_user_id, |u, _| {
            not_suspended(u)?;
            card(u, &req.card_id)?.limits = req.limits;
            Ok(done("limits updated"))
        })
    }

    /// Sandbox control: every card of the user created `days` earlier than it was.
    /// Sandbox control: a payment with the card, as a shop's terminal would make it — a 3-D
    /// Secure code first when `three_ds`, then the card transaction webhook: approved while the
    /// card is active, declined otherwise.
    pub fn card_payment(
        self: &Arc<Self>,
        ext: &str,
        card_id: &str,
        payment: CardPayment,
    ) -> Result<CardTransaction, ApiError> {
        self.change(ext, |u, fx| {
            let card = u
                .cards
                .iter()
                .find(|c| c.card_id == card_id && c.status.is_live())
                .ok_or_else(ApiError::invalid_card)?;
            if payment.three_ds {
                fx.webhooks
                    .push(WebhookEvent::Card3dsCode(code_for(u, card)));
            }
            let transaction = CardTransaction {
                external_user_id: u.external_user_id.clone(),
                card_id: card.card_id.clone(),
                card_last_digits: p100::models::cards::last_digits(&card.number),
                transaction_id: uuid::Uuid::new_v4().to_string(),
                amount: payment.amount,
                currency: payment.currency,
                merchant: payment.merchant,
                status: if card.status.is_active() {
                    CardTransactionStatus::Approved
                } else {
                    CardTransactionStatus::Declined
                },
                created_at: now(),
            };
            fx.webhooks
                .push(WebhookEvent::CardTransaction(transaction.clone()));
            Ok(transaction)
        })
    }

    pub fn age_cards(self: &Arc<Self>, ext: &str, days: u32) -> Result<(), ApiError> {
        self.change(ext, |u, _| {
            for c in &mut u.cards {
                if let Some(t) = p100::timestamp::parse(&c.created_at) {
                    c.created_at = p100::timestamp::format(t - time::Duration::days(days.into()));
                }
            }
            Ok(())
        })
    }

    /// Deletes the card for good; deleting it again is answered as done.
    pub fn delete_card(self: &Arc<Self>, ext: &str, card_id: &str) -> Result<Message, ApiError> {
        self.change(ext, |u, _| {
            let c = u
                .cards
                .iter_mut()
                .find(|c| c.card_id == card_id)
                .ok_or_else(ApiError::invalid_card)?;
            c.status = CardStatus::Deleted;
            Ok(done("deleted"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_pass_luhn_and_expiry_is_mm_yy() {
        // 4111 1111 1111 1111 is the classic valid test number.
        assert_eq!(
            luhn_check_digit(&[4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]),
            1
        );
        for _ in 0..50 {
            let c = issue("Shopping");
            assert_eq!(c.label, "Shopping");
            assert_eq!(c.number.len(), 16);
            let digits: Vec<u8> = c.number.bytes().map(|b| b - b'0').collect();
            assert_eq!(luhn_check_digit(&digits[..15]), digits[15]);
            assert_eq!(c.cvv.len(), 3);
            assert!(c.exp.len() == 5 && &c.exp[2..3] == "/", "{}", c.exp);
        }
    }
}
