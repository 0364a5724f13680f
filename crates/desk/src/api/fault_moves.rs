//! The fault suite over money and cards, through any [`DeskApi`]: randomized funding,
//! collection, exchanges, card creation, blocking and unblocking for users P100 has verified,
//! while the sandbox injects faults. Before and after each operation the suite reads what the
//! sandbox (P100) holds, and holds the desk to it:
//! - an operation the desk says was done happened exactly once (never twice: transfers,
//!   exchanges and new cards are never sent again on their own);
//! - an operation the desk says failed, with nothing left open, did not happen (nothing lost);
//! - one left open happened at most once; the suite then does what the operator would — sends
//!   a card's block or unblock again, and resolves a move or a new card by what P100 shows;
//! - at the end nothing is open, and each user's EUR balance at P100 is the opening balance plus
//!   what was funded, less what was collected and exchanged.
//!
//! (Built for tests: the `conformance` feature.)

use super::DeskApi;
use super::fault_suite::{fault_rule, seed_rng};
use crate::cards::{NewCard, PinTwice};
use crate::money::{NewExchange, NewTransfer, TransferDirection};
use p100::models::money::Currency;
use p100::models::{CardStatus, UserBalances};
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq)]
enum MoveOp {
    Fund,
    Collect,
    Exchange,
    CardCreate,
    CardBlock,
    CardUnblock,
    Read,
}

/// What the sandbox holds of one user, as far as the suite compares.
#[derive(Debug, Clone, PartialEq)]
struct Held {
    transfers: usize,
    exchanges: usize,
    cards: Vec<CardStatus>,
    eur_cents: i128,
}

fn held(sandbox: &p100_sandbox::state::Sandbox, ext: &str) -> Held {
    let u = sandbox.user(ext).expect("a user of this run");
    let eur = u
        .balances
        .as_ref()
        .and_then(|b| b.fiat_balances.first())
        .map_or(0, |f| cents(&f.amount));
    Held {
        transfers: u.moves.transfers.len(),
        exchanges: u.moves.exchanges.len(),
        cards: u.cards.iter().map(|c| c.status).collect(),
        eur_cents: eur,
    }
}

fn cents(amount: &str) -> i128 {
    let (whole, frac) = amount.split_once('.').unwrap_or((amount, "0"));
    whole.parse::<i128>().unwrap_or(0) * 100
        + format!("{frac:0<2}")[..2].parse::<i128>().unwrap_or(0)
}

/// What a run did.
#[derive(Debug, Default, Clone, Copy)]
pub struct MoveSummary {
    pub operations: usize,
    pub done: usize,
    pub faulted: usize,
    pub resolved: usize,
    pub resent: usize,
    pub failed_cleanly: usize,
}

const FUND_CENTS: i128 = 1_000;
const COLLECT_CENTS: i128 = 100;
const EXCHANGE_CENTS: i128 = 500;

fn transfer(direction: TransferDirection, cents: i128) -> NewTransfer {
    NewTransfer {
        direction,
        currency: Currency::Eur,
        amount: format!("{}.{:02}", cents / 100, cents % 100),
        confirmation: String::new(),
    }
}

