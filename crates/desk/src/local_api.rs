//! The local desk answers the operations itself: each is a call into the components behind
//! [`Desk`], with the page's owned arguments lent where the desk borrows.

use crate::api::DeskApi;
use crate::cards::{CardAction, NewCard, PinTwice, RevealedCard};
use crate::desk::{CredentialStatus, Desk, KeyTest};
use crate::error::Result;
use crate::import::jobs::ImportPreview;
use crate::ledger::events::TimelineEvent;
use crate::ledger::funnel::Funnel;
use crate::ledger::imports::{ImportJob, RowResult};
use crate::ledger::journal::{JournalEntry, JournalFilter};
use crate::ledger::notes::{Tag, TagColour};
use crate::ledger::roster::UserRecord;
use crate::ledger::roster_query::{
    BoardColumn, BoardFilter, RosterFacets, RosterPage, RosterQuery,
};
use crate::money::{MoveMade, NewExchange, NewTransfer, NewWithdrawal};
use crate::recovery::OpenOperation;
use crate::sync::SyncStatus;
use crate::users::{HostedKycForm, HostedKycSession, NewUser, VerificationForm};
use crate::{EnvironmentInfo, EnvironmentKind};
use p100::models::money::{
    Currency, ExchangeDetails, ExchangeLock, ExchangeRates, Network, NetworkFee, TransferDetails,
    TravelRuleUpdate, WithdrawalDetails,
};
use p100::models::{
    CardLimits, CardSummary, Transaction, TransactionPage, TransactionQuery, UserBalances,
    UserProfile,
};

/// The journal lines `journal_recent` answers when the page names no limit, and at most.
const JOURNAL_RECENT: u32 = 100;
const JOURNAL_RECENT_MAX: u32 = 1000;

impl DeskApi for Desk {
    async fn environment_get(&self) -> Result<EnvironmentInfo> {
        self.environment().await
    }

    async fn environment_select(
        &self,
        kind: EnvironmentKind,
        custom_url: Option<String>,
    ) -> Result<EnvironmentInfo> {
        self.select_environment(kind, custom_url).await
    }

    async fn credentials_list(&self) -> Result<Vec<CredentialStatus>> {
        self.credentials().await
    }

    async fn credentials_set(&self, kind: EnvironmentKind, api_key: String) -> Result<()> {
        self.set_api_key(kind, api_key).await
    }

    async fn credentials_remove(&self, kind: EnvironmentKind) -> Result<bool> {
        self.remove_api_key(kind).await
    }

    async fn credentials_test(&self, kind: EnvironmentKind) -> Result<KeyTest> {
        self.test_api_key(kind).await
    }

    async fn team_get(&self) -> Result<crate::team::TeamStatus> {
        self.team().status().await
    }

    async fn team_connect(
        &self,
        hub_url: String,
        operator_token: String,
    ) -> Result<crate::team::TeamStatus> {
        self.team().connect(hub_url, operator_token).await
    }

    async fn team_disconnect(&self) -> Result<crate::team::TeamStatus> {
        self.team().disconnect().await
    }

    async fn users_list(&self) -> Result<Vec<UserRecord>> {
        self.users().await
    }

    async fn users_query(&self, query: RosterQuery) -> Result<RosterPage> {
        self.query_users(query).await
    }

    async fn users_board(&self, filter: BoardFilter) -> Result<Vec<BoardColumn>> {
        self.board(filter).await
    }

    async fn users_facets(&self) -> Result<RosterFacets> {
        self.roster_facets().await
    }

    async fn cards_list(&self, external_user_id: String) -> Result<Vec<CardSummary>> {
        self.cards(&external_user_id).await
    }

    async fn card_create(&self, external_user_id: String, form: NewCard) -> Result<UserRecord> {
        self.create_card(&external_user_id, form).await
    }

    async fn card_reveal(&self, external_user_id: String, card_id: String) -> Result<RevealedCard> {
        self.reveal_card(&external_user_id, &card_id).await
    }

    async fn card_block(&self, external_user_id: String, card_id: String) -> Result<UserRecord> {
        self.change_card(&external_user_id, &card_id, CardAction::Block)
            .await
    }

    async fn card_unblock(&self, external_user_id: String, card_id: String) -> Result<UserRecord> {
        self.change_card(&external_user_id, &card_id, CardAction::Unblock)
            .await
    }

    async fn card_delete(&self, external_user_id: String, card_id: String) -> Result<UserRecord> {
        self.change_card(&external_user_id, &card_id, CardAction::Delete)
            .await
    }

    async fn card_pin_set(
        &self,
        external_user_id: String,
        card_id: String,
        pin: PinTwice,
    ) -> Result<UserRecord> {
        self.set_card_pin(&external_user_id, &card_id, pin).await
    }

