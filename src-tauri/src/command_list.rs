//! Every command the window may call, declared once: the desk core's operations (listed in
//! `crates/desk/src/api/mod.rs`, shared with the hub) followed by the shell's own, which need
//! the desktop — native dialogs, the browser, the clipboard, progress and event channels.
//!
//! From [`with_commands!`] come `generate_handler!` (in `lib.rs`), the core commands
//! (`commands/core.rs`), and in tests the capability and `ui/src/api/commands.ts`; `build.rs`
//! reads the names between the `commands:` markers to declare the permissions. The tests in
//! `commands::drift` fail when any of them differs from the list.

/// Calls `$then! { [core entries] [shell entries] }`.
macro_rules! with_commands {
    ($then:ident) => {
        desk::with_operations!(with_shell_commands, $then)
    };
}

/// The shell's commands, one entry each: `module::name(arg: Type, ...) -> Answer;`, the module
/// under `crate::commands`. Arguments are what the page sends (Tauri's own, like `State`, are
/// not listed).
macro_rules! with_shell_commands {
    ($then:ident [ $($core:tt)* ]) => {
        $then! { [ $($core)* ] [
            // commands:begin
            /// Static reference data for pickers.
            reference::countries_list() -> Vec<crate::commands::reference::Country>;
            /// Rust opens the hosted page in the system browser; the webview never navigates to it.
            kyc::kyc_hosted_open(external_user_id: String) -> ();
            /// The native file dialog; the webview only ever gets tokens, never paths.
            documents::documents_pick(multiple: bool) -> desk::documents::Admitted;
            /// Rejects with code `cancelled` when `upload_cancel` stopped it.
            documents::kyc_upload(upload_id: String, external_user_id: String, document_type: p100::models::DocumentType, files: Vec<crate::commands::documents::KycFileRef>, on_progress: tauri::ipc::Channel<p100::upload::UploadProgress>) -> desk::ledger::roster::UserRecord;
            /// Every file goes in one request (P100's field `files`), at most three.
            documents::poa_upload(upload_id: String, external_user_id: String, tokens: Vec<String>, on_progress: tauri::ipc::Channel<p100::upload::UploadProgress>) -> desk::ledger::roster::UserRecord;
            /// A picked document's bytes for the viewer (checked again, at most 5 MB), as raw
            /// bytes rather than JSON; never a path.
            documents::document_bytes(token: String) -> tauri::ipc::Response;
            /// `false` when no upload of that id was running (already finished).
            documents::upload_cancel(upload_id: String) -> bool;
            /// Native save dialog; the file name saved to, or null when the operator cancelled.
            export::export_save_csv(file_name: String, csv: String) -> Option<String>;
            /// Native open dialog for a CSV to import: its name and text (UTF-8, at most 64 MB), or
            /// null when the operator cancelled.
            import::import_pick() -> Option<crate::commands::import::PickedCsv>;
            /// A new random token, put on the OS clipboard by Rust; the page learns its fingerprint.
            sync::webhook_token_generate(kind: desk::EnvironmentKind) -> crate::commands::sync::GeneratedToken;
            /// A card's number put on the OS clipboard by Rust (journaled like a reveal), emptied
            /// after 30 s; the page learns the last four digits.
            cards::card_number_copy(external_user_id: String, card_id: String) -> crate::commands::cards::CopiedCardNumber;
            /// Quits the desk for good (closing the window may only hide it to the tray).
            app::app_quit() -> ();
            /// Opens the channel over which Rust tells the page what happened unasked.
            page::events_subscribe(on_event: tauri::ipc::Channel<crate::events::PageEvent>) -> ();
            // commands:end
        ] }
    };
}
