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

    pub fn number(&mut self, name: &str) -> Option<f64> {
        match self.map.get(name) {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) => n.as_f64(),
            Some(_) => {
                self.errors
                    .push(FieldError::new(name, format!("{name} must be a number")));
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

impl Fields<'_> {
    /// A string that must be one of an enum's serde names.
    pub fn one_of<T: serde::de::DeserializeOwned>(
        &mut self,
        name: &str,
        allowed: &[&str],
    ) -> Option<T> {
        let raw = self.string(name)?;
        match serde_json::from_value::<T>(Value::String(raw)) {
            Ok(v) => Some(v),
            Err(_) => {
                self.errors.push(FieldError::new(
                    name,
                    format!(
                        "{name} must be one of the following values: {}",
                        allowed.join(", ")
                    ),
                ));
                None
            }
        }
    }

    pub fn require<T>(&mut self, name: &str, value: Option<T>) -> Option<T> {
        if value.is_none() && !self.errors.iter().any(|e| e.field == name) {
            self.errors
                .push(FieldError::new(name, format!("{name} should not be empty")));
        }
        value
    }

    /// `Ok(())` or the collected `P403`.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::validation(&dedup(self.errors)))
        }
    }
}

/// One message per field: the first is the one to fix first.
pub fn dedup(mut errors: Vec<FieldError>) -> Vec<FieldError> {
    let mut seen = std::collections::HashSet::new();
    errors.retain(|e| seen.insert(e.field.clone()));
    errors
}

/// The profile fields of a create or update body.
pub fn profile(f: &mut Fields<'_>) -> p100::models::UserProfile {
    p100::models::UserProfile {
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
    }
}
