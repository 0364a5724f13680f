//! The hub's HTTP surface: health, the API description, the operators' API (Bearer tokens,
//! roles) and P100's webhooks (P100's token).

use super::failure::Failure;
use super::live::Live;
use super::{Hub, ops, uploads, webhooks};
use crate::operators::Authenticated;
use axum::extract::{DefaultBodyLimit, Path, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use desk::api::Access;
use futures_util::StreamExt;
use serde_json::{Map, Value, json};
use std::sync::Arc;
use std::time::Duration;

/// An operation's arguments are a form or a filter: small.
const MAX_ARGS_BYTES: usize = 1024 * 1024;
/// An import's arguments hold its CSV file: 64 MB at most, which JSON escaping may grow.
const MAX_IMPORT_ARGS_BYTES: usize = 160 * 1024 * 1024;
/// How long `/healthz` waits for the database before saying it does not answer.
const HEALTH_TIMEOUT: Duration = Duration::from_secs(2);

pub fn router(hub: Arc<Hub>) -> Router {
    let operators = Router::new()
        .route("/api/me", get(me))
        .route("/api/events", get(events))
        .route("/api/ops/{name}", post(operation))
        .route("/api/users", get(list_users).post(create_user))
        .route("/api/users/{externalUserId}", get(get_user))
        .layer(DefaultBodyLimit::max(MAX_ARGS_BYTES))
        // A CSV import carries its file (at most 64 MB, escaped as a JSON string).
        .merge(
            Router::new()
                .route("/api/ops/import_preview", post(import_preview))
                .route("/api/ops/import_start", post(import_start))
                .layer(DefaultBodyLimit::max(MAX_IMPORT_ARGS_BYTES)),
        )
        // Documents, with their own body limit.
        .merge(uploads::router())
        // Checked before a body byte is read.
        .layer(from_fn_with_state(hub.clone(), authenticate));
    Router::new()
        .route("/healthz", get(health))
        .route("/api/openapi.json", get(openapi))
        .merge(operators)
        .merge(webhooks::router(hub.clone()))
        .fallback(|| async { Failure::new(StatusCode::NOT_FOUND, "notFound", "no such route") })
        .with_state(hub)
}

/// 200 while the database answers, 503 while it does not; the replica stays up either way and
/// its pool reconnects by itself.
async fn health(State(hub): State<Arc<Hub>>) -> Response {
    let db = hub.db.clone();
    let ping = tokio::time::timeout(
        HEALTH_TIMEOUT,
        tokio::task::spawn_blocking(move || db.ping()),
    )
    .await;
    match ping {
        Ok(Ok(Ok(()))) => Json(json!({"status": "ok"})).into_response(),
        Ok(Ok(Err(e))) => unavailable(&e.to_string()),
        Ok(Err(e)) => unavailable(&e.to_string()),
        Err(_) => unavailable("the database did not answer in time"),
    }
}

fn unavailable(why: &str) -> Response {
    tracing::warn!(why, "health: the database does not answer");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Json(json!({"status": "unavailable", "reason": "the database does not answer"})),
    )
        .into_response()
}

async fn openapi() -> Json<Value> {
    Json(super::openapi::document())
}

/// Finds the operator a request's Bearer token belongs to, or answers 401 (the same for a
/// missing, malformed, unknown, wrong or revoked token).
async fn authenticate(State(hub): State<Arc<Hub>>, mut req: Request, next: Next) -> Response {
    let token = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_owned());
    let Some(token) = token else {
        return Failure::unauthorized().into_response();
    };
    let h = hub.clone();
    let who = tokio::task::spawn_blocking(move || h.auth.check(&h.db, &token)).await;
    match who {
        Ok(Ok(Some(who))) => {
            req.extensions_mut().insert(who);
            next.run(req).await
        }
        Ok(Ok(None)) => Failure::unauthorized().into_response(),
        Ok(Err(e)) => Failure::from(e).into_response(),
        Err(e) => Failure::internal(e.to_string()).into_response(),
    }
}

async fn me(Extension(who): Extension<Authenticated>, State(hub): State<Arc<Hub>>) -> Json<Value> {
    Json(json!({
        "name": who.name,
        "role": who.role,
        "environment": hub.environment,
    }))
}

