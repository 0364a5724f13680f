//! The TypeScript types of everything that crosses the IPC boundary, generated from the Rust
//! types with ts-rs and committed as `ui/src/api/bindings.ts`. The test below fails when that
//! file is stale; `UPDATE_BINDINGS=1 cargo test -p partner-desk bindings` rewrites it.

#[cfg(test)]
mod tests {
    use crate::commands::documents::KycFileRef;
    use crate::commands::reference::Country;
    use crate::commands::sync::GeneratedToken;
    use crate::error::CommandError;
    use crate::events::PageEvent;
    use desk::desk::{CredentialStatus, KeyTest};
    use desk::documents::{Admitted, DocumentRejection, DocumentToken};
    use desk::kept::{KeptDocument, Retention};
    use desk::ledger::events::TimelineEvent;
    use desk::ledger::funnel::{Funnel, FunnelStep, StageCount};
    use desk::ledger::journal::{JournalEntry, JournalFilter};
    use desk::ledger::outbox::OutboxState;
    use desk::ledger::roster::UserRecord;
    use desk::onboarding::Stage;
    use desk::operation::RetryEvent;
    use desk::recovery::OpenOperation;
    use desk::sync::SyncStatus;
    use desk::timeline::{Confirmation, EventSource, FileNote, KycReport};
    use desk::users::{HostedKycForm, HostedKycSession, NewUser, VerificationForm};
    use desk::vocabulary::KycMethod;
    use desk::{EnvironmentInfo, EnvironmentKind};
    use p100::FieldError;
    use p100::models::balances::{DepositConfig, WithdrawalConfig};
    use p100::models::{AttemptStatus, KycFileStatus, PoaStatus, UserStatus, VerificationStatus};
    use p100::models::{
        CryptoBalance, DocumentType, FiatBalance, FiatBalanceStatus, IncomeSource, KycFileSide,
        NetworkConfig, Occupation, OpenAccountReason, Transaction, TransactionPage,
        TransactionQuery, TransactionStatus, TransactionType, UserBalances, UserProfile,
    };
    use p100::upload::UploadProgress;
    use ts_rs::{Config, TS};

    const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/ui/src/api/bindings.ts");

