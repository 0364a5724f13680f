//! A local P100 Partner API: the same paths (from `p100::routes`), validation, error bodies and
//! state machines, served by axum. The desk starts it in-process for the Sandbox environment;
//! tests and demos use it the same way or through the `p100-sandbox` binary.

pub mod auth;
pub mod config;
pub mod error;
pub mod faults;
pub mod files;
pub mod handlers;
pub mod model;
pub mod money;
pub mod persist;
pub mod state;
pub mod webhooks;

pub use config::SandboxConfig;

use axum::Router;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The app: the `/v1` routes of the shared table (key check, then fault injection and rate
/// limiting around them), the admin routes, and the provider pages.
pub fn router(state: Arc<state::Sandbox>) -> Router {
    use axum::middleware::from_fn_with_state;
    let key = || from_fn_with_state(state.clone(), auth::require_api_key);
    let v1 = Router::new()
        .merge(handlers::authenticated().layer(key()))
        .merge(handlers::public())
        .layer(from_fn_with_state(state.faults.clone(), faults::inject));
    Router::new()
        .merge(v1)
        .merge(handlers::admin::routes().layer(key()))
        .merge(handlers::admin::provider_routes())
        .fallback(handlers::not_found)
        .layer(axum::extract::DefaultBodyLimit::max(files::MAX_UPLOAD_BODY))
        .with_state(state)
}

/// A running sandbox. Dropping it stops the server.
pub struct SandboxHandle {
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
    state: Arc<state::Sandbox>,
}

impl SandboxHandle {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR`, the base URL a client needs.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn state(&self) -> &Arc<state::Sandbox> {
        &self.state
    }

    /// Stops accepting, lets in-flight requests finish, and waits for the server task.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for SandboxHandle {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Binds `config.listen` (port 0 picks a free one) and serves in the current tokio runtime.
pub async fn spawn(config: SandboxConfig) -> std::io::Result<(SocketAddr, SandboxHandle)> {
    let listener = TcpListener::bind(config.listen).await?;
    let addr = listener.local_addr()?;
    let state = Arc::new(state::Sandbox::new(config)?);
    state.resume_reviews();
    let app = router(state.clone());
    let (tx, rx) = oneshot::channel::<()>();
    // Connection limit and time limits: a client that sends half a request, or floods, cannot
    // hold the sandbox (the key is checked in a middleware, before any body byte is read).
    let task = tokio::spawn(serve::serve(listener, app, serve::Limits::API, async {
        let _ = rx.await;
    }));
    Ok((
        addr,
        SandboxHandle {
            addr,
            shutdown: Some(tx),
            task: Some(task),
            state,
        },
    ))
}
