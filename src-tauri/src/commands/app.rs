//! The app itself: Quit, which closing the window is not when the tray keeps the desk running.

use tauri::{AppHandle, Runtime};

#[tauri::command]
pub fn app_quit<R: Runtime>(app: AppHandle<R>) {
    crate::tray::quit_app(&app);
}
