//! A user's virtual cards: listed from P100 each time (the desk keeps no card), created,
//! blocked, unblocked, deleted, given a PIN or limits through the outbox like every change (the
//! outbox and the timeline name a card by its id and last four digits, never more), and
//! revealed — the full number and CVV — only on an operator's explicit ask, which the journal
//! records. PINs are checked, sent and dropped.

use crate::desk::Desk;
use crate::environment::EnvironmentKind;
use crate::error::{Error, Result};
use crate::ledger::journal::NewJournalEntry;
use crate::ledger::roster::{RosterChange, UserRecord};
use crate::operation::{Op, Operation};
use crate::timeline::{CardChange, Event, EventSource};
use p100::FieldError;
use p100::models::cards::last_digits;
use p100::models::{
    CardLimits, CardLimitsUpdate, CardPinRequest, CardRef, CardStatus, CardSummary,
    CreateCardRequest, CreatedCard,
};
use p100::routes;
use p100::validate::cards as rules;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What the operator fills in for a new card: its label and the PIN, typed twice.
#[derive(Clone, Default, Deserialize, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NewCard {
    pub label: String,
    #[serde(flatten)]
    #[ts(flatten)]
    pub pin: PinTwice,
}

/// A PIN as the operator types it: twice, so that a slip is caught before it is sent.
#[derive(Clone, Default, Deserialize, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PinTwice {
    pub pin: String,
    pub pin_again: String,
}

impl std::fmt::Debug for NewCard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewCard")
            .field("label", &self.label)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for PinTwice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PinTwice(***)")
    }
}

impl PinTwice {
    /// The PIN when both entries are one valid PIN; else the errors at their fields.
    fn checked(&self, errors: &mut Vec<FieldError>) -> String {
        rules::pin(&self.pin, errors);
        if self.pin != self.pin_again {
            errors.push(FieldError::new("pinAgain", "the two PINs differ"));
        }
        self.pin.clone()
    }
}

/// A card's full number and CVV, for the one reveal that asked for them: never stored, never
/// logged (`Debug` hides them).
#[derive(Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RevealedCard {
    pub card_id: String,
    pub status: CardStatus,
    pub card_number: String,
    pub cvv: String,
    /// `MM/YY`.
    pub exp: String,
}

impl std::fmt::Debug for RevealedCard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RevealedCard")
            .field("card_id", &self.card_id)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

/// A change of a card's state: block, unblock, delete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardAction {
    Block,
    Unblock,
    Delete,
}

impl CardAction {
    /// The card change an open operation asked for, with its user and card, when it is one.
    pub(crate) fn of(operation: &Operation) -> Option<(Self, &str, &str)> {
        let (action, ext, card) = match operation {
            Operation::BlockCard {
                external_user_id,
                card_id,
            } => (CardAction::Block, external_user_id, card_id),
            Operation::UnblockCard {
                external_user_id,
                card_id,
            } => (CardAction::Unblock, external_user_id, card_id),
            Operation::DeleteCard {
                external_user_id,
                card_id,
            } => (CardAction::Delete, external_user_id, card_id),
            _ => return None,
        };
        Some((action, ext, card))
    }

    fn operation(self, external_user_id: String, card_id: String) -> Operation {
        match self {
            CardAction::Block => Operation::BlockCard {
                external_user_id,
                card_id,
            },
            CardAction::Unblock => Operation::UnblockCard {
                external_user_id,
                card_id,
            },
            CardAction::Delete => Operation::DeleteCard {
                external_user_id,
                card_id,
            },
        }
    }

    fn change(self) -> CardChange {
        match self {
            CardAction::Block => CardChange::Blocked,
            CardAction::Unblock => CardChange::Unblocked,
            CardAction::Delete => CardChange::Deleted,
        }
    }
}

fn invalid(errors: Vec<FieldError>) -> Result<()> {
    match errors.is_empty() {
        true => Ok(()),
        false => Err(Error::Invalid(errors)),
    }
}

impl Desk {
    /// The user's cards as P100 lists them (never a full number).
    pub async fn cards(&self, ext: &str) -> Result<Vec<CardSummary>> {
        let (env, _) = self.known_user(ext).await?;
        let client = self.environments().client_for(env).await?;
        Ok(client.list_cards(ext).await?.cards)
    }

