//! User account operations.

use super::body::{Fields, json_object};
use crate::error::ApiError;
use crate::state::{CreateRefused, Sandbox};
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use p100::models::{CreateUserRequest, CreateUserResponse, UserProfile};
use p100::validate;
use std::sync::Arc;

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
        profile: UserProfile {
            email: f.string("email"),
            phone: f.string("phone"),
            first_name: f.string("firstName"),
            last_name: f.string("lastName"),
            street: f.string("street"),
            number: f.string("number"),
            city: f.string("city"),
            post_code: f.string("postCode"),
            country: f.string("country"),
            citizenship: f.string("citizenship"),
            nationality: f.string("nationality"),
            birth_country: f.string("birthCountry"),
            birth_date: f.string("birthDate"),
            user_identification_number: f.string("userIdentificationNumber"),
        },
    };
    let mut errors = f.errors;
    errors.extend(validate::create_user(&request, time_today()));
    if !errors.is_empty() {
        return Err(ApiError::validation(&dedup(errors)));
    }
    match state.create_user(request) {
        Ok(user) => Ok(CreateUserResponse {
            user_id: user.user_id,
            poa_required_for_extended: user.poa_required_for_extended,
        }),
        Err(CreateRefused::Duplicate) => Err(ApiError::user_exists()),
    }
}

/// A type error and a rule error on the same field say the same thing twice; keep the first.
fn dedup(mut errors: Vec<p100::FieldError>) -> Vec<p100::FieldError> {
    let mut seen = std::collections::HashSet::new();
    errors.retain(|e| seen.insert(e.field.clone()));
    errors
}

fn time_today() -> validate::Date {
    validate::today()
}
