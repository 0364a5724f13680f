//! The operations the desk core offers, declared once.
//!
//! [`with_operations!`] holds the list: each operation's name, who may call it, its arguments
//! and its answer. Everything that carries an operation is generated from it: the [`DeskApi`]
//! trait (implemented by the local [`Desk`](crate::Desk) in `local_api.rs` and by the team hub's
//! client in `hub_api.rs`), [`OPERATIONS`] (names and access, for the hub's routes, OpenAPI
//! document and role checks), and in the shell the Tauri commands, `generate_handler!`, the permissions, the
//! capability and the TypeScript command map. The shell's own commands (native dialogs, the
//! clipboard, progress channels) are listed in `src-tauri/src/command_list.rs`.
//!
//! Arguments are owned and named as the page sends them (snake_case here, camelCase on the
//! wire); answers are serializable and have TypeScript bindings.

mod failure;
#[cfg(any(test, feature = "conformance"))]
pub mod fault_moves;
#[cfg(any(test, feature = "conformance"))]
pub mod fault_suite;
#[cfg(any(test, feature = "conformance"))]
pub mod waits;

pub use failure::CommandError;

use std::future::Future;

/// Who may call an operation. In solo mode the one operator may call everything; the hub
/// enforces it by the operator's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Settings of this desktop (environment, keys, the webhook receiver): never over the hub.
    Desktop,
    /// Reads: auditors, operators and supervisors.
    Read,
    /// Day-to-day changes: operators and supervisors.
    Operate,
    /// Changes that are hard to undo (delete, unsuspend, closing open operations): supervisors.
    Supervise,
}

/// One operation as the hub's routes and role checks need it.
#[derive(Debug, Clone, Copy)]
pub struct OperationSpec {
    pub name: &'static str,
    pub access: Access,
    /// The arguments' names as sent over the wire (camelCase).
    pub args: &'static [&'static str],
}