/// Live updates as server-sent events: `user` (a roster row as it is now) and `resync` (reload:
/// changes may have been missed). Any role may listen.
async fn events(
    State(hub): State<Arc<Hub>>,
    Extension(_who): Extension<Authenticated>,
) -> Sse<impl futures_util::Stream<Item = Result<Event, std::convert::Infallible>>> {
    use tokio::sync::broadcast::error::RecvError;
    let rx = hub.live.subscribe();
    // The first event says the stream is open, so a desktop knows from when it is current.
    let opened =
        futures_util::stream::once(async { Ok(Event::default().event("open").data("{}")) });
    let updates = futures_util::stream::unfold(rx, |mut rx| async move {
        let event = match rx.recv().await {
            Ok(Live::User(user)) => match Event::default().event("user").json_data(&*user) {
                Ok(e) => e,
                Err(_) => Event::default().event("resync").data("{}"),
            },
            Ok(Live::Resync) | Err(RecvError::Lagged(_)) => {
                Event::default().event("resync").data("{}")
            }
            Err(RecvError::Closed) => return None,
        };
        Some((Ok(event), rx))
    });
    Sse::new(opened.chain(updates)).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

/// Runs one listed operation for the authenticated operator, if their role allows it.
async fn run(
    hub: &Hub,
    who: &Authenticated,
    name: &str,
    args: Map<String, Value>,
) -> Result<Value, Failure> {
    let spec = ops::spec(name).ok_or_else(|| {
        Failure::new(
            StatusCode::NOT_FOUND,
            "notFound",
            format!("there is no operation {name:?}"),
        )
    })?;
    if spec.access == Access::Desktop {
        return Err(Failure::new(
            StatusCode::NOT_FOUND,
            "notFound",
            format!("{name} is a desktop's own setting; the hub does not serve it"),
        ));
    }
    if !who.role.allows(spec.access) {
        return Err(Failure::forbidden(who.role.as_str(), name));
    }
    ops::call(&hub.desk_for(&who.name), name, args).await
}

async fn operation(
    State(hub): State<Arc<Hub>>,
    Extension(who): Extension<Authenticated>,
    Path(name): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, Failure> {
    operation_named(&hub, &who, &name, &body).await
}

async fn import_preview(
    State(hub): State<Arc<Hub>>,
    Extension(who): Extension<Authenticated>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, Failure> {
    operation_named(&hub, &who, "import_preview", &body).await
}

async fn import_start(
    State(hub): State<Arc<Hub>>,
    Extension(who): Extension<Authenticated>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, Failure> {
    operation_named(&hub, &who, "import_start", &body).await
}

/// An operation's body (one JSON object of its arguments, or nothing) run as `name`.
async fn operation_named(
    hub: &Hub,
    who: &Authenticated,
    name: &str,
    body: &[u8],
) -> Result<Json<Value>, Failure> {
    let args = match body.is_empty() {
        true => Map::new(),
        false => match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(m)) => m,
            Ok(_) => {
                return Err(Failure::invalid(
                    "",
                    "the body must be a JSON object of the arguments",
                ));
            }
            Err(e) => return Err(Failure::invalid("", format!("the body is not JSON: {e}"))),
        },
    };
    run(hub, who, name, args).await.map(Json)
}

async fn list_users(
    State(hub): State<Arc<Hub>>,
    Extension(who): Extension<Authenticated>,
) -> Result<Json<Value>, Failure> {
    run(&hub, &who, "users_list", Map::new()).await.map(Json)
}

/// `createUser`: P100's create body (the hub assigns the externalUserId, as the desk does, so
/// that a retried create never makes a second user).
async fn create_user(
    State(hub): State<Arc<Hub>>,
    Extension(who): Extension<Authenticated>,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<Value>), Failure> {
    let form: Value = serde_json::from_slice(&body)
        .map_err(|e| Failure::invalid("", format!("the body is not JSON: {e}")))?;
    let mut args = Map::new();
    args.insert("form".into(), form);
    let user = run(&hub, &who, "user_create", args).await?;
    Ok((StatusCode::CREATED, Json(user)))
}

async fn get_user(
    State(hub): State<Arc<Hub>>,
    Extension(who): Extension<Authenticated>,
    Path(external_user_id): Path<String>,
) -> Result<Json<Value>, Failure> {
    let mut args = Map::new();
    args.insert("externalUserId".into(), Value::String(external_user_id));
    run(&hub, &who, "user_get", args).await.map(Json)
}