    /// One card of the user, from P100's list; a card it does not list is refused at `cardId`.
    pub(crate) async fn card_of(
        &self,
        env: EnvironmentKind,
        ext: &str,
        card_id: &str,
    ) -> Result<CardSummary> {
        let client = self.environments().client_for(env).await?;
        client
            .list_cards(ext)
            .await?
            .cards
            .into_iter()
            .find(|c| c.card_id == card_id)
            .ok_or_else(|| {
                Error::Invalid(vec![FieldError::new(
                    "cardId",
                    "P100 lists no such card for this user",
                )])
            })
    }

    /// Creates a card. Its number and CVV in P100's answer are dropped here: the operator sees
    /// them only by revealing the card.
    pub async fn create_card(&self, ext: &str, form: NewCard) -> Result<UserRecord> {
        let mut errors = Vec::new();
        rules::label(&form.label, &mut errors);
        let pin = form.pin.checked(&mut errors);
        invalid(errors)?;
        let (env, _) = self.known_user(ext).await?;
        let client = self.environments().client_for(env).await?;
        let request = CreateCardRequest {
            external_user_id: ext.to_owned(),
            label: form.label.clone(),
            pin,
        };
        let op = Op::new(
            env,
            Operation::CreateCard {
                external_user_id: ext.to_owned(),
                label: form.label.clone(),
            },
            None,
        );
        let (target, label) = (ext.to_owned(), form.label);
        self.operations()
            .run(
                op,
                client.create_card(&request),
                move |s, created: CreatedCard| {
                    let event = Event::CardCreated {
                        card_id: created.card_id,
                        label,
                        last_digits: last_digits(&created.card_number),
                    };
                    s.add_event(env, &target, EventSource::Operator, &event)?;
                    s.apply_to_user(env, &target, &RosterChange::Touch)
                },
            )
            .await
    }

    /// The card's full number and CVV, for the operator who asked; the journal records who
    /// revealed which card (by its last four digits) and when.
    pub async fn reveal_card(&self, ext: &str, card_id: &str) -> Result<RevealedCard> {
        let (env, _) = self.known_user(ext).await?;
        let client = self.environments().client_for(env).await?;
        let started = std::time::Instant::now();
        let details = client.card_details(ext, card_id).await?;
        let operator = self.operations().operator().to_owned();
        let (target, line) = (
            ext.to_owned(),
            format!("card ending {}", last_digits(&details.card_number)),
        );
        let duration_ms = started.elapsed().as_millis().min(u128::from(u32::MAX)) as u32;
        self.db(move |s| {
            s.journal(&NewJournalEntry {
                operator: &operator,
                environment: env,
                operation: routes::GET_CARD_DETAILS.name,
                target: Some(&target),
                outcome: "ok",
                p100_code: None,
                http_status: None,
                duration_ms,
                message: Some(&line),
            })
            .map(drop)
        })
        .await?;
        Ok(RevealedCard {
            card_id: card_id.to_owned(),
            status: details.status,
            card_number: details.card_number,
            cvv: details.cvv,
            exp: details.exp,
        })
    }

    /// Blocks, unblocks or deletes a card.
    pub async fn change_card(
        &self,
        ext: &str,
        card_id: &str,
        action: CardAction,
    ) -> Result<UserRecord> {
        let (env, _) = self.known_user(ext).await?;
        let card = self.card_of(env, ext, card_id).await?;
        self.send_card_change(env, ext, &card, action, None).await
    }

    /// A card's state change through the outbox (`retrying` an open entry, or a new one).
    pub(crate) async fn send_card_change(
        &self,
        env: EnvironmentKind,
        ext: &str,
        card: &CardSummary,
        action: CardAction,
        retrying: Option<String>,
    ) -> Result<UserRecord> {
        let client = self.environments().client_for(env).await?;
        let body = CardRef {
            external_user_id: ext.to_owned(),
            card_id: card.card_id.clone(),
        };
        let op = Op::new(
            env,
            action.operation(ext.to_owned(), card.card_id.clone()),
            retrying,
        );
        let call = async {
            match action {
                CardAction::Block => client.block_card(&body).await,
                CardAction::Unblock => client.unblock_card(&body).await,
                CardAction::Delete => client.delete_card(&body).await,
            }
        };
        let commit = card_commit(env, ext, card, action.change());
        self.operations().run(op, call, move |s, _| commit(s)).await
    }

