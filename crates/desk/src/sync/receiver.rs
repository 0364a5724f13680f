//! The local webhook receiver: P100's user and KYC webhooks (REFERENCE.md §7) arrive here.
//!
//! What arrives is checked before it is believed: the `Authorization` token is compared before
//! a body byte is read (the token that matches names the environment), bodies are capped at
//! 64 KiB, and a body must be one of the documented events with the documented values. Even
//! then an event is only a claim: it is kept on the user's timeline and handed to the
//! confirmation (`confirm.rs`), which asks P100 before anyone moves. The server runs behind
//! the project's connection and time limits (`serve`).

use super::Notifier;
use super::confirm::ClaimQueue;
use crate::credentials::WebhookToken;
use crate::environment::EnvironmentKind;
use crate::ledger::claims::{PendingClaim, Recorded};
use crate::ledger::{Ledger, in_tx_blocking};
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use p100::webhooks::{MAX_BODY_BYTES, PATHS};
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::sync::{Arc, RwLock};

pub(crate) struct Shared {
    pub store: Arc<dyn Ledger>,
    pub tokens: RwLock<Vec<(EnvironmentKind, WebhookToken)>>,
    pub notify: Notifier,
    pub claims: Option<ClaimQueue>,
}

/// A running receiver; dropping it stops the server.
pub(crate) struct Receiver {
    pub shared: Arc<Shared>,
    server: serve::Running,
}

impl Receiver {
    pub async fn start(listen: SocketAddr, shared: Arc<Shared>) -> std::io::Result<Self> {
        let mut events = Router::new();
        for path in PATHS {
            events = events.route(path, post(event));
        }
        let events = events
            .fallback(no_such_webhook)
            .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
            .layer(from_fn_with_state(shared.clone(), require_token));
        let app = Router::new()
            .route("/webhook/health", get(health).post(health).head(health))
            .merge(events)
            .with_state(shared.clone());
        let server = serve::spawn(listen, app, serve::Limits::WEBHOOKS).await?;
        tracing::info!(addr = %server.addr(), "webhook receiver listening");
        Ok(Self { shared, server })
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.server.addr())
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

/// Answers 401 from the headers alone, before any of the body is read; otherwise passes the
/// environment the token names on to the handler.
async fn require_token(
    State(shared): State<Arc<Shared>>,
    mut req: Request,
    next: Next,
) -> Response {
    match environment_of(&shared, req.headers()) {
        Some(env) => {
            req.extensions_mut().insert(env);
            next.run(req).await
        }
        None => answer(
            StatusCode::UNAUTHORIZED,
            "the Authorization token is not one this desk holds",
        ),
    }
}

async fn no_such_webhook(uri: Uri) -> Response {
    answer(
        StatusCode::NOT_FOUND,
        &format!("no webhook is served at {}", uri.path()),
    )
}

async fn event(
    State(shared): State<Arc<Shared>>,
    Extension(env): Extension<EnvironmentKind>,
    uri: Uri,
    body: axum::body::Bytes,
) -> Response {
    let event = match super::answers::parse(uri.path(), &body) {
        Ok(e) => e,
        Err(refusal) => return *refusal,
    };
    let store = shared.store.clone();
    let e = event.clone();
    let written = in_tx_blocking(store, move |s| s.record_claim(env, &e)).await;
    if let Ok(Recorded::Noted { user }) = &written {
        (shared.notify)((**user).clone());
    }
    if let Ok(Recorded::New { claim_id, user }) = &written {
        (shared.notify)((**user).clone());
        let queued = shared.claims.as_ref().is_some_and(|q| {
            q.try_send(PendingClaim {
                claim_id: *claim_id,
                environment: env,
                event,
            })
            .is_ok()
        });
        if !queued {
            // Kept as pending: the next start of sync takes it up.
            tracing::warn!("a webhook claim waits for the next start to be confirmed");
        }
    }
    super::answers::acknowledge(&written)
}