    fn render() -> String {
        // JSON numbers, not bigint: no value we send exceeds 2^53.
        let cfg = Config::default().with_large_int("number");
        let decls = [
            EnvironmentKind::decl(&cfg),
            EnvironmentInfo::decl(&cfg),
            CredentialStatus::decl(&cfg),
            KeyTest::decl(&cfg),
            UserProfile::decl(&cfg),
            NewUser::decl(&cfg),
            Stage::decl(&cfg),
            UserStatus::decl(&cfg),
            KycMethod::decl(&cfg),
            VerificationStatus::decl(&cfg),
            AttemptStatus::decl(&cfg),
            PoaStatus::decl(&cfg),
            KycFileStatus::decl(&cfg),
            UserRecord::decl(&cfg),
            EventSource::decl(&cfg),
            FileNote::decl(&cfg),
            KycReport::decl(&cfg),
            Confirmation::decl(&cfg),
            TimelineEvent::decl(&cfg),
            FunnelStep::decl(&cfg),
            StageCount::decl(&cfg),
            Funnel::decl(&cfg),
            JournalEntry::decl(&cfg),
            JournalFilter::decl(&cfg),
            SyncStatus::decl(&cfg),
            desk::team::TeamStatus::decl(&cfg),
            desk::tracking::TrackOutcome::decl(&cfg),
            desk::tracking::TrackResult::decl(&cfg),
            desk::ledger::imports::ImportOutcome::decl(&cfg),
            desk::ledger::imports::RowResult::decl(&cfg),
            desk::ledger::imports::ImportState::decl(&cfg),
            desk::ledger::imports::ImportJob::decl(&cfg),
            desk::import::jobs::ImportPreview::decl(&cfg),
            crate::commands::import::PickedCsv::decl(&cfg),
            desk::ledger::roster_query::RosterSort::decl(&cfg),
            desk::ledger::roster_query::AssigneeFilter::decl(&cfg),
            desk::ledger::roster_query::RosterQuery::decl(&cfg),
            desk::ledger::roster_query::BoardFilter::decl(&cfg),
            desk::ledger::notes::TagColour::decl(&cfg),
            desk::ledger::notes::Tag::decl(&cfg),
            desk::ledger::roster_query::RosterPage::decl(&cfg),
            desk::ledger::roster_query::BoardColumn::decl(&cfg),
            desk::ledger::roster_query::RosterFacets::decl(&cfg),
            RetryEvent::decl(&cfg),
            OutboxState::decl(&cfg),
            OpenOperation::decl(&cfg),
            FieldError::decl(&cfg),
            CommandError::decl(&cfg),
            Country::decl(&cfg),
            DocumentType::decl(&cfg),
            KycFileSide::decl(&cfg),
            IncomeSource::decl(&cfg),
            OpenAccountReason::decl(&cfg),
            Occupation::decl(&cfg),
            VerificationForm::decl(&cfg),
            HostedKycForm::decl(&cfg),
            HostedKycSession::decl(&cfg),
            p100::models::CardStatus::decl(&cfg),
            p100::models::CardSummary::decl(&cfg),
            p100::models::CardLimits::decl(&cfg),
            desk::cards::PinTwice::decl(&cfg),
            desk::cards::NewCard::decl(&cfg),
            desk::cards::RevealedCard::decl(&cfg),
            crate::commands::cards::CopiedCardNumber::decl(&cfg),
            desk::timeline::CardChange::decl(&cfg),
            desk::timeline::CardCodePurpose::decl(&cfg),
            p100::models::money::Currency::decl(&cfg),
            p100::models::money::Network::decl(&cfg),
            p100::models::money::MoveStatus::decl(&cfg),
            p100::models::money::MoveError::decl(&cfg),
            p100::models::money::TransferDetails::decl(&cfg),
            p100::models::money::ExchangeLock::decl(&cfg),
            p100::models::money::ExchangeStatus::decl(&cfg),
            p100::models::money::ExchangeDetails::decl(&cfg),
            p100::models::money::NetworkFee::decl(&cfg),
            p100::models::money::WalletType::decl(&cfg),
            p100::models::money::ReceiverType::decl(&cfg),
            p100::models::money::WithdrawalDetails::decl(&cfg),
            p100::models::money::DepositWalletType::decl(&cfg),
            p100::models::money::TravelRuleDetails::decl(&cfg),
            p100::models::money::TravelRuleUpdate::decl(&cfg),
            desk::money::TransferDirection::decl(&cfg),
            desk::money::NewTransfer::decl(&cfg),
            desk::money::NewExchange::decl(&cfg),
            desk::money::NewWithdrawal::decl(&cfg),
            desk::money::MoveMade::decl(&cfg),
            DocumentToken::decl(&cfg),
            DocumentRejection::decl(&cfg),
            Admitted::decl(&cfg),
            KeptDocument::decl(&cfg),
            Retention::decl(&cfg),
            KycFileRef::decl(&cfg),
            UploadProgress::decl(&cfg),
            FiatBalanceStatus::decl(&cfg),
            FiatBalance::decl(&cfg),
            WithdrawalConfig::decl(&cfg),
            DepositConfig::decl(&cfg),
            NetworkConfig::decl(&cfg),
            CryptoBalance::decl(&cfg),
            UserBalances::decl(&cfg),
            TransactionType::decl(&cfg),
            TransactionStatus::decl(&cfg),
            Transaction::decl(&cfg),
            TransactionPage::decl(&cfg),
            TransactionQuery::decl(&cfg),
            PageEvent::decl(&cfg),
            GeneratedToken::decl(&cfg),
        ];
        let mut out = String::from(
            "// Generated from the Rust types by `UPDATE_BINDINGS=1 cargo test -p partner-desk bindings`.\n\
             // Do not edit: a test fails when this file differs from what the Rust types produce.\n",
        );
        for d in decls {
            out.push('\n');
            out.push_str("export ");
            out.push_str(d.trim());
            out.push('\n');
        }
        out
    }

    #[test]
    fn bindings_are_up_to_date() {
        let fresh = render();
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::write(PATH, &fresh).expect("write bindings");
            return;
        }
        let committed = std::fs::read_to_string(PATH).unwrap_or_default();
        assert!(
            committed == fresh,
            "ui/src/api/bindings.ts is stale: run `UPDATE_BINDINGS=1 cargo test -p partner-desk bindings`"
        );
    }
}
