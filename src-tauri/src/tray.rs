//! The tray icon, and what closing the window means. Where the desktop shows tray icons (a
//! StatusNotifierWatcher on the session bus: KDE, GNOME with the AppIndicator extension, XFCE,
//! …), closing the window hides it and the desk keeps running — live sync, imports and
//! notifications go on — until Quit (the tray's menu, Ctrl+Q or the palette). Where none does,
//! closing quits, as before: a hidden window with no icon to come back by would be a trap (a
//! second launch still brings a hidden window back).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tauri::menu::{Menu, MenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{Manager, Runtime};

use crate::notifications::Notifier;
use crate::window;

const WATCHER: &str = "org.kde.StatusNotifierWatcher";
/// How often the tray host is looked for again (a panel restarted, an extension turned on).
const LOOK_EVERY: Duration = Duration::from_secs(20);

#[derive(Default)]
pub struct Tray {
    /// The icon was made.
    icon: AtomicBool,
    /// A tray host shows it.
    host: AtomicBool,
    /// The operator was told once that a closed window keeps the desk running.
    told: AtomicBool,
}

impl Tray {
    /// Whether closing the window should hide it rather than quit.
    pub fn keeps_running(&self) -> bool {
        self.icon.load(Ordering::Relaxed) && self.host.load(Ordering::Relaxed)
    }
}

/// The AppIndicator library the tray needs on Linux. It is opened by name when the icon is
/// made, and its absence there is a panic (an abort in release builds): so it is looked for
/// first, and without it there is no icon.
fn indicator_library() -> bool {
    ["libayatana-appindicator3.so.1", "libappindicator3.so.1"]
        .iter()
        // SAFETY: loading a shared library runs its initialisers; these are the ones the tray
        // itself would load a moment later, by the same names.
        .any(|name| unsafe { libloading::Library::new(name) }.is_ok())
}

/// Makes the icon (where it can be) and starts looking for a host to show it.
pub fn install<R: Runtime>(app: &tauri::App<R>) -> tauri::Result<()> {
    let tray = Arc::new(Tray::default());
    app.manage(tray.clone());
    if !indicator_library() {
        tracing::info!("no tray icon: the AppIndicator library is not installed");
        return Ok(());
    }
    let show = MenuItem::with_id(app, "show", "Show Partner Desk", true, None::<&str>)?;
    let quit = MenuItem::with_id(app, "quit", "Quit Partner Desk", true, None::<&str>)?;
    let menu = Menu::with_items(app, &[&show, &quit])?;
    let mut icon = TrayIconBuilder::with_id("main")
        .tooltip("Partner Desk")
        .menu(&menu)
        .on_menu_event(|app, event| match event.id.as_ref() {
            "show" => window::focus_main(app),
            "quit" => quit_app(app),
            _ => {}
        });
    if let Some(image) = app.default_window_icon() {
        icon = icon.icon(image.clone());
    }
    icon.build(app)?;
    tray.icon.store(true, Ordering::Relaxed);
    tauri::async_runtime::spawn(look_for_host(tray));
    Ok(())
}

async fn look_for_host(tray: Arc<Tray>) {
    let Ok(bus) = zbus::Connection::session().await else {
        tracing::info!("no session bus: closing the window quits");
        return;
    };
    loop {
        let found = host_present(&bus).await;
        if tray.host.swap(found, Ordering::Relaxed) != found {
            tracing::info!(
                shown = found,
                "tray host {}",
                if found { "found" } else { "gone" }
            );
        }
        tokio::time::sleep(LOOK_EVERY).await;
    }
}

async fn host_present(bus: &zbus::Connection) -> bool {
    let Ok(names) = zbus::fdo::DBusProxy::new(bus).await else {
        return false;
    };
    let Ok(name) = zbus::names::BusName::try_from(WATCHER) else {
        return false;
    };
    names.name_has_owner(name).await.unwrap_or(false)
}

/// Closing the main window: hidden when a tray icon can bring it back (said once, by a
/// notification), else the app quits. Returns whether the close was turned into a hide.
pub fn on_close<R: Runtime>(window: &tauri::Window<R>) -> bool {
    let app = window.app_handle();
    let Some(tray) = app.try_state::<Arc<Tray>>() else {
        return false;
    };
    if window.label() != window::MAIN || !tray.keeps_running() {
        return false;
    }
    let _ = window.hide();
    tracing::info!("window closed: the desk keeps running in the tray");
    if !tray.told.swap(true, Ordering::Relaxed)
        && let Some(notifier) = app.try_state::<Arc<Notifier>>()
    {
        notifier.tell(desk::attention::Notice {
            title: "Partner Desk is still running".into(),
            body: "Live sync and imports go on. Open it from the tray icon; Quit is in its menu \
                   (or Ctrl+Q in the window)."
                .into(),
        });
    }
    true
}

/// Quits for good: the tray's Quit, Ctrl+Q and the palette's Quit.
pub fn quit_app<R: Runtime>(app: &tauri::AppHandle<R>) {
    tracing::info!("quit asked for: leaving");
    app.exit(0);
}
