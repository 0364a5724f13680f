//! The local webhook receiver: P100's user and KYC webhooks (REFERENCE.md §7) arrive here, are
//! checked against the environments' webhook tokens from the keychain, and land in the timeline
//! and roster. The token that matches tells which environment the call is for.

use super::Notifier;
use crate::credentials::WebhookToken;
use crate::environment::EnvironmentKind;
use crate::store::Store;
use crate::store::roster::RosterChange;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::sync::{Arc, RwLock};
use tokio::sync::oneshot;

pub(crate) struct Shared {
    pub store: Arc<Store>,
    pub tokens: RwLock<Vec<(EnvironmentKind, WebhookToken)>>,
    pub notify: Notifier,
}

/// A running receiver; dropping it stops the server.
pub(crate) struct Receiver {
    pub addr: SocketAddr,
    pub shared: Arc<Shared>,
    _stop: oneshot::Sender<()>,
}

impl Receiver {
    pub async fn start(listen: SocketAddr, shared: Arc<Shared>) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(listen).await?;
        let addr = listener.local_addr()?;
        let app = Router::new()
            .route("/webhook/health", get(health).post(health).head(health))
            .route("/webhook/{a}/{b}", post(event))
            .with_state(shared.clone());
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
            if let Err(e) = served {
                tracing::error!(error = %e, "webhook receiver stopped");
            }
        });
        tracing::info!(%addr, "webhook receiver listening");
        Ok(Self {
            addr,
            shared,
            _stop: tx,
        })
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

async fn health() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

fn answer(status: StatusCode, message: &str) -> Response {
    (
        status,
        Json(json!({"status": status.as_u16(), "message": message})),
    )
        .into_response()
}

/// Which environment's token the caller presented: the bare token, as P100 sends it, or
/// `Bearer <token>`, which proxies sometimes add.
fn environment_of(shared: &Shared, headers: &HeaderMap) -> Option<EnvironmentKind> {
    let presented = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let presented = presented.strip_prefix("Bearer ").unwrap_or(presented);
    let tokens = shared.tokens.read().unwrap_or_else(|e| e.into_inner());
    tokens
        .iter()
        .find(|(_, t)| t.matches(presented))
        .map(|(env, _)| *env)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StatusBody {
    external_user_id: String,
    status: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct KycBody {
    external_user_id: String,
    verification_status: String,
    attempt_status: Option<String>,
    rejection_reason: Option<String>,
}

/// What one webhook means for the store.
struct Applied {
    ext: String,
    kind: &'static str,
    detail: Value,
    change: RosterChange,
}

fn interpret(path: &str, body: &[u8]) -> Result<Applied, String> {
    let bad = |e: serde_json::Error| format!("the body is not the expected JSON: {e}");
    Ok(match path {
        "user/status" => {
            let b: StatusBody = serde_json::from_slice(body).map_err(bad)?;
            let change = if b.status == "DELETED" {
                RosterChange::Deleted
            } else {
                RosterChange::Status(b.status.clone())
            };
            Applied {
                detail: json!({"status": b.status}),
                ext: b.external_user_id,
                kind: "userStatus",
                change,
            }
        }
        "poa-verification/status" => {
            let b: StatusBody = serde_json::from_slice(body).map_err(bad)?;
            Applied {
                detail: json!({"status": b.status}),
                change: RosterChange::Poa(Some(b.status)),
                ext: b.external_user_id,
                kind: "poaStatus",
            }
        }
        "kyc-file/status" => {
            let b: StatusBody = serde_json::from_slice(body).map_err(bad)?;
            Applied {
                detail: json!({"status": b.status}),
                // The file's fate shows on the timeline and the stage; the KYC columns wait for
                // the review.
                change: RosterChange::Touch,
                ext: b.external_user_id,
                kind: "kycFileStatus",
            }
        }
        "kyc-verification/status" => {
            let b: KycBody = serde_json::from_slice(body).map_err(bad)?;
            Applied {
                detail: json!({
                    "verificationStatus": b.verification_status,
                    "attemptStatus": b.attempt_status,
                    "rejectionReason": b.rejection_reason,
                }),
                change: RosterChange::Kyc {
                    method: None,
                    verification_id: None,
                    verification_status: Some(b.verification_status),
                    attempt_status: b.attempt_status,
                    rejection_reason: b.rejection_reason,
                },
                ext: b.external_user_id,
                kind: "kycStatus",
            }
        }
        _ => return Err(format!("no webhook is served at /webhook/{path}")),
    })
}

async fn event(
    State(shared): State<Arc<Shared>>,
    Path((a, b)): Path<(String, String)>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let Some(env) = environment_of(&shared, &headers) else {
        return answer(
            StatusCode::UNAUTHORIZED,
            "the Authorization token is not one this desk holds",
        );
    };
    let applied = match interpret(&format!("{a}/{b}"), &body) {
        Ok(applied) => applied,
        Err(message) if message.starts_with("no webhook") => {
            return answer(StatusCode::NOT_FOUND, &message);
        }
        Err(message) => return answer(StatusCode::BAD_REQUEST, &message),
    };
    let store = shared.store.clone();
    let written = tokio::task::spawn_blocking(move || -> crate::Result<_> {
        if store.user(env, &applied.ext)?.is_none() {
            return Ok(None);
        }
        store.add_event(env, &applied.ext, applied.kind, "webhook", &applied.detail)?;
        Ok(Some(store.apply_to_user(
            env,
            &applied.ext,
            &applied.change,
        )?))
    })
    .await;
    match written {
        Ok(Ok(Some(record))) => {
            (shared.notify)(record);
            answer(StatusCode::OK, "recorded")
        }
        // Acknowledged so that P100 does not retry a user this desk never had (another desk's,
        // or one created outside it); nothing is stored.
        Ok(Ok(None)) => answer(StatusCode::ACCEPTED, "unknown externalUserId: ignored"),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "a webhook could not be stored");
            answer(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the desk could not store the event",
            )
        }
        Err(e) => {
            tracing::error!(error = %e, "a webhook could not be stored");
            answer(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the desk could not store the event",
            )
        }
    }
}
