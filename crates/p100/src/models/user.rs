use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The person-describing fields of the newest (G3) create body. All optional here so that the
/// same type serves a partial update; which are required on create is [`crate::validate`]'s call.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UserProfile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub email: Option<String>,
    /// Digits with the country prefix and no `+`, e.g. `48500000000`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub street: Option<String>,
    /// Building and flat, e.g. `1/2`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub city: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub post_code: Option<String>,
    /// Country of residence, ISO 3166-1 alpha-2. Drives `poaRequiredForExtended`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub citizenship: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub nationality: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub birth_country: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub birth_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub user_identification_number: Option<String>,
}

/// Runs `$m!` with every field of [`UserProfile`], so field-wise operations list them once.
macro_rules! with_profile_fields {
    ($m:ident) => {
        $m!(
            email,
            phone,
            first_name,
            last_name,
            street,
            number,
            city,
            post_code,
            country,
            citizenship,
            nationality,
            birth_country,
            birth_date,
            user_identification_number
        )
    };
}

impl UserProfile {
    /// Overwrites the fields that `changes` sets; the others stay (a PATCH).
    pub fn apply(&mut self, changes: &UserProfile) {
        macro_rules! take {
            ($($f:ident),*) => {{ $( if changes.$f.is_some() { self.$f = changes.$f.clone(); } )* }};
        }
        with_profile_fields!(take)
    }

    /// The fields of `edited` that differ from `self`. A field emptied in `edited` is not a
    /// change: P100 documents no way to erase one.
    pub fn changes_to(&self, edited: &UserProfile) -> UserProfile {
        macro_rules! diff {
            ($($f:ident),*) => {
                UserProfile { $( $f: edited.$f.clone().filter(|v| self.$f.as_ref() != Some(v)), )* }
            };
        }
        with_profile_fields!(diff)
    }

    /// As an operator means it: surrounding spaces dropped, empty fields absent, country codes
    /// in upper case.
    pub fn normalized(mut self) -> Self {
        fn clean(v: &mut Option<String>, upper: bool) {
            *v = v
                .take()
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty());
            if upper && let Some(s) = v.as_mut() {
                *s = s.to_ascii_uppercase();
            }
        }
        for v in [
            &mut self.email,
            &mut self.phone,
            &mut self.first_name,
            &mut self.last_name,
            &mut self.street,
            &mut self.number,
            &mut self.city,
            &mut self.post_code,
            &mut self.birth_date,
            &mut self.user_identification_number,
        ] {
            clean(v, false);
        }
        for v in [
            &mut self.country,
            &mut self.citizenship,
            &mut self.nationality,
            &mut self.birth_country,
        ] {
            clean(v, true);
        }
        self
    }
}

/// Body of Create User Account (`POST /v1/user/balances/crypto-and-fiat`), newest generation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CreateUserRequest {
    pub external_user_id: String,
    #[serde(rename = "hasAcceptedP100Tc")]
    pub has_accepted_p100_tc: bool,
    #[serde(flatten)]
    pub profile: UserProfile,
}

/// Answer of Create User Account (G3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CreateUserResponse {
    pub user_id: String,
    pub poa_required_for_extended: bool,
}

/// P100's user account status. Only `WAITING_FOR_ACTIVATION` and `ACTIVE` are documented; the
/// suspended and deleted names are our choice (docs/decisions.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum UserStatus {
    WaitingForActivation,
    Active,
    Suspended,
    Deleted,
}

impl UserStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            UserStatus::WaitingForActivation => "WAITING_FOR_ACTIVATION",
            UserStatus::Active => "ACTIVE",
            UserStatus::Suspended => "SUSPENDED",
            UserStatus::Deleted => "DELETED",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::WaitingForActivation,
            Self::Active,
            Self::Suspended,
            Self::Deleted,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }
}

/// Add User Verification (`POST /v1/user/verification`): the typed-in data of the identity
/// document. P100 does not publish the body; these fields are our choice (docs/decisions.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UserVerificationRequest {
    pub external_user_id: String,
    pub document_type: crate::models::kyc::DocumentType,
    pub document_number: String,
    /// ISO alpha-2 country that issued the document.
    pub issuing_country: String,
    /// `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub issue_date: Option<String>,
    /// `YYYY-MM-DD`; must be in the future.
    pub expiry_date: String,
}

/// The user as P100 describes it after an account operation (update, suspend, extend, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UserAccount {
    pub external_user_id: String,
    pub user_id: String,
    pub status: UserStatus,
    pub poa_required_for_extended: bool,
    pub extended: bool,
    #[serde(flatten)]
    pub profile: UserProfile,
}

/// POA verification status (webhook and our Add POA File answer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PoaStatus {
    Waiting,
    Approved,
    Rejected,
    Questioned,
}

impl PoaStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Waiting => "WAITING",
            Self::Approved => "APPROVED",
            Self::Rejected => "REJECTED",
            Self::Questioned => "QUESTIONED",
        }
    }
}

/// Add POA File's 201 body (fields silent; ours).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PoaUploadResponse {
    pub external_user_id: String,
    pub status: PoaStatus,
    pub files: u32,
}

/// Optional body of Suspend User (the docs name no fields).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SuspendRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub reason: Option<String>,
}
