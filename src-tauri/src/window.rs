//! The main window, built here rather than from `tauri.conf.json` alone, so that it can be told
//! to stay home: no navigation away from the app's own pages (a link, `location = …`, a form)
//! and no new windows (`window.open`, `target=_blank`). Everything else comes from the config.

use crate::window_state;
use tauri::webview::NewWindowResponse;
use tauri::{Manager, Runtime, Url, WebviewWindowBuilder};

pub const MAIN: &str = "main";

/// Builds the window declared as `main` in `tauri.conf.json` (`"create": false` there).
pub fn build_main<R: Runtime>(app: &tauri::App<R>) -> tauri::Result<()> {
    let config = app
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == MAIN)
        .cloned()
        .ok_or_else(|| tauri::Error::WindowNotFound)?;
    let dev_url = app.config().build.dev_url.clone();
    // The size and place the operator left it in, where they still fit this machine.
    let dir = app.path().app_data_dir()?;
    let min = (
        config.min_width.unwrap_or(0.0),
        config.min_height.unwrap_or(0.0),
    );
    let remembered = window_state::load(&dir, min);
    let mut builder = WebviewWindowBuilder::from_config(app.handle(), &config)?;
    if let Some(g) = remembered {
        builder = builder.inner_size(g.width, g.height).maximized(g.maximized);
        if g.placed_on(&window_state::monitor_areas(app.handle())) {
            builder = builder.position(g.x, g.y);
        }
    }
    app.manage(window_state::WindowMemory::new(dir, remembered));
    builder
        .on_navigation(move |url| {
            let home = is_app_url(url, dev_url.as_ref(), tauri::is_dev());
            if !home {
                tracing::warn!(
                    scheme = url.scheme(),
                    host = url.host_str().unwrap_or(""),
                    "navigation away from the app refused"
                );
            }
            home
        })
        .on_new_window(|url, _| {
            tracing::warn!(scheme = url.scheme(), "a new window was refused");
            NewWindowResponse::Deny
        })
        .build()?;
    Ok(())
}

/// The app's own pages: the bundled assets (`tauri://localhost` on Linux and macOS,
/// `http(s)://tauri.localhost` on Windows), or the dev server in a dev build.
pub fn is_app_url(url: &Url, dev_url: Option<&Url>, dev: bool) -> bool {
    match url.scheme() {
        "tauri" => url.host_str() == Some("localhost"),
        "http" | "https" if url.host_str() == Some("tauri.localhost") => true,
        "http" | "https" if dev => dev_url.is_some_and(|d| d.origin() == url.origin()),
        _ => false,
    }
}

/// Brings the main window to the front (a second launch asked for it).
pub fn focus_main<R: Runtime>(app: &tauri::AppHandle<R>) {
    if let Some(w) = app.get_webview_window(MAIN) {
        let _ = w.unminimize();
        let _ = w.show();
        let _ = w.set_focus();
        tracing::info!("another launch asked for this window: brought it to the front");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_apps_own_pages_are_home() {
        let u = |s: &str| Url::parse(s).unwrap();
        let dev = u("http://localhost:5173");
        for home in [
            "tauri://localhost/",
            "tauri://localhost/index.html#/users",
            "https://tauri.localhost/",
        ] {
            assert!(is_app_url(&u(home), Some(&dev), false), "{home}");
        }
        for away in [
            "https://example.com/",
            "http://localhost:5173/",
            "file:///etc/passwd",
            "data:text/html,<h1>x</h1>",
            "about:blank",
            "tauri://evil/",
            "javascript:alert(1)",
        ] {
            assert!(!is_app_url(&u(away), Some(&dev), false), "{away}");
        }
        // A dev build also serves from the dev server, and from nowhere else.
        assert!(is_app_url(
            &u("http://localhost:5173/src/main.tsx"),
            Some(&dev),
            true
        ));
        assert!(!is_app_url(&u("http://localhost:5174/"), Some(&dev), true));
    }
}
