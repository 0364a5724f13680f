//! Picking a CSV file to import, through the native open dialog. Rust reads it (bounded, UTF-8
//! checked) and hands the webview its text: the page shows the columns and sends the text to
//! the core's `import_preview` and `import_start`, which check it again.

use crate::error::{CommandError, CommandResult};
use serde::Serialize;
use ts_rs::TS;

/// The largest file an import reads (the core's CSV reader refuses beyond this too).
const MAX_BYTES: u64 = desk::import::csv::MAX_BYTES as u64;

/// A picked CSV file: its name (never its path) and its text.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PickedCsv {
    pub file_name: String,
    pub text: String,
}

/// `None` when the operator cancelled the dialog.
#[tauri::command]
pub async fn import_pick() -> CommandResult<Option<PickedCsv>> {
    let Some(handle) = rfd::AsyncFileDialog::new()
        .set_title("Import users from a CSV file")
        .add_filter("CSV", &["csv", "txt"])
        .pick_file()
        .await
    else {
        return Ok(None);
    };
    let path = handle.path().to_path_buf();
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "import.csv".into());
    let refuse = |message: String| CommandError::plain("invalid", message);
    let size = tokio::fs::metadata(&path)
        .await
        .map_err(|e| refuse(format!("{file_name} could not be read: {e}")))?
        .len();
    if size > MAX_BYTES {
        return Err(refuse(format!(
            "{file_name} is {size} bytes; at most {MAX_BYTES} are read (split it)"
        )));
    }
    let bytes = tokio::fs::read(&path)
        .await
        .map_err(|e| refuse(format!("{file_name} could not be read: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|_| {
        refuse(format!(
            "{file_name} is not UTF-8 text: save it as \"CSV UTF-8\" and pick it again"
        ))
    })?;
    Ok(Some(PickedCsv { file_name, text }))
}