    /// Sets a card's PIN, typed twice; the PIN is never kept.
    pub async fn set_card_pin(
        &self,
        ext: &str,
        card_id: &str,
        pin: PinTwice,
    ) -> Result<UserRecord> {
        let mut errors = Vec::new();
        let pin = pin.checked(&mut errors);
        invalid(errors)?;
        let (env, _) = self.known_user(ext).await?;
        let card = self.card_of(env, ext, card_id).await?;
        let client = self.environments().client_for(env).await?;
        let request = CardPinRequest {
            external_user_id: ext.to_owned(),
            card_id: card_id.to_owned(),
            pin,
        };
        let op = Op::new(
            env,
            Operation::UpdateCardPin {
                external_user_id: ext.to_owned(),
                card_id: card_id.to_owned(),
            },
            None,
        );
        let commit = card_commit(env, ext, &card, CardChange::PinChanged);
        self.operations()
            .run(op, client.update_card_pin(&request), move |s, _| commit(s))
            .await
    }

    pub async fn card_limits(&self, ext: &str, card_id: &str) -> Result<CardLimits> {
        let (env, _) = self.known_user(ext).await?;
        let client = self.environments().client_for(env).await?;
        Ok(client.card_limits(ext, card_id).await?)
    }

    /// Sets all six limits of a card, checked first.
    pub async fn set_card_limits(
        &self,
        ext: &str,
        card_id: &str,
        limits: CardLimits,
    ) -> Result<UserRecord> {
        let mut errors = Vec::new();
        rules::limits(&limits, &mut errors);
        invalid(errors)?;
        let (env, _) = self.known_user(ext).await?;
        let card = self.card_of(env, ext, card_id).await?;
        self.send_card_limits(env, ext, &card, limits, None).await
    }

    pub(crate) async fn send_card_limits(
        &self,
        env: EnvironmentKind,
        ext: &str,
        card: &CardSummary,
        limits: CardLimits,
        retrying: Option<String>,
    ) -> Result<UserRecord> {
        let client = self.environments().client_for(env).await?;
        let request = CardLimitsUpdate {
            external_user_id: ext.to_owned(),
            card_id: card.card_id.clone(),
            limits,
        };
        let op = Op::new(
            env,
            Operation::UpdateCardLimits {
                external_user_id: ext.to_owned(),
                card_id: card.card_id.clone(),
                limits,
            },
            retrying,
        );
        let commit = card_commit(env, ext, card, CardChange::LimitsChanged { limits });
        self.operations()
            .run(op, client.update_card_limits(&request), move |s, _| {
                commit(s)
            })
            .await
    }

    /// Suspension while cards are active (`P454`), as one confirmed action: every active card
    /// is blocked, then the user suspended. A card that cannot be blocked stops it before the
    /// suspension; the cards blocked so far stay blocked (each is on the timeline).
    pub async fn suspend_blocking_cards(&self, ext: &str, reason: String) -> Result<UserRecord> {
        let reason = crate::account::suspension_reason(&reason)?;
        let (env, _) = self.known_user(ext).await?;
        let client = self.environments().client_for(env).await?;
        let active: Vec<CardSummary> = client
            .list_cards(ext)
            .await?
            .cards
            .into_iter()
            .filter(|c| c.status.is_active())
            .collect();
        for card in &active {
            self.send_card_change(env, ext, card, CardAction::Block, None)
                .await?;
        }
        self.suspend_user(ext, reason).await
    }
}

/// Records a card's change: a timeline event naming the card by its last four digits.
fn card_commit(
    env: EnvironmentKind,
    ext: &str,
    card: &CardSummary,
    change: CardChange,
) -> impl FnOnce(&dyn crate::ledger::Tx) -> Result<UserRecord> + Send + 'static {
    let (target, event) = (
        ext.to_owned(),
        Event::CardChanged {
            card_id: card.card_id.clone(),
            last_digits: card.card_last_digits.clone(),
            change,
        },
    );
    move |s| {
        s.add_event(env, &target, EventSource::Operator, &event)?;
        s.apply_to_user(env, &target, &RosterChange::Touch)
    }
}
