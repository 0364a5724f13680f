//! Desktop notifications for what [`desk::attention`] finds worth telling: sent to the
//! freedesktop Notifications service on the session D-Bus (GNOME, KDE, dunst, … all serve it),
//! from Rust, so the webview needs no permission and a hidden window still tells. A desktop
//! without the service loses only the notification: the board shows the same news.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use desk::attention::{Attention, Notice};
use desk::ledger::imports::ImportJob;
use desk::ledger::roster::UserRecord;
use tokio::sync::OnceCell;

#[zbus::proxy(
    interface = "org.freedesktop.Notifications",
    default_service = "org.freedesktop.Notifications",
    default_path = "/org/freedesktop/Notifications"
)]
trait Notifications {
    #[allow(clippy::too_many_arguments)] // the service's own signature
    fn notify(
        &self,
        app_name: &str,
        replaces_id: u32,
        app_icon: &str,
        summary: &str,
        body: &str,
        actions: &[&str],
        hints: HashMap<&str, zbus::zvariant::Value<'_>>,
        expire_timeout: i32,
    ) -> zbus::Result<u32>;
}

/// The body may be read as markup by the service: a name from P100 is text, never tags.
fn plain(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

pub struct Notifier {
    attention: Mutex<Attention>,
    /// The session bus's service, found once; `None` when there is none (said once in the log).
    service: OnceCell<Option<NotificationsProxy<'static>>>,
}

impl Notifier {
    pub fn new() -> Arc<Self> {
        Arc::new(Self {
            attention: Mutex::new(Attention::new(time::OffsetDateTime::now_utc())),
            service: OnceCell::new(),
        })
    }

    fn attention(&self) -> std::sync::MutexGuard<'_, Attention> {
        self.attention.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A roster row as it changed (live sync, the team hub, an operation).
    pub fn user(self: &Arc<Self>, record: &UserRecord) {
        let notice = self.attention().user(record);
        if let Some(notice) = notice {
            self.send(notice);
        }
    }

    /// The import jobs as they are now.
    pub fn import_jobs(self: &Arc<Self>, jobs: &[ImportJob]) {
        let notices = self.attention().import_jobs(jobs);
        for notice in notices {
            self.send(notice);
        }
    }

    pub fn jobs_going(&self) -> bool {
        self.attention().jobs_going()
    }

    async fn service(&self) -> Option<&NotificationsProxy<'static>> {
        self.service
            .get_or_init(|| async {
                let found = async {
                    let bus = zbus::Connection::session().await?;
                    NotificationsProxy::new(&bus).await
                }
                .await;
                found
                    .inspect_err(
                        |e| tracing::info!(error = %e, "no desktop notifications: no session bus"),
                    )
                    .ok()
            })
            .await
            .as_ref()
    }

    /// Tells something of the shell's own (not a user's or a job's news).
    pub fn tell(self: &Arc<Self>, notice: Notice) {
        self.send(notice);
    }

    fn send(self: &Arc<Self>, notice: Notice) {
        let me = self.clone();
        tauri::async_runtime::spawn(async move {
            let Some(service) = me.service().await else {
                return;
            };
            let hints =
                HashMap::from([("desktop-entry", zbus::zvariant::Value::from("partner-desk"))]);
            let sent = service
                .notify(
                    "Partner Desk",
                    0,
                    "partner-desk",
                    &notice.title,
                    &plain(&notice.body),
                    &[],
                    hints,
                    -1,
                )
                .await;
            match sent {
                // Not the title: it names a customer, which the log does not keep.
                Ok(id) => tracing::debug!(id, "desktop notification sent"),
                Err(e) => tracing::info!(error = %e, "a desktop notification was not shown"),
            }
        });
    }
}