    async fn card_limits_get(
        &self,
        external_user_id: String,
        card_id: String,
    ) -> Result<CardLimits> {
        self.card_limits(&external_user_id, &card_id).await
    }

    async fn card_limits_set(
        &self,
        external_user_id: String,
        card_id: String,
        limits: CardLimits,
    ) -> Result<UserRecord> {
        self.set_card_limits(&external_user_id, &card_id, limits)
            .await
    }

    async fn user_suspend_blocking_cards(
        &self,
        external_user_id: String,
        reason: String,
    ) -> Result<UserRecord> {
        self.suspend_blocking_cards(&external_user_id, reason).await
    }

    async fn tags_list(&self) -> Result<Vec<Tag>> {
        self.tags().await
    }

    async fn tag_save(&self, name: String, colour: TagColour) -> Result<Vec<Tag>> {
        self.save_tag(name, colour).await
    }

    async fn operators_list(&self) -> Result<Vec<String>> {
        self.operators().await
    }

    async fn user_note_add(&self, external_user_id: String, text: String) -> Result<UserRecord> {
        self.add_note(external_user_id, text).await
    }

    async fn user_tags_set(
        &self,
        external_user_id: String,
        tags: Vec<String>,
    ) -> Result<UserRecord> {
        self.set_tags(external_user_id, tags).await
    }

    async fn user_assign(
        &self,
        external_user_id: String,
        operator: Option<String>,
    ) -> Result<UserRecord> {
        self.assign(external_user_id, operator).await
    }

    async fn users_track(
        &self,
        external_user_ids: Vec<String>,
    ) -> Result<Vec<crate::tracking::TrackResult>> {
        self.track_users(external_user_ids).await
    }

    async fn import_preview(
        &self,
        csv: String,
        mapping: Option<Vec<Option<String>>>,
    ) -> Result<ImportPreview> {
        self.preview_import(csv, mapping).await
    }

    async fn import_start(
        &self,
        file_name: String,
        csv: String,
        mapping: Vec<Option<String>>,
        per_second: f64,
    ) -> Result<ImportJob> {
        self.start_import(file_name, csv, mapping, per_second).await
    }

    async fn import_jobs(&self) -> Result<Vec<ImportJob>> {
        Desk::import_jobs(self).await
    }

    async fn import_results(&self, job_id: String) -> Result<Vec<RowResult>> {
        Desk::import_results(self, job_id).await
    }

    async fn import_pause(&self, job_id: String) -> Result<ImportJob> {
        self.pause_import(job_id).await
    }

    async fn import_resume(&self, job_id: String) -> Result<ImportJob> {
        self.resume_import(job_id).await
    }

    async fn import_cancel(&self, job_id: String) -> Result<ImportJob> {
        self.cancel_import(job_id).await
    }

    async fn user_get(&self, external_user_id: String) -> Result<UserRecord> {
        self.user(&external_user_id).await
    }

    async fn user_create(&self, form: NewUser) -> Result<UserRecord> {
        self.create_user(form).await
    }

    async fn user_update(
        &self,
        external_user_id: String,
        profile: UserProfile,
    ) -> Result<UserRecord> {
        self.update_user(&external_user_id, profile).await
    }

    async fn user_delete(
        &self,
        external_user_id: String,
        confirmation: String,
    ) -> Result<UserRecord> {
        self.delete_user(&external_user_id, &confirmation).await
    }

    async fn user_suspend(&self, external_user_id: String, reason: String) -> Result<UserRecord> {
        self.suspend_user(&external_user_id, reason).await
    }

    async fn user_unsuspend(&self, external_user_id: String, reason: String) -> Result<UserRecord> {
        self.unsuspend_user(&external_user_id, reason).await
    }

    async fn user_extend(&self, external_user_id: String) -> Result<UserRecord> {
        self.extend_user(&external_user_id).await
    }

    async fn user_verify(
        &self,
        external_user_id: String,
        form: VerificationForm,
    ) -> Result<UserRecord> {
        self.add_verification(&external_user_id, form).await
    }

    async fn user_balances(&self, external_user_id: String) -> Result<UserBalances> {
        self.balances(&external_user_id).await
    }

    async fn user_transactions(
        &self,
        external_user_id: String,
        query: TransactionQuery,
    ) -> Result<TransactionPage> {
        self.transactions(&external_user_id, query).await
    }

    async fn partner_balances(&self) -> Result<UserBalances> {
        Desk::partner_balances(self).await
    }

    async fn money_transfer(
        &self,
        external_user_id: String,
        form: NewTransfer,
    ) -> Result<MoveMade> {
        self.transfer(&external_user_id, form).await
    }

