//! Tauri's build step, with the app's commands declared so that the capability in
//! `src-tauri/capabilities/` can allow exactly them and nothing else.

/// Every `#[tauri::command]` of the app. A command missing here cannot be called from the UI.
const COMMANDS: &[&str] = &[
    "environment_get",
    "environment_select",
    "credentials_list",
    "credentials_set",
    "credentials_remove",
    "credentials_test",
    "users_list",
    "user_create",
    "journal_recent",
    "countries_list",
];

fn main() {
    // The capability files live in src-tauri/, not beside tauri.conf.json; tell cargo to watch
    // them, or the build script would re-run (and relink) on every build.
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("./src-tauri/capabilities/**/*")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(e) = tauri_build::try_build(attributes) {
        eprintln!("tauri build step failed: {e:#}");
        std::process::exit(1);
    }
}
