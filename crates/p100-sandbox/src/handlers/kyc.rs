//! KYC: Method A files, Method B hosted verification, Add User Verification, KYC status.

use super::body::{Fields, json_object};
use crate::error::ApiError;
use crate::files::read_form;
use crate::state::Sandbox;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use p100::FieldError;
use p100::models::{
    CreateKycVerificationRequest, DocumentType, IncomeSource, KycFileSide, KycStatus, Occupation,
    OpenAccountReason, UserVerificationRequest,
};
use std::sync::Arc;

const METHOD_A_TYPES: &[&str] = &["ID_CARD", "PASSPORT", "RESIDENCE_PERMIT"];
const ALL_TYPES: &[&str] = &["ID_CARD", "PASSPORT", "RESIDENCE_PERMIT", "DRIVER_LICENSE"];
const INCOME: &[&str] = &[
    "BUSINESS_ACTIVITY",
    "SALARY",
    "OTHER",
    "MAINTAINED_BY_FAMILY",
    "INVESTMENTS",
    "SOCIAL_BENEFITS",
    "TENANCY",
];
const REASONS: &[&str] = &[
    "INVESTMENTS_OR_CRYPTOCURRENCIE",
    "CURRENCY_EXCHANGE",
    "DAILY_USE",
    "GAMING_OR_GAMBLING",
    "TRANSFER_OF_FUNDS_OUTSIDE_OF_EUROPE",
];
const OCCUPATIONS: &[&str] = &[
    "IT",
    "HEALTHCARE_AND_MEDICAL_SERVICES",
    "FINANCE_AND_ACCOUNTING",
    "EDUCATION_AND_TEACHING",
    "SALES_AND_MARKETING",
    "ENGINEERING",
    "CUSTOMER_SERVICE",
    "ADMINISTRATION_AND_OFFICE_MANAGEMENT",
    "LEGAL_SERVICES",
    "ARTS_AND_DESIGN",
    "RETAIL_AND_SALES",
    "CONSTRUCTION_AND_TRADES",
    "HUMAN_RESOURCES",
    "MANUFACTURING_AND_PRODUCTION",
    "SCIENCE_AND_RESEARCH",
];