/// Calls `$then! { [ entries ] }` (or `$then! { $pass [ entries ] }`) with the desk core's
/// operations, one entry each: `/// doc`, access, `name(arg: Type, ...) -> Answer;`.
///
/// The line-oriented form matters: `src-tauri/build.rs` reads the names from this file (a build
/// script cannot expand a macro of a crate it does not build), and a test compares its reading
/// with this macro's expansion.
#[macro_export]
macro_rules! with_operations {
    ($then:ident $(, $pass:tt)?) => {
        $then! { $($pass)? [
            // operations:begin
            /// The selected environment.
            Desktop environment_get() -> $crate::EnvironmentInfo;
            /// Switches environment (Custom needs a URL, given now or remembered).
            Desktop environment_select(kind: $crate::EnvironmentKind, custom_url: Option<String>) -> $crate::EnvironmentInfo;
            /// Which environments have a key; never the keys.
            Desktop credentials_list() -> Vec<$crate::desk::CredentialStatus>;
            /// Write-only: no operation hands a key back.
            Desktop credentials_set(kind: $crate::EnvironmentKind, api_key: String) -> ();
            Desktop credentials_remove(kind: $crate::EnvironmentKind) -> bool;
            /// Asks P100 whether it accepts the key.
            Desktop credentials_test(kind: $crate::EnvironmentKind) -> $crate::desk::KeyTest;
            /// Team mode: the hub this desk works through, and whether it answers.
            Desktop team_get() -> $crate::team::TeamStatus;
            /// Checks the hub and the operator's token, then works through that hub (the token
            /// goes to the keychain; write-only, like keys).
            Desktop team_connect(hub_url: String, operator_token: String) -> $crate::team::TeamStatus;
            /// Back to solo mode; the token is removed from the keychain.
            Desktop team_disconnect() -> $crate::team::TeamStatus;
            /// The whole roster of the selected environment, for scripts (the desktop pages it).
            Read users_list() -> Vec<$crate::ledger::roster::UserRecord>;
            /// One page of the roster, searched, filtered and sorted by the store (a 100,000-user
            /// roster is never sent whole).
            Read users_query(query: $crate::ledger::roster_query::RosterQuery) -> $crate::ledger::roster_query::RosterPage;
            /// The onboarding board: each stage's count and the users longest in it, narrowed to a
            /// tag and whose users (mine, nobody's, an operator's).
            Read users_board(filter: $crate::ledger::roster_query::BoardFilter) -> Vec<$crate::ledger::roster_query::BoardColumn>;
            /// The statuses and countries the roster holds, for its filters.
            Read users_facets() -> $crate::ledger::roster_query::RosterFacets;
            /// The tags the team defined, by name.
            Read tags_list() -> Vec<$crate::ledger::notes::Tag>;
            /// Defines a tag, or changes its colour; every tag.
            Operate tag_save(name: String, colour: $crate::ledger::notes::TagColour) -> Vec<$crate::ledger::notes::Tag>;
            /// Who users may be assigned to: the team's operators (in solo mode, the one at this
            /// desk).
            Read operators_list() -> Vec<String>;
            /// Writes a note on a user: on the timeline, with its author and time, and in the
            /// roster's search.
            Operate user_note_add(external_user_id: String, text: String) -> $crate::ledger::roster::UserRecord;
            /// Sets exactly the tags the user carries (each defined first).
            Operate user_tags_set(external_user_id: String, tags: Vec<String>) -> $crate::ledger::roster::UserRecord;
            /// Assigns the user to an operator, or (null) to nobody.
            Operate user_assign(external_user_id: String, operator: Option<String>) -> $crate::ledger::roster::UserRecord;
            /// Follows users that already exist at P100, by `externalUserId` (at most 10,000):
            /// one result per id, in order (tracked, already tracked, unknown to P100, refused,
            /// failed).
            Operate users_track(external_user_ids: Vec<String>) -> Vec<$crate::tracking::TrackResult>;
            /// The dry run of a CSV import (at most 64 MB): its columns, what each fills (`mapping`,
            /// or the desk's guess), and what every row would do; nothing is sent.
            Operate import_preview(csv: String, mapping: Option<Vec<Option<String>>>) -> $crate::import::jobs::ImportPreview;
            /// Plans the file again and starts it as a job sent at `per_second` rows a second (in
            /// team mode the hub runs it); the mapping is remembered.
            Operate import_start(file_name: String, csv: String, mapping: Vec<Option<String>>, per_second: f64) -> $crate::ledger::imports::ImportJob;
            /// The newest imports of the selected environment, with their progress.
            Read import_jobs() -> Vec<$crate::ledger::imports::ImportJob>;
            /// Every row's outcome so far, in the file's order.
            Read import_results(job_id: String) -> Vec<$crate::ledger::imports::RowResult>;
            Operate import_pause(job_id: String) -> $crate::ledger::imports::ImportJob;
            Operate import_resume(job_id: String) -> $crate::ledger::imports::ImportJob;
            /// The rows not sent yet never will be.
            Operate import_cancel(job_id: String) -> $crate::ledger::imports::ImportJob;
            /// One user of the roster, with its stage (deleted users too).
            Read user_get(external_user_id: String) -> $crate::ledger::roster::UserRecord;
            Operate user_create(form: $crate::users::NewUser) -> $crate::ledger::roster::UserRecord;
            /// Takes the whole edited profile; P100 is sent only the fields that changed.
            Operate user_update(external_user_id: String, profile: p100::models::UserProfile) -> $crate::ledger::roster::UserRecord;
            /// `confirmation` is what the operator typed: the user's e-mail or externalUserId.
            Supervise user_delete(external_user_id: String, confirmation: String) -> $crate::ledger::roster::UserRecord;
            Operate user_suspend(external_user_id: String, reason: String) -> $crate::ledger::roster::UserRecord;
            Supervise user_unsuspend(external_user_id: String, reason: String) -> $crate::ledger::roster::UserRecord;
            Operate user_extend(external_user_id: String) -> $crate::ledger::roster::UserRecord;
            Operate user_verify(external_user_id: String, form: $crate::users::VerificationForm) -> $crate::ledger::roster::UserRecord;
            /// The user's virtual cards as P100 lists them (never a full number).
            Read cards_list(external_user_id: String) -> Vec<p100::models::CardSummary>;
            /// A new card; its number is not answered (reveal it). The PIN is sent, never kept.
            Operate card_create(external_user_id: String, form: $crate::cards::NewCard) -> $crate::ledger::roster::UserRecord;
            /// The card's full number and CVV for this one view; the journal records who asked.
            Supervise card_reveal(external_user_id: String, card_id: String) -> $crate::cards::RevealedCard;
            Operate card_block(external_user_id: String, card_id: String) -> $crate::ledger::roster::UserRecord;
            /// Lets a blocked card pay again.
            Supervise card_unblock(external_user_id: String, card_id: String) -> $crate::ledger::roster::UserRecord;
            /// For good: a deleted card cannot come back.
            Supervise card_delete(external_user_id: String, card_id: String) -> $crate::ledger::roster::UserRecord;
            Operate card_pin_set(external_user_id: String, card_id: String, pin: $crate::cards::PinTwice) -> $crate::ledger::roster::UserRecord;
            Read card_limits_get(external_user_id: String, card_id: String) -> p100::models::CardLimits;
            Operate card_limits_set(external_user_id: String, card_id: String, limits: p100::models::CardLimits) -> $crate::ledger::roster::UserRecord;
            /// P454's way out, as one confirmed action: every active card blocked, then the user
            /// suspended.
            Operate user_suspend_blocking_cards(external_user_id: String, reason: String) -> $crate::ledger::roster::UserRecord;
            Read user_balances(external_user_id: String) -> p100::models::UserBalances;
            Read user_transactions(external_user_id: String, query: p100::models::TransactionQuery) -> p100::models::TransactionPage;
            /// The partner's own balances: what funding a user draws on, where card fees go.
            Read partner_balances() -> p100::models::UserBalances;
            /// Funds the user from the partner's balance or collects from them: money leaves
            /// or enters the partner's own balance, so supervisors only.
            Supervise money_transfer(external_user_id: String, form: $crate::money::NewTransfer) -> $crate::money::MoveMade;
            Read transfer_details(transfer_id: String) -> p100::models::money::TransferDetails;
            Read exchange_rates() -> p100::models::money::ExchangeRates;
            /// A 40-second rate lock for the user (it moves nothing).
            Operate exchange_lock(external_user_id: String) -> p100::models::money::ExchangeLock;
            /// An exchange between the user's own balances, at a lock's rates.
            Operate exchange_create(external_user_id: String, form: $crate::money::NewExchange) -> $crate::money::MoveMade;
            Read exchange_details(exchange_id: String) -> p100::models::money::ExchangeDetails;
            Read network_fee(currency: p100::models::money::Currency, network: Option<p100::models::money::Network>) -> p100::models::money::NetworkFee;
            /// Crypto out to a wallet outside P100, for good: supervisors only.
            Supervise withdrawal_create(external_user_id: String, form: $crate::money::NewWithdrawal) -> $crate::money::MoveMade;
            Read withdrawal_details(withdrawal_id: String) -> p100::models::money::WithdrawalDetails;
            /// The sender's data for a deposit held for the travel rule.
            Operate travel_rule_update(external_user_id: String, crypto_deposit_id: String, update: p100::models::money::TravelRuleUpdate) -> $crate::ledger::roster::UserRecord;
            /// The newest journal lines (`limit` defaults to 100, at most 1000).
            Read journal_recent(limit: Option<u32>) -> Vec<$crate::ledger::journal::JournalEntry>;
            /// Journal lines matching the filter, newest first.
            Read journal_query(filter: $crate::ledger::journal::JournalFilter) -> Vec<$crate::ledger::journal::JournalEntry>;
            /// A user's timeline, oldest first.
            Read user_timeline(external_user_id: String) -> Vec<$crate::ledger::events::TimelineEvent>;
            /// `environment` null: the selected one; `from` null: all time.
            Read funnel_get(environment: Option<$crate::EnvironmentKind>, from: Option<String>) -> $crate::ledger::funnel::Funnel;
            Operate kyc_hosted_start(external_user_id: String, form: $crate::users::HostedKycForm) -> $crate::users::HostedKycSession;
            /// Asks P100 for the user's KYC status and records what changed.
            Operate kyc_refresh(external_user_id: String) -> $crate::ledger::roster::UserRecord;
            Desktop sync_status() -> $crate::sync::SyncStatus;
            /// Write-only, like API keys.
            Desktop webhook_token_set(kind: $crate::EnvironmentKind, token: String) -> $crate::sync::SyncStatus;
            Desktop webhook_token_remove(kind: $crate::EnvironmentKind) -> $crate::sync::SyncStatus;
            Desktop webhook_port_set(port: u16) -> $crate::sync::SyncStatus;
            /// Whether this desktop keeps documents after upload, for how many days, and what it
            /// keeps now.
            Desktop documents_retention_get() -> $crate::kept::Retention;
            /// `days` null: documents are not kept (what was kept is deleted at once); else 1 to
            /// 365.
            Desktop documents_retention_set(days: Option<u32>) -> $crate::kept::Retention;
            /// A user's documents kept on this desktop, oldest first.
            Desktop documents_kept(external_user_id: String) -> Vec<$crate::kept::KeptDocument>;
            /// Deletes every kept document now; keeping goes on as set.
            Desktop documents_kept_delete() -> $crate::kept::Retention;
            /// Stops a running operation's retry wait; `false` when it is not waiting any more.
            Operate operation_cancel(operation_id: String) -> bool;
            /// Operations left open (a crash, a lost answer, a cancelled retry), oldest first.
            Read operations_open() -> Vec<$crate::recovery::OpenOperation>;
            /// Sends an open operation again, as stored.
            Supervise operation_retry(operation_id: String) -> $crate::ledger::roster::UserRecord;
            /// Closes an open operation by the operator's word.
            Supervise operation_resolve(operation_id: String, happened: bool) -> ();
            /// What P100's history shows since an open money move was sent, to resolve it on.
            Read operation_evidence(operation_id: String) -> Vec<p100::models::Transaction>;
            // operations:end
        ] }
    };
}

