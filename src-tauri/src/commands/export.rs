//! Saving an export (CSV) where the operator chooses, through the native save dialog. WebKitGTK
//! ignores `<a download>` of blob URLs, so the webview hands the text over instead.

use crate::error::{CommandError, CommandResult};

/// A large history is a few MB of CSV; anything far beyond is not an export.
const MAX_EXPORT_BYTES: usize = 64 * 1024 * 1024;

/// Returns the chosen file's name, or `None` when the operator cancelled.
#[tauri::command]
pub async fn export_save_csv(file_name: String, csv: String) -> CommandResult<Option<String>> {
    if csv.len() > MAX_EXPORT_BYTES {
        return Err(CommandError::internal(
            "the export is too large to save".into(),
        ));
    }
    let suggested: String = file_name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .take(120)
        .collect();
    let Some(handle) = rfd::AsyncFileDialog::new()
        .set_title("Save export")
        .set_file_name(if suggested.is_empty() {
            "export.csv"
        } else {
            &suggested
        })
        .add_filter("CSV", &["csv"])
        .save_file()
        .await
    else {
        return Ok(None);
    };
    // A byte-order mark so that spreadsheet programs read the file as UTF-8.
    let mut bytes = Vec::with_capacity(csv.len() + 3);
    bytes.extend_from_slice(b"\xEF\xBB\xBF");
    bytes.extend_from_slice(csv.as_bytes());
    let path = handle.path().to_path_buf();
    tokio::fs::write(&path, bytes)
        .await
        .map_err(|e| CommandError::internal(format!("could not save the file: {e}")))?;
    Ok(path.file_name().map(|n| n.to_string_lossy().into_owned()))
}