/// Runs `sequences` operations from `seed` through `api` against `sandbox` for `users`, who must
/// be verified and extended at P100 and known to `api`. `api` must retry with 4 attempts.
pub async fn run_moves(
    api: &impl DeskApi,
    sandbox: &Arc<p100_sandbox::state::Sandbox>,
    users: &[String],
    seed: u64,
    sequences: usize,
) -> MoveSummary {
    let mut rng = seed_rng(seed);
    let faults = |rule| {
        sandbox.faults.clear();
        if let Some(r) = rule {
            sandbox.faults.add(r);
        }
    };
    let opening: Vec<i128> = users.iter().map(|u| held(sandbox, u).eur_cents).collect();
    let (mut funded, mut collected, mut exchanged) = (
        vec![0i128; users.len()],
        vec![0i128; users.len()],
        vec![0i128; users.len()],
    );
    let mut n = MoveSummary::default();
    for seq in 0..sequences {
        let who = rng.below(users.len() as u64) as usize;
        let ext = users[who].clone();
        let before = held(sandbox, &ext);
        let op = [
            MoveOp::Fund,
            MoveOp::Collect,
            MoveOp::Exchange,
            MoveOp::CardCreate,
            MoveOp::CardBlock,
            MoveOp::CardUnblock,
            MoveOp::Read,
        ][rng.below(7) as usize];
        let cards = api.cards_list(ext.clone()).await.unwrap_or_default();
        let card_in = |status: CardStatus| {
            cards
                .iter()
                .find(|c| c.status == status)
                .map(|c| c.card_id.clone())
        };
        // What the operation would need that the user has not got: skipped.
        let usable = match op {
            MoveOp::Collect => before.eur_cents >= COLLECT_CENTS,
            MoveOp::Exchange => before.eur_cents >= EXCHANGE_CENTS,
            MoveOp::CardCreate => before.cards.iter().filter(|s| s.is_live()).count() < 3,
            MoveOp::CardBlock => card_in(CardStatus::Active).is_some(),
            MoveOp::CardUnblock => card_in(CardStatus::LockedByUser).is_some(),
            MoveOp::Fund | MoveOp::Read => true,
        };
        if !usable {
            continue;
        }
        // The lock is taken before the fault: a rate lock is a read that moves nothing.
        let lock = match op {
            MoveOp::Exchange => Some(api.exchange_lock(ext.clone()).await.unwrap().id),
            _ => None,
        };
        let rule = fault_rule(&mut rng);
        n.faulted += usize::from(rule.is_some());
        faults(rule);
        n.operations += 1;
        let result: crate::Result<()> = match op {
            MoveOp::Fund => api
                .money_transfer(ext.clone(), transfer(TransferDirection::Fund, FUND_CENTS))
                .await
                .map(drop),
            MoveOp::Collect => api
                .money_transfer(
                    ext.clone(),
                    transfer(TransferDirection::Collect, COLLECT_CENTS),
                )
                .await
                .map(drop),
            MoveOp::Exchange => api
                .exchange_create(
                    ext.clone(),
                    NewExchange {
                        lock_id: lock.unwrap_or_default(),
                        currency_from: Currency::Eur,
                        currency_to: Currency::Usdc,
                        amount: "5.00".into(),
                        confirmation: String::new(),
                    },
                )
                .await
                .map(drop),
            MoveOp::CardCreate => api
                .card_create(
                    ext.clone(),
                    NewCard {
                        label: format!("Card {seq}"),
                        pin: PinTwice {
                            pin: "1357".into(),
                            pin_again: "1357".into(),
                        },
                    },
                )
                .await
                .map(drop),
            MoveOp::CardBlock => api
                .card_block(ext.clone(), card_in(CardStatus::Active).unwrap_or_default())
                .await
                .map(drop),
            MoveOp::CardUnblock => api
                .card_unblock(
                    ext.clone(),
                    card_in(CardStatus::LockedByUser).unwrap_or_default(),
                )
                .await
                .map(drop),
            MoveOp::Read => api
                .user_balances(ext.clone())
                .await
                .map(drop::<UserBalances>),
        };
        faults(None);
        let after_call = held(sandbox, &ext);
        let grew = |f: fn(&Held) -> usize| f(&after_call) - f(&before);
        let happened = match op {
            MoveOp::Fund | MoveOp::Collect => grew(|h| h.transfers),
            MoveOp::Exchange => grew(|h| h.exchanges),
            MoveOp::CardCreate => grew(|h| h.cards.len()),
            MoveOp::CardBlock | MoveOp::CardUnblock => {
                usize::from(after_call.cards != before.cards)
            }
            MoveOp::Read => 0,
        };
        assert!(
            happened <= 1,
            "seed {seed}, #{seq} {op:?}: done {happened} times at P100"
        );
        let open = api.operations_open().await.unwrap();
        match &result {
            Ok(()) => {
                assert!(
                    op == MoveOp::Read || happened == 1,
                    "seed {seed}, #{seq} {op:?}: the desk says done, P100 shows nothing"
                );
                n.done += 1;
            }
            Err(e) if open.is_empty() => {
                assert_eq!(
                    happened, 0,
                    "seed {seed}, #{seq} {op:?} failed ({e}) with nothing open, yet P100 did it: lost"
                );
                n.failed_cleanly += 1;
            }
            Err(_) => {}
        }
        for o in open {
            if o.retryable {
                // A card's block or unblock: sent again as stored, as the operator would.
                api.operation_retry(o.id.clone()).await.unwrap();
                n.resent += 1;
            } else {
                // Never sent twice: the operator checks P100 and says whether it happened.
                api.operation_resolve(o.id.clone(), happened == 1)
                    .await
                    .unwrap();
                n.resolved += 1;
            }
        }
        let now = held(sandbox, &ext);
        match op {
            MoveOp::Fund => funded[who] += FUND_CENTS * (now.transfers - before.transfers) as i128,
            MoveOp::Collect => {
                collected[who] += COLLECT_CENTS * (now.transfers - before.transfers) as i128
            }
            MoveOp::Exchange => {
                exchanged[who] += EXCHANGE_CENTS * (now.exchanges - before.exchanges) as i128
            }
            _ => {}
        }
    }
    assert!(
        api.operations_open().await.unwrap().is_empty(),
        "nothing left open"
    );
    for (i, ext) in users.iter().enumerate() {
        assert_eq!(
            held(sandbox, ext).eur_cents,
            opening[i] + funded[i] - collected[i] - exchanged[i],
            "{ext}: P100's EUR balance is the opening one and the moves, each once"
        );
    }
    assert!(
        n.faulted > sequences / 3,
        "the faults really happened: {n:?}"
    );
    n
}
