//! Virtual card operations: each body read as P100's validation layer does (every problem in
//! one `P403`, unknown properties refused), then one [`Sandbox`] card operation.

use super::body::{Fields, json_object};
use crate::error::ApiError;
use crate::state::Sandbox;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use p100::models::{
    CardDetails, CardLimits, CardLimitsUpdate, CardList, CreateCardRequest, CreatedCard, Message,
};
use p100::validate::cards as rules;
use std::sync::Arc;

type Answer<T> = Result<Json<T>, ApiError>;

/// `externalUserId` and `cardId` of a body, both required.
fn card_ref(f: &mut Fields<'_>) -> (String, String) {
    let ext = f.string("externalUserId");
    let ext = f.require("externalUserId", ext).unwrap_or_default();
    let card = f.string("cardId");
    let card = f.require("cardId", card).unwrap_or_default();
    (ext, card)
}

/// Create Virtual Card: 200 (as every G0 create), with the full number and CVV.
pub async fn create_card(
    State(s): State<Arc<Sandbox>>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Answer<CreatedCard> {
    let map = json_object(&headers, &bytes)?;
    let mut f = Fields::new(&map);
    f.forbid_others(&["externalUserId", "label", "pin"]);
    let ext = f.string("externalUserId");
    let ext = f.require("externalUserId", ext).unwrap_or_default();
    let label = f.string("label");
    if let Some(label) = f.require("label", label.clone()) {
        rules::label(&label, &mut f.errors);
    }
    let pin = f.string("pin");
    if let Some(pin) = f.require("pin", pin.clone()) {
        rules::pin(&pin, &mut f.errors);
    }
    f.finish()?;
    Ok(Json(s.create_card(CreateCardRequest {
        external_user_id: ext,
        label: label.unwrap_or_default(),
        pin: pin.unwrap_or_default(),
    })?))
}

pub async fn list_cards(
    State(s): State<Arc<Sandbox>>,
    Path(ext): Path<String>,
) -> Answer<CardList> {
    Ok(Json(s.list_cards(&ext)?))
}

pub async fn card_details(
    State(s): State<Arc<Sandbox>>,
    Path((ext, card)): Path<(String, String)>,
) -> Answer<CardDetails> {
    Ok(Json(s.card_details(&ext, &card)?))
}

pub async fn update_pin(
    State(s): State<Arc<Sandbox>>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Answer<Message> {
    let map = json_object(&headers, &bytes)?;
    let mut f = Fields::new(&map);
    f.forbid_others(&["externalUserId", "cardId", "pin"]);
    let (ext, card) = card_ref(&mut f);
    let pin = f.string("pin");
    if let Some(pin) = f.require("pin", pin.clone()) {
        rules::pin(&pin, &mut f.errors);
    }
    f.finish()?;
    Ok(Json(s.update_card_pin(
        &ext,
        &card,
        pin.unwrap_or_default(),
    )?))
}

/// The body of Block, Unblock and Delete Card.
fn read_ref(headers: &HeaderMap, bytes: &Bytes) -> Result<(String, String), ApiError> {
    let map = json_object(headers, bytes)?;
    let mut f = Fields::new(&map);
    f.forbid_others(&["externalUserId", "cardId"]);
    let ids = card_ref(&mut f);
    f.finish()?;
    Ok(ids)
}

pub async fn block(
    State(s): State<Arc<Sandbox>>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Answer<Message> {
    let (ext, card) = read_ref(&headers, &bytes)?;
    Ok(Json(s.block_card(&ext, &card)?))
}

pub async fn unblock(
    State(s): State<Arc<Sandbox>>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Answer<Message> {
    let (ext, card) = read_ref(&headers, &bytes)?;
    Ok(Json(s.unblock_card(&ext, &card)?))
}

pub async fn delete(
    State(s): State<Arc<Sandbox>>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Answer<Message> {
    let (ext, card) = read_ref(&headers, &bytes)?;
    Ok(Json(s.delete_card(&ext, &card)?))
}

pub async fn limits(
    State(s): State<Arc<Sandbox>>,
    Path((ext, card)): Path<(String, String)>,
) -> Answer<CardLimits> {
    Ok(Json(s.card_limits(&ext, &card)?))
}

/// Update Card Limits: all six, every time (as the one client that calls it sends them).
pub async fn update_limits(
    State(s): State<Arc<Sandbox>>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Answer<Message> {
    let map = json_object(&headers, &bytes)?;
    let mut f = Fields::new(&map);
    let mut allowed = vec!["externalUserId", "cardId"];
    allowed.extend(CardLimits::NAMES);
    f.forbid_others(&allowed);
    let (ext, card) = card_ref(&mut f);
    let mut values = [0.0; 6];
    for (value, name) in values.iter_mut().zip(CardLimits::NAMES) {
        let v = f.number(name);
        *value = f.require(name, v).unwrap_or(0.0);
    }
    let limits = CardLimits::from_values(values);
    if f.errors.is_empty() {
        rules::limits(&limits, &mut f.errors);
    }
    f.finish()?;
    Ok(Json(s.update_card_limits(CardLimitsUpdate {
        external_user_id: ext,
        card_id: card,
        limits,
    })?))
}
