//! How every HTTP server of the project runs (the desk's webhook receiver, the sandbox —
//! embedded and standalone — and the hub): an axum router behind limits that a slow, silent or
//! flooding client cannot get around.
//!
//! - **Connections**: at most [`Limits::max_connections`] are served at once; one more is
//!   accepted and closed at once, so the process's file descriptors never run out because of
//!   clients, and the listen queue does not fill with callers waiting for a slot.
//! - **Headers**: a request's head must arrive within [`Limits::header_read`] of the
//!   connection's start (or of the previous answer, on a kept-alive connection): a client that
//!   sends half a request, or nothing, is dropped then.
//! - **Bodies**: each part of a body must arrive within [`Limits::body_idle`] of the one before.
//! - **Requests**: the whole exchange, handler included, within [`Limits::request`] (408).
//!
//! Whether a caller may send a body at all is the router's business: the project's routers
//! check the key or token in a middleware, which answers before any body byte is read.

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tower_http::timeout::{RequestBodyTimeoutLayer, TimeoutLayer};

/// What a server allows a client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_connections: usize,
    pub header_read: Duration,
    pub body_idle: Duration,
    pub request: Duration,
}

impl Limits {
    /// A webhook receiver: small bodies, answered at once.
    pub const WEBHOOKS: Limits = Limits {
        max_connections: 256,
        header_read: Duration::from_secs(10),
        body_idle: Duration::from_secs(10),
        request: Duration::from_secs(10),
    };

    /// An API that takes uploads (the sandbox, the hub): bodies may take minutes on a slow
    /// uplink, but never stall for long.
    pub const API: Limits = Limits {
        max_connections: 512,
        header_read: Duration::from_secs(10),
        body_idle: Duration::from_secs(10),
        request: Duration::from_secs(600),
    };
}

/// Serves `app` on `listener` until `shutdown` completes, then lets the open exchanges finish
/// (for at most the request limit) and returns.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send,
) {
    let app = app
        .layer(RequestBodyTimeoutLayer::new(limits.body_idle))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            limits.request,
        ));
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut shutdown = std::pin::pin!(shutdown);
    let mut refused_logged = false;
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            () = &mut shutdown => break,
        };
        let (stream, peer) = match accepted {
            Ok(a) => a,
            Err(e) => {
                // Out of file descriptors (EMFILE/ENFILE) or a connection that died in the
                // queue: wait a moment and go on; the server must keep answering.
                tracing::warn!(error = %e, "accept failed");
                if !is_connection_error(&e) {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                continue;
            }
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            if !refused_logged {
                tracing::warn!(
                    limit = limits.max_connections,
                    "connection limit reached: closing new connections"
                );
                refused_logged = true;
            }
            drop(stream);
            continue;
        };
        refused_logged = false;
        let service = TowerToHyperService::new(app.clone());
        let mut stop = stop_rx.clone();
        tokio::spawn(async move {
            let mut http = hyper::server::conn::http1::Builder::new();
            http.timer(TokioTimer::new())
                .header_read_timeout(limits.header_read);
            let conn = http.serve_connection(TokioIo::new(stream), service);
            let mut conn = std::pin::pin!(conn);
            let served = tokio::select! {
                r = conn.as_mut() => r,
                _ = async { let _ = stop.wait_for(|s| *s).await; } => {
                    conn.as_mut().graceful_shutdown();
                    conn.await
                }
            };
            if let Err(e) = served {
                tracing::debug!(%peer, error = %e, "connection ended");
            }
            drop(slot);
        });
    }
    let _ = stop_tx.send(true);
    // Every slot back means every connection has ended.
    let all = u32::try_from(limits.max_connections).unwrap_or(u32::MAX);
    let _ = tokio::time::timeout(limits.request, slots.acquire_many(all)).await;
}

fn is_connection_error(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

/// A server started by [`spawn`]; dropping it stops accepting and lets open exchanges finish.
pub struct Running {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Running {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting and waits for the open exchanges to finish.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Binds `listen` (port 0 picks a free one) and serves `app` in the current runtime.
pub async fn spawn(listen: SocketAddr, app: Router, limits: Limits) -> io::Result<Running> {
    let listener = TcpListener::bind(listen).await?;
    let addr = listener.local_addr()?;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(serve(listener, app, limits, async {
        let _ = rx.await;
    }));
    Ok(Running {
        addr,
        stop: Some(tx),
        task: Some(task),
    })
}
