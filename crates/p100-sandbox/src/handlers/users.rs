//! User account operations.

use super::body::{Fields, dedup, json_object, profile};
use crate::error::ApiError;
use crate::money;
use crate::state::Sandbox;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use p100::models::{
    CreateUserRequest, CreateUserResponse, TransactionPage, TransactionQuery, TransactionStatus,
    TransactionType, UserAccount, UserBalances,
};
use p100::validate;
use std::collections::BTreeMap;
use std::sync::Arc;

type Answer<T> = Result<Json<T>, ApiError>;

/// Create User Account (G3 body). 201 with `{userId, poaRequiredForExtended}`.
pub async fn create_user(
    State(state): State<Arc<Sandbox>>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    match create(&state, &headers, &bytes) {
        Ok(created) => (StatusCode::CREATED, Json(created)).into_response(),
        Err(e) => e.into_response(),
    }
}

fn create(
    state: &Sandbox,
    headers: &HeaderMap,
    bytes: &Bytes,
) -> Result<CreateUserResponse, ApiError> {
    let map = json_object(headers, bytes)?;
    let mut f = Fields::new(&map);
    f.forbid_others(validate::CREATE_FIELDS);
    let request = CreateUserRequest {
        external_user_id: f.string("externalUserId").unwrap_or_default(),
        has_accepted_p100_tc: f.boolean("hasAcceptedP100Tc").unwrap_or(false),
        profile: profile(&mut f),
    };
    let mut errors = f.errors;
    errors.extend(validate::create_user(&request, validate::today()));
    if !errors.is_empty() {
        return Err(ApiError::validation(&dedup(errors)));
    }
    let user = state.create_user(request)?;
    Ok(CreateUserResponse {
        user_id: user.user_id,
        poa_required_for_extended: user.poa_required_for_extended,
    })
}

/// The legacy (G1) no-KYC create: this partner is on the KYC model, and the two cannot mix.
pub async fn create_user_without_kyc() -> ApiError {
    ApiError::invalid_state(
        "This partner uses the KYC model: users cannot be created without KYC. \
         Use POST /v1/user/balances/crypto-and-fiat",
    )
}

/// Update: any profile field; at least one.
pub async fn update_user(
    State(state): State<Arc<Sandbox>>,
    Path(ext): Path<String>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Answer<UserAccount> {
    let map = json_object(&headers, &bytes)?;
    let mut f = Fields::new(&map);
    f.forbid_others(&validate::CREATE_FIELDS[2..]);
    let changes = profile(&mut f);
    let mut errors = f.errors;
    validate::profile(&changes, validate::today(), &mut errors);
    if map.is_empty() {
        errors.push(p100::FieldError::new(
            "",
            "body must contain at least one field to change",
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(&dedup(errors)));
    }
    Ok(Json(state.update_user(&ext, changes)?))
}

pub async fn delete_user(
    State(state): State<Arc<Sandbox>>,
    Path(ext): Path<String>,
) -> Answer<UserAccount> {
    Ok(Json(state.delete_user(&ext)?))
}

/// Suspend: an optional `{reason}` (the docs name no body); the reason is not kept.
pub async fn suspend_user(
    State(state): State<Arc<Sandbox>>,
    Path(ext): Path<String>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Answer<UserAccount> {
    if !bytes.is_empty() || headers.contains_key(header::CONTENT_TYPE) {
        let map = json_object(&headers, &bytes)?;
        let mut f = Fields::new(&map);
        f.forbid_others(&["reason"]);
        if f.string("reason").is_some_and(|r| r.chars().count() > 500) {
            f.errors.push(p100::FieldError::new(
                "reason",
                "reason must be at most 500 characters",
            ));
        }
        f.finish()?;
    }
    Ok(Json(state.suspend_user(&ext)?))
}

pub async fn unsuspend_user(
    State(state): State<Arc<Sandbox>>,
    Path(ext): Path<String>,
) -> Answer<UserAccount> {
    Ok(Json(state.unsuspend_user(&ext)?))
}

pub async fn extend_user(
    State(state): State<Arc<Sandbox>>,
    Path(ext): Path<String>,
) -> Answer<UserAccount> {
    Ok(Json(state.extend_user(&ext)?))
}

/// Balances: empty lists until verification succeeds (G3 creates them then).
pub async fn balances(
    State(state): State<Arc<Sandbox>>,
    Path(ext): Path<String>,
) -> Answer<UserBalances> {
    Ok(Json(state.balances(&ext)?))
}

pub async fn transactions(
    State(state): State<Arc<Sandbox>>,
    Path(ext): Path<String>,
    Query(params): Query<BTreeMap<String, String>>,
) -> Answer<TransactionPage> {
    let query = parse_query(&params)?;
    // Unknown users first, as P100 checks the user before the query's meaning.
    state.account(&ext)?;
    Ok(Json(state.transactions(&ext, &query)?))
}

fn parse_query(params: &BTreeMap<String, String>) -> Result<TransactionQuery, ApiError> {
    let mut errors = Vec::new();
    let mut q = TransactionQuery::default();
    for (k, v) in params {
        match k.as_str() {
            "page" | "limit" => match v.parse::<u32>() {
                Ok(n) if k == "page" => q.page = Some(n),
                Ok(n) => q.limit = Some(n),
                Err(_) => errors.push(format!("{k} must be a positive integer")),
            },
            "currency" => q.currency = Some(v.clone()),
            "type" => match TransactionType::ALL.into_iter().find(|t| t.as_str() == v) {
                Some(t) => q.kind = Some(t),
                None => errors.push(format!(
                    "type must be one of the following values: {}",
                    TransactionType::ALL.map(|t| t.as_str()).join(", ")
                )),
            },
            "status" => match TransactionStatus::ALL.into_iter().find(|t| t.as_str() == v) {
                Some(s) => q.status = Some(s),
                None => errors.push(format!(
                    "status must be one of the following values: {}",
                    TransactionStatus::ALL.map(|t| t.as_str()).join(", ")
                )),
            },
            "from" => q.from = Some(v.clone()),
            "to" => q.to = Some(v.clone()),
            other => errors.push(format!("property {other} should not exist")),
        }
    }
    errors.extend(money::check_query(&q));
    if errors.is_empty() {
        Ok(q)
    } else {
        Err(ApiError::validation_message(
            errors
                .iter()
                .map(|e| format!("{e}."))
                .collect::<Vec<_>>()
                .join(" "),
        ))
    }
}
