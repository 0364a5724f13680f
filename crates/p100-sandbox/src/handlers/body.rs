//! Reading JSON bodies the way P100's validation layer does: every problem becomes part of one
//! `P403`, never a framework-specific 415 or 422.

use crate::error::ApiError;
use axum::body::Bytes;
use axum::http::{HeaderMap, header};
use p100::FieldError;
use serde_json::{Map, Value};

/// The body as a JSON object, or the `P403` that says why not.
pub fn json_object(headers: &HeaderMap, bytes: &Bytes) -> Result<Map<String, Value>, ApiError> {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(';')
                .next()
                .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
        });
    if !is_json {
        return Err(ApiError::validation_message(
            "body must be JSON sent with Content-Type: application/json.",
        ));
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::validation_message("body must be a JSON object.")),
        Err(e) => Err(ApiError::validation_message(format!(
            "body is not valid JSON: {e}."
        ))),
    }
}

/// Typed field readers that collect type errors instead of failing on the first.
pub struct Fields<'a> {
    map: &'a Map<String, Value>,
    pub errors: Vec<FieldError>,
}

impl<'a> Fields<'a> {
    pub fn new(map: &'a Map<String, Value>) -> Self {
        Self {
            map,
            errors: Vec::new(),
        }
    }

    pub fn string(&mut self, name: &str) -> Option<String> {
        match self.map.get(name) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => {
                self.errors
                    .push(FieldError::new(name, format!("{name} must be a string")));
                None
            }
        }
    }

    pub fn boolean(&mut self, name: &str) -> Option<bool> {
        match self.map.get(name) {
            None | Some(Value::Null) => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(_) => {
                self.errors.push(FieldError::new(
                    name,
                    format!("{name} must be a boolean value"),
                ));
                None
            }
        }
    }

    /// class-validator's `forbidNonWhitelisted`: a property the body does not define is refused,
    /// which also tells a caller sending the legacy (G1) body what is wrong.
    pub fn forbid_others(&mut self, allowed: &[&str]) {
        for key in self.map.keys() {
            if !allowed.contains(&key.as_str()) {
                self.errors.push(FieldError::new(
                    key,
                    format!("property {key} should not exist"),
                ));
            }
        }
    }
}
