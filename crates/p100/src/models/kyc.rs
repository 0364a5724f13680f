use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// `verificationStatus` of the KYC Verification Status webhook and Get KYC Status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum VerificationStatus {
    NotVerified,
    Verified,
    Expired,
}

/// `attemptStatus`: where the latest verification attempt stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AttemptStatus {
    Pending,
    Verification,
    RejectedByProvider,
    Successful,
}

impl VerificationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotVerified => "NOT_VERIFIED",
            Self::Verified => "VERIFIED",
            Self::Expired => "EXPIRED",
        }
    }
}

impl AttemptStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "PENDING",
            Self::Verification => "VERIFICATION",
            Self::RejectedByProvider => "REJECTED_BY_PROVIDER",
            Self::Successful => "SUCCESSFUL",
        }
    }
}

/// Body of Get KYC Status. Its fields are not published; we take the webhook's (docs/decisions.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct KycStatus {
    pub external_user_id: String,
    pub verification_status: VerificationStatus,
    #[serde(default)]
    pub attempt_status: Option<AttemptStatus>,
    /// Filled when `attemptStatus` is `REJECTED_BY_PROVIDER`, e.g. `NO_FACE_FOUND`.
    #[serde(default)]
    pub rejection_reason: Option<String>,
    /// Where the user's proof of address stands, when P100 says (our sandbox does; P100's
    /// published docs show no read of it): what confirms a POA webhook. Absent before any POA.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub poa_status: Option<crate::models::PoaStatus>,
}

/// Identity document types. Method A takes the first three; hosted KYC also `DRIVER_LICENSE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DocumentType {
    IdCard,
    Passport,
    ResidencePermit,
    DriverLicense,
}

impl DocumentType {
    pub const ALL: [Self; 4] = [
        Self::IdCard,
        Self::Passport,
        Self::ResidencePermit,
        Self::DriverLicense,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::IdCard => "ID_CARD",
            Self::Passport => "PASSPORT",
            Self::ResidencePermit => "RESIDENCE_PERMIT",
            Self::DriverLicense => "DRIVER_LICENSE",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == s)
    }

    /// The images Method A needs: front, back and selfie for cards and permits; one photo
    /// (`front`) and a selfie for a passport. `None` for types Method A does not take.
    pub fn required_sides(self) -> Option<&'static [KycFileSide]> {
        match self {
            Self::IdCard | Self::ResidencePermit => {
                Some(&[KycFileSide::Front, KycFileSide::Back, KycFileSide::Selfie])
            }
            Self::Passport => Some(&[KycFileSide::Front, KycFileSide::Selfie]),
            Self::DriverLicense => None,
        }
    }
}

/// Which image of the document a Method A file is; also its multipart field name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum KycFileSide {
    Front,
    Back,
    Selfie,
}

impl KycFileSide {
    pub const ALL: [Self; 3] = [Self::Front, Self::Back, Self::Selfie];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Front => "front",
            Self::Back => "back",
            Self::Selfie => "selfie",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == s)
    }
}

/// Answer of Add KYC File (shape chosen): what the user's document set holds now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct KycFilesResponse {
    pub external_user_id: String,
    pub document_type: DocumentType,
    pub received: Vec<KycFileSide>,
    pub missing: Vec<KycFileSide>,
}

/// KYC File Added webhook status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum KycFileStatus {
    Added,
    Error,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum IncomeSource {
    BusinessActivity,
    Salary,
    Other,
    MaintainedByFamily,
    Investments,
    SocialBenefits,
    Tenancy,
}

impl IncomeSource {
    /// P100's rule: every source but business activity needs `additionalInfo`.
    pub fn needs_additional_info(self) -> bool {
        self != Self::BusinessActivity
    }
}

/// `openAccountReason`. `INVESTMENTS_OR_CRYPTOCURRENCIE` is spelled as P100 spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub enum OpenAccountReason {
    #[serde(rename = "INVESTMENTS_OR_CRYPTOCURRENCIE")]
    InvestmentsOrCryptocurrencie,
    #[serde(rename = "CURRENCY_EXCHANGE")]
    CurrencyExchange,
    #[serde(rename = "DAILY_USE")]
    DailyUse,
    #[serde(rename = "GAMING_OR_GAMBLING")]
    GamingOrGambling,
    #[serde(rename = "TRANSFER_OF_FUNDS_OUTSIDE_OF_EUROPE")]
    TransferOfFundsOutsideOfEurope,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Occupation {
    #[serde(rename = "IT")]
    It,
    HealthcareAndMedicalServices,
    FinanceAndAccounting,
    EducationAndTeaching,
    SalesAndMarketing,
    Engineering,
    CustomerService,
    AdministrationAndOfficeManagement,
    LegalServices,
    ArtsAndDesign,
    RetailAndSales,
    ConstructionAndTrades,
    HumanResources,
    ManufacturingAndProduction,
    ScienceAndResearch,
}

/// Creating KYC Verification (`POST /v1/kyc`), G0's field table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CreateKycVerificationRequest {
    pub external_user_id: String,
    pub document_type: DocumentType,
    /// Residence, ISO alpha-2.
    pub country: String,
    pub income_source: IncomeSource,
    pub open_account_reason: OpenAccountReason,
    /// Only with `BUSINESS_ACTIVITY`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub tax_id: Option<String>,
    /// Only with `SALARY`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub occupation: Option<Occupation>,
    /// With every income source but `BUSINESS_ACTIVITY`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub additional_info: Option<String>,
}

/// Answer of Creating KYC Verification (fields inferred: the redirect path needs the id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CreateKycVerificationResponse {
    pub external_user_id: String,
    pub verification_id: String,
}
