//! The desktop shell: builds the Tauri app, opens the desk core, and exposes thin commands.

#[macro_use]
mod command_list;

mod bindings;
mod clipboard;
pub mod commands;
pub mod error;
pub mod events;
mod instance;
mod logging;
mod notifications;
mod rendering;
mod tray;
pub mod window;
mod window_state;

use desk::{Desk, DeskConfig};
use events::PageEvent;
use std::sync::Arc;
use tauri::{DragDropEvent, Manager, Runtime, WindowEvent};

/// `generate_handler!` over every command of the list: the core's (generated in
/// `commands::core`) and the shell's.
macro_rules! invoke_handler {
    ([ $( $(#[$doc:meta])* $access:ident $name:ident ( $($arg:ident : $ty:ty),* ) -> $answer:ty ; )* ]
     [ $( $(#[$sdoc:meta])* $module:ident :: $shell:ident ( $($sarg:ident : $sty:ty),* ) -> $sanswer:ty ; )* ]) => {
        tauri::generate_handler![$(commands::core::$name,)* $(commands::$module::$shell,)*]
    };
}

/// Adds the app's state, setup and commands to a builder of any runtime (the real one, or
/// Tauri's mock runtime in tests).
pub fn app<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder
        .setup(|app| {
            let data_dir = app.path().app_data_dir()?;
            if let Some(log) = app.try_state::<logging::LogFile>()
                && let Ok(dir) = app.path().app_log_dir()
            {
                log.open(&dir);
            }
            let opening = std::time::Instant::now();
            let desk = match tauri::async_runtime::block_on(Desk::open(DeskConfig::new(&data_dir))) {
                Ok(d) => d,
                Err(e) => {
                    refuse_to_start(app.handle().clone(), &data_dir, e);
                    return Ok(());
                }
            };
            tracing::info!(db = %desk.db_path().display(), ms = opening.elapsed().as_millis(), "desk opened");
            instance::listen(app.handle().clone(), &data_dir);
            let desk = Arc::new(desk);
            app.manage(desk.clone());
            app.manage(events::PageEvents::default());
            window::build_main(app)?;
            tray::install(app)?;
            let handle = app.handle().clone();
            let early = desk.clone();
            tauri::async_runtime::spawn(async move {
                if let Err(e) = early.prepare().await {
                    // The page's first call meets the same error and shows it.
                    tracing::warn!(error = %e, "the selected environment did not start");
                }
            });
            let retry_desk = desk.clone();
            let retry_handle = app.handle().clone();
            tauri::async_runtime::spawn(
                async move { forward_retries(retry_desk, retry_handle).await },
            );
            // Bulk imports of this desktop (solo mode; a team's run in its hub).
            tauri::async_runtime::spawn(desk.as_ref().clone().work_imports("desktop".into()));
            let notifier = notifications::Notifier::new();
            app.manage(notifier.clone());
            tauri::async_runtime::spawn(watch_imports(desk.clone(), notifier.clone()));
            let team_desk = desk.clone();
            let team_handle = handle.clone();
            let team_notifier = notifier.clone();
            tauri::async_runtime::spawn(async move {
                forward_team(team_desk, team_handle, team_notifier).await
            });
            tauri::async_runtime::spawn(async move { forward_sync(desk, handle, notifier).await });
            Ok(())
        })
        .on_window_event(|window, event| {
            if let WindowEvent::CloseRequested { api, .. } = event
                && tray::on_close(window)
            {
                api.prevent_close();
            }
            if matches!(event, WindowEvent::Resized(_) | WindowEvent::Moved(_))
                && window.label() == window::MAIN
            {
                window_state::changed(window);
            }
            // Drops are read on the Rust side: the webview never sees the paths, only tokens.
            if let WindowEvent::DragDrop(DragDropEvent::Drop { paths, .. }) = event {
                let desk = window.state::<Arc<Desk>>().inner().clone();
                let app = window.app_handle().clone();
                let paths = paths.clone();
                tauri::async_runtime::spawn(async move {
                    match desk.admit_files(paths).await {
                        Ok(admitted) => events::send(&app, PageEvent::DocumentsDropped(admitted)),
                        Err(e) => tracing::warn!(error = %e, "dropped files could not be read"),
                    }
                });
            }
        })
        .invoke_handler(with_commands!(invoke_handler))
}

/// Starts live sync and forwards each row it changes to the window (and to the notifications).
async fn forward_sync<R: Runtime>(
    desk: Arc<Desk>,
    app: tauri::AppHandle<R>,
    notifier: Arc<notifications::Notifier>,
) {
    let mut changes = desk.subscribe();
    if let Err(e) = desk.start_sync().await {
        tracing::warn!(error = %e, "live sync did not start");
        return;
    }
    loop {
        match changes.recv().await {
            Ok(record) => {
                notifier.user(&record);
                events::send(&app, PageEvent::RosterChanged(Some(Box::new(record))));
            }
            Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                events::send(&app, PageEvent::RosterChanged(None));
            }
            Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
        }
    }
}

/// In team mode, forwards the hub's live updates to the window as live sync's own: a row as it
/// is now, or "read the roster again" (on connecting, and whenever changes may have been
/// missed). Follows the hub again after it went away, and switches when the desk connects to
/// another hub or leaves it.
async fn forward_team<R: Runtime>(
    desk: Arc<Desk>,
    app: tauri::AppHandle<R>,
    notifier: Arc<notifications::Notifier>,
) {
    use desk::hub_client::HubEvent;
    let mut changes = desk.hub_changes();
    loop {
        changes.borrow_and_update();
        if let Some(hub) = desk.hub() {
            tracing::info!(hub = %hub.base(), "following the team hub's live updates");
            let page = app.clone();
            let told = notifier.clone();
            let following = hub.follow(move |event| {
                tracing::debug!(?event, "the team hub says");
                let changed = match event {
                    HubEvent::User(user) => {
                        told.user(&user);
                        Some(user)
                    }
                    HubEvent::Open | HubEvent::Resync => None,
                };
                events::send(&page, PageEvent::RosterChanged(changed));
            });
            tokio::select! {
                ended = following => {
                    if let Err(e) = ended {
                        tracing::info!(error = %e, "the hub's live updates stopped; following again shortly");
                    }
                    tokio::select! {
                        _ = tokio::time::sleep(std::time::Duration::from_secs(2)) => {}
                        _ = changes.changed() => {}
                    }
                }
                _ = changes.changed() => {}
            }
            // Whatever came in between is unknown: the page reads the roster again.
            events::send(&app, PageEvent::RosterChanged(None));
        } else if changes.changed().await.is_err() {
            return;
        }
    }
}

/// Looks at the import jobs — often while one goes, else now and then — so that their ends
/// become notifications, whichever screen is open (or none: the window may be hidden).
async fn watch_imports(desk: Arc<Desk>, notifier: Arc<notifications::Notifier>) {
    use desk::api::DeskApi;
    loop {
        let pause = if notifier.jobs_going() { 2 } else { 10 };
        tokio::time::sleep(std::time::Duration::from_secs(pause)).await;
        let jobs = match desk.hub() {
            Some(hub) => DeskApi::import_jobs(&hub).await,
            None => DeskApi::import_jobs(desk.as_ref()).await,
        };
        match jobs {
            Ok(jobs) => notifier.import_jobs(&jobs),
            // The import screen shows the same error; the next look tries again.
            Err(e) => tracing::debug!(error = %e, "import jobs not read for notifications"),
        }
    }
}

/// Forwards each retry wait to the window ("retrying in N s", with Cancel).
async fn forward_retries<R: Runtime>(desk: Arc<Desk>, app: tauri::AppHandle<R>) {
    use tokio::sync::broadcast::error::RecvError;
    let mut retries = desk.subscribe_retries();
    loop {
        match retries.recv().await {
            Ok(r) => events::send(&app, PageEvent::OperationRetrying(r)),
            // Lagging only drops stale countdowns; the next notice replaces them.
            Err(RecvError::Lagged(_)) => continue,
            Err(RecvError::Closed) => return,
        }
    }
}

/// A desk that cannot open its data folder does not start: a second launch brings the first
/// one's window forward and leaves; any other reason (a database from a newer desk, …) is said
/// in a native dialog before leaving (exit code 1), so an operator who started it from a menu
/// sees why. No window is made; the dialog runs once the event loop does.
fn refuse_to_start<R: Runtime>(
    app: tauri::AppHandle<R>,
    data_dir: &std::path::Path,
    e: desk::Error,
) {
    if let desk::Error::AlreadyRunning(_) = e {
        let focused = instance::ask_running_to_focus(data_dir);
        tracing::info!(
            focused,
            "Partner Desk is already running with this data folder: leaving"
        );
        if !focused {
            eprintln!("partner-desk: {}", e.operator_message());
        }
        std::process::exit(0);
    }
    tracing::error!(error = %e, "the desk could not open");
    let message = e.operator_message();
    eprintln!("partner-desk: {message}");
    tauri::async_runtime::spawn(async move {
        rfd::AsyncMessageDialog::new()
            .set_level(rfd::MessageLevel::Error)
            .set_title("Partner Desk cannot start")
            .set_description(&message)
            .set_buttons(rfd::MessageButtons::Ok)
            .show()
            .await;
        app.exit(1);
    });
}

pub fn run() {
    rendering::choose();
    let log = logging::init();
    tracing::info!(composited = rendering::composited(), "webview drawing path");
    let result = app(tauri::Builder::default().manage(log)).run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("partner-desk: {e}");
        std::process::exit(1);
    }
}