/// Declares [`DeskApi`] and [`OPERATIONS`] from the list.
macro_rules! declare_api {
    ([ $( $(#[$doc:meta])* $access:ident $name:ident ( $($arg:ident : $ty:ty),* ) -> $answer:ty ; )* ]) => {
        /// The desk core's operations, as the shell calls them: the local desk answers them in
        /// solo mode; in team mode a client of the hub will.
        pub trait DeskApi: Send + Sync {
            $(
                $(#[$doc])*
                fn $name(&self $(, $arg: $ty)*)
                    -> impl Future<Output = $crate::Result<$answer>> + Send;
            )*
        }

        /// Every operation of [`DeskApi`], in the list's order.
        pub const OPERATIONS: &[OperationSpec] = &[
            $(OperationSpec {
                name: stringify!($name),
                access: Access::$access,
                args: &[$(camel!($arg)),*],
            }),*
        ];
    };
}

/// An argument's wire name. `stringify!` cannot change case at compile time, so the list's
/// argument names are matched here; a new multi-word name that is missing fails the build.
macro_rules! camel {
    (external_user_id) => {
        "externalUserId"
    };
    (custom_url) => {
        "customUrl"
    };
    (api_key) => {
        "apiKey"
    };
    (operation_id) => {
        "operationId"
    };
    (hub_url) => {
        "hubUrl"
    };
    (external_user_ids) => {
        "externalUserIds"
    };
    (operator_token) => {
        "operatorToken"
    };
    (file_name) => {
        "fileName"
    };
    (per_second) => {
        "perSecond"
    };
    (job_id) => {
        "jobId"
    };
    (card_id) => {
        "cardId"
    };
    (transfer_id) => {
        "transferId"
    };
    (exchange_id) => {
        "exchangeId"
    };
    (withdrawal_id) => {
        "withdrawalId"
    };
    (crypto_deposit_id) => {
        "cryptoDepositId"
    };
    ($one_word:ident) => {
        one_word(stringify!($one_word))
    };
}

/// A snake_case name in camelCase, as names go on the wire (Tauri's arguments, the hub's
/// operationIds): `user_create` → `userCreate`. At run time; [`camel!`] is the compile-time list.
pub fn camel_case(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Guards [`camel!`]: a name with `_` that the macro does not know stops the build.
const fn one_word(name: &'static str) -> &'static str {
    let bytes = name.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        assert!(
            bytes[i] != b'_',
            "add this argument's camelCase name to camel!"
        );
        i += 1;
    }
    name
}

with_operations!(declare_api);

/// The operation of that name.
pub fn operation(name: &str) -> Option<&'static OperationSpec> {
    OPERATIONS.iter().find(|o| o.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_snake_case() {
        let mut seen = std::collections::HashSet::new();
        for op in OPERATIONS {
            assert!(seen.insert(op.name), "{} is listed twice", op.name);
            assert!(
                op.name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{}",
                op.name
            );
            for arg in op.args {
                assert!(
                    arg.bytes().all(|b| b.is_ascii_alphabetic()),
                    "{}: {arg}",
                    op.name
                );
            }
        }
        assert_eq!(
            operation("user_delete").map(|o| o.access),
            Some(Access::Supervise)
        );
        assert_eq!(operation("users_list").map(|o| o.args.len()), Some(0));
        assert_eq!(
            operation("user_update").map(|o| o.args),
            Some(&["externalUserId", "profile"][..])
        );
    }
}
