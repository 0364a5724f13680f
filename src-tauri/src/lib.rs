//! The desktop shell: builds the Tauri app, opens the desk core, and exposes thin commands.

mod bindings;
pub mod commands;
pub mod error;

use desk::{Desk, DeskConfig};
use tauri::{Manager, Runtime};

/// Adds the app's state, setup and commands to a builder of any runtime (the real one, or
/// Tauri's mock runtime in tests).
pub fn app<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder
        .setup(|app| {
            let data_dir = app.path().app_data_dir()?;
            let desk = tauri::async_runtime::block_on(Desk::open(DeskConfig::new(&data_dir)))?;
            tracing::info!(db = %desk.db_path().display(), "desk opened");
            app.manage(desk);
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::environment::environment_get,
            commands::environment::environment_select,
            commands::credentials::credentials_list,
            commands::credentials::credentials_set,
            commands::credentials::credentials_remove,
            commands::credentials::credentials_test,
            commands::users::users_list,
            commands::users::user_create,
            commands::users::journal_recent,
            commands::reference::countries_list,
        ])
}

pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let result = app(tauri::Builder::default()).run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("partner-desk: {e}");
        std::process::exit(1);
    }
}