/// Add KYC File (Method A): multipart with `documentType` and files in fields `front`, `back`,
/// `selfie` — any subset per request; the answer says what is still missing.
pub async fn add_kyc_files(
    State(state): State<Arc<Sandbox>>,
    Path(ext): Path<String>,
    req: Request,
) -> Response {
    let form = match read_form(req).await {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    let mut errors = Vec::new();
    let document_type = match form.text.get("documentType").map(String::as_str) {
        None | Some("") => {
            errors.push(FieldError::new(
                "documentType",
                "documentType should not be empty",
            ));
            None
        }
        Some(t) => match DocumentType::parse(t).filter(|d| d.required_sides().is_some()) {
            Some(d) => Some(d),
            None => {
                errors.push(FieldError::new(
                    "documentType",
                    format!(
                        "documentType must be one of the following values: {}",
                        METHOD_A_TYPES.join(", ")
                    ),
                ));
                None
            }
        },
    };
    for name in form.text.keys().filter(|k| *k != "documentType") {
        errors.push(FieldError::new(
            name,
            format!("property {name} should not exist"),
        ));
    }
    let mut files = Vec::new();
    for upload in &form.files {
        match KycFileSide::parse(&upload.field) {
            Some(side) if files.iter().any(|(s, _)| *s == side) => errors.push(FieldError::new(
                &upload.field,
                format!("{} must be sent once", upload.field),
            )),
            Some(side) => {
                if let Some(d) = document_type
                    && !d.required_sides().unwrap_or(&[]).contains(&side)
                {
                    errors.push(FieldError::new(
                        &upload.field,
                        format!("{} is not used for {}", upload.field, d.as_str()),
                    ));
                }
                files.push((side, upload.clone()));
            }
            None => errors.push(FieldError::new(
                &upload.field,
                format!("property {} should not exist", upload.field),
            )),
        }
    }
    if form.files.is_empty() {
        errors.push(FieldError::new(
            "files",
            "files should contain at least one of front, back, selfie",
        ));
    }
    if !errors.is_empty() {
        return ApiError::validation(&super::body::dedup(errors)).into_response();
    }
    for (_, upload) in &files {
        if let Err(e) = upload.check() {
            return e.into_response();
        }
    }
    let Some(document_type) = document_type else {
        return ApiError::validation_message("documentType should not be empty.").into_response();
    };
    match state.add_kyc_files(&ext, document_type, &files) {
        Ok(r) => (StatusCode::CREATED, Json(r)).into_response(),
        Err(e) => e.into_response(),
    }
}

/// Creating KYC Verification (Method B) with P100's conditional fields.
pub async fn create_verification(
    State(state): State<Arc<Sandbox>>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    let run = || -> Result<_, ApiError> {
        let map = json_object(&headers, &bytes)?;
        let mut f = Fields::new(&map);
        f.forbid_others(&[
            "externalUserId",
            "documentType",
            "country",
            "incomeSource",
            "openAccountReason",
            "taxId",
            "occupation",
            "additionalInfo",
        ]);
        let ext = f.string("externalUserId").filter(|s| !s.is_empty());
        let ext = f.require("externalUserId", ext);
        let document_type = f.one_of::<DocumentType>("documentType", ALL_TYPES);
        let document_type = f.require("documentType", document_type);
        let country = f.string("country");
        let country = f.require("country", country);
        let income = f.one_of::<IncomeSource>("incomeSource", INCOME);
        let income = f.require("incomeSource", income);
        let reason = f.one_of::<OpenAccountReason>("openAccountReason", REASONS);
        let reason = f.require("openAccountReason", reason);
        let tax_id = f.string("taxId").filter(|s| !s.trim().is_empty());
        let occupation = f.one_of::<Occupation>("occupation", OCCUPATIONS);
        // The length rule applies to what was sent, blank or not; a blank value counts as absent.
        let additional_sent = f.string("additionalInfo");
        let additional = additional_sent.clone().filter(|s| !s.trim().is_empty());
        // A type error on occupation already says what is wrong with it.
        let has_occupation =
            occupation.is_some() || f.errors.iter().any(|e| e.field == "occupation");
        let rules = p100::validate::hosted_kyc_fields(
            country.as_deref(),
            income,
            tax_id.as_deref(),
            has_occupation,
            additional_sent.as_deref(),
        );
        f.errors.extend(rules);
        f.finish()?;
        let (
            Some(external_user_id),
            Some(document_type),
            Some(country),
            Some(income_source),
            Some(open_account_reason),
        ) = (ext, document_type, country, income, reason)
        else {
            return Err(ApiError::validation_message("body is incomplete."));
        };
        let req = CreateKycVerificationRequest {
            external_user_id,
            document_type,
            country,
            income_source,
            open_account_reason,
            tax_id,
            occupation,
            additional_info: additional,
        };
        state.create_hosted(&req)
    };
    match run() {
        Ok(r) => (StatusCode::CREATED, Json(r)).into_response(),
        Err(e) => e.into_response(),
    }
}

/// Add User Verification: the typed-in document data, `externalUserId` in the body (G0).
pub async fn add_verification(
    State(state): State<Arc<Sandbox>>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    let run = || -> Result<KycStatus, ApiError> {
        let map = json_object(&headers, &bytes)?;
        let mut f = Fields::new(&map);
        f.forbid_others(&[
            "externalUserId",
            "documentType",
            "documentNumber",
            "issuingCountry",
            "issueDate",
            "expiryDate",
        ]);
        let ext = f.string("externalUserId").filter(|s| !s.is_empty());
        let ext = f.require("externalUserId", ext);
        let document_type = f.one_of::<DocumentType>("documentType", ALL_TYPES);
        let document_type = f.require("documentType", document_type);
        let number = f.string("documentNumber").filter(|s| !s.is_empty());
        let number = f.require("documentNumber", number);
        let issuing = f.string("issuingCountry");
        let issuing = f.require("issuingCountry", issuing);
        let issue = f.string("issueDate");
        let expiry = f.string("expiryDate");
        let expiry = f.require("expiryDate", expiry);
        let rules = p100::validate::verification_fields(
            number.as_deref(),
            issuing.as_deref(),
            issue.as_deref(),
            expiry.as_deref(),
            p100::validate::today(),
        );
        f.errors.extend(rules);
        f.finish()?;
        let (
            Some(external_user_id),
            Some(document_type),
            Some(document_number),
            Some(issuing_country),
            Some(expiry_date),
        ) = (ext, document_type, number, issuing, expiry)
        else {
            return Err(ApiError::validation_message("body is incomplete."));
        };
        state.add_verification(UserVerificationRequest {
            external_user_id,
            document_type,
            document_number,
            issuing_country,
            issue_date: issue,
            expiry_date,
        })
    };
    match run() {
        Ok(r) => (StatusCode::CREATED, Json(r)).into_response(),
        Err(e) => e.into_response(),
    }
}

/// Get KYC Status: `P412` for an unknown user, `P445` while no KYC exists for the user.
pub async fn get_kyc_status(
    State(state): State<Arc<Sandbox>>,
    Path(external_user_id): Path<String>,
) -> Result<Json<KycStatus>, ApiError> {
    Ok(Json(state.kyc_status(&external_user_id)?))
}
