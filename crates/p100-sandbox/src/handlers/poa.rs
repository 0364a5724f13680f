//! Add POA File: up to three files in the repeated multipart field `files`, in one request.

use crate::error::ApiError;
use crate::files::read_form;
use crate::state::Sandbox;
use axum::Json;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use p100::FieldError;
use std::sync::Arc;

pub const MAX_POA_FILES: usize = 3;

pub async fn add_poa_files(
    State(state): State<Arc<Sandbox>>,
    Path(ext): Path<String>,
    req: Request,
) -> Response {
    let form = match read_form(req).await {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    let mut errors = Vec::new();
    for name in form.text.keys() {
        errors.push(FieldError::new(
            name,
            format!("property {name} should not exist"),
        ));
    }
    for f in form.files.iter().filter(|f| f.field != "files") {
        errors.push(FieldError::new(
            &f.field,
            format!("property {} should not exist", f.field),
        ));
    }
    let files: Vec<_> = form
        .files
        .into_iter()
        .filter(|f| f.field == "files")
        .collect();
    if files.is_empty() {
        errors.push(FieldError::new("files", "files should not be empty"));
    } else if files.len() > MAX_POA_FILES {
        errors.push(FieldError::new(
            "files",
            format!("files must contain no more than {MAX_POA_FILES} elements"),
        ));
    }
    if !errors.is_empty() {
        return ApiError::validation(&super::body::dedup(errors)).into_response();
    }
    for f in &files {
        if let Err(e) = f.check() {
            return e.into_response();
        }
    }
    match state.add_poa(&ext, &files) {
        Ok(r) => (StatusCode::CREATED, Json(r)).into_response(),
        Err(e) => e.into_response(),
    }
}
