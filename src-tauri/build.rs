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
    "user_update",
    "user_delete",
    "user_suspend",
    "user_unsuspend",
    "user_extend",
    "user_verify",
    "user_balances",
    "user_transactions",
    "journal_recent",
    "kyc_hosted_start",
    "kyc_hosted_open",
    "kyc_refresh",
    "documents_pick",
    "kyc_upload",
    "poa_upload",
    "upload_cancel",
    "export_save_csv",
    "countries_list",
    "user_timeline",
    "funnel_get",
    "journal_query",
    "sync_status",
    "webhook_token_set",
    "webhook_token_remove",
    "webhook_port_set",
    "operation_cancel",
    "operations_open",
    "operation_retry",
    "operation_resolve",
    "webhook_token_generate",
    "events_subscribe",
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