    async fn transfer_details(&self, transfer_id: String) -> Result<TransferDetails> {
        Desk::transfer_details(self, &transfer_id).await
    }

    async fn exchange_rates(&self) -> Result<ExchangeRates> {
        Desk::exchange_rates(self).await
    }

    async fn exchange_lock(&self, external_user_id: String) -> Result<ExchangeLock> {
        Desk::exchange_lock(self, &external_user_id).await
    }

    async fn exchange_create(
        &self,
        external_user_id: String,
        form: NewExchange,
    ) -> Result<MoveMade> {
        self.exchange(&external_user_id, form).await
    }

    async fn exchange_details(&self, exchange_id: String) -> Result<ExchangeDetails> {
        Desk::exchange_details(self, &exchange_id).await
    }

    async fn network_fee(
        &self,
        currency: Currency,
        network: Option<Network>,
    ) -> Result<NetworkFee> {
        Desk::network_fee(self, currency, network).await
    }

    async fn withdrawal_create(
        &self,
        external_user_id: String,
        form: NewWithdrawal,
    ) -> Result<MoveMade> {
        self.withdraw(&external_user_id, form).await
    }

    async fn withdrawal_details(&self, withdrawal_id: String) -> Result<WithdrawalDetails> {
        Desk::withdrawal_details(self, &withdrawal_id).await
    }

    async fn travel_rule_update(
        &self,
        external_user_id: String,
        crypto_deposit_id: String,
        update: TravelRuleUpdate,
    ) -> Result<UserRecord> {
        self.travel_rule(&external_user_id, &crypto_deposit_id, update)
            .await
    }

    async fn operation_evidence(&self, operation_id: String) -> Result<Vec<Transaction>> {
        Desk::operation_evidence(self, &operation_id).await
    }

    async fn journal_recent(&self, limit: Option<u32>) -> Result<Vec<JournalEntry>> {
        self.journal(limit.unwrap_or(JOURNAL_RECENT).min(JOURNAL_RECENT_MAX))
            .await
    }

    async fn journal_query(&self, filter: JournalFilter) -> Result<Vec<JournalEntry>> {
        Desk::journal_query(self, filter).await
    }

    async fn user_timeline(&self, external_user_id: String) -> Result<Vec<TimelineEvent>> {
        self.timeline(&external_user_id).await
    }

    async fn funnel_get(
        &self,
        environment: Option<EnvironmentKind>,
        from: Option<String>,
    ) -> Result<Funnel> {
        self.funnel(environment, from).await
    }

    async fn kyc_hosted_start(
        &self,
        external_user_id: String,
        form: HostedKycForm,
    ) -> Result<HostedKycSession> {
        self.start_hosted_kyc(&external_user_id, form).await
    }

    async fn kyc_refresh(&self, external_user_id: String) -> Result<UserRecord> {
        self.refresh_kyc_status(&external_user_id).await
    }

    async fn sync_status(&self) -> Result<SyncStatus> {
        Desk::sync_status(self).await
    }

    async fn webhook_token_set(&self, kind: EnvironmentKind, token: String) -> Result<SyncStatus> {
        self.set_webhook_token(kind, token).await
    }

    async fn webhook_token_remove(&self, kind: EnvironmentKind) -> Result<SyncStatus> {
        self.remove_webhook_token(kind).await
    }

    async fn webhook_port_set(&self, port: u16) -> Result<SyncStatus> {
        self.set_webhook_port(port).await
    }

    async fn documents_retention_get(&self) -> Result<crate::kept::Retention> {
        Desk::documents_retention(self).await
    }

    async fn documents_retention_set(&self, days: Option<u32>) -> Result<crate::kept::Retention> {
        self.set_documents_retention(days).await
    }

    async fn documents_kept(
        &self,
        external_user_id: String,
    ) -> Result<Vec<crate::kept::KeptDocument>> {
        Desk::kept_documents(self, external_user_id).await
    }

    async fn documents_kept_delete(&self) -> Result<crate::kept::Retention> {
        self.delete_kept_documents().await
    }

    async fn operation_cancel(&self, operation_id: String) -> Result<bool> {
        Ok(self.cancel_operation(&operation_id))
    }

    async fn operations_open(&self) -> Result<Vec<OpenOperation>> {
        self.open_operations().await
    }

    async fn operation_retry(&self, operation_id: String) -> Result<UserRecord> {
        self.retry_operation(&operation_id).await
    }

    async fn operation_resolve(&self, operation_id: String, happened: bool) -> Result<()> {
        self.resolve_operation(&operation_id, happened).await
    }
}
