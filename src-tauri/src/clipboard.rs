//! The OS clipboard, written from Rust for the secrets the operator must carry somewhere else: a
//! webhook token the desk generated (it goes to P100, never to the webview) and a card's number.
//! The clipboard is emptied again after a while if it still holds what was put there.

use std::sync::Mutex;
use std::time::Duration;

/// How long a copied secret stays on the clipboard.
pub const CLEAR_AFTER: Duration = Duration::from_secs(120);

/// The clipboard handle, kept for the app's life: on X11 the copied text is served by it.
static CLIPBOARD: Mutex<Option<arboard::Clipboard>> = Mutex::new(None);

/// Puts `text` on the clipboard and schedules its removal after [`CLEAR_AFTER`].
pub fn copy_secret(text: &str) -> Result<(), String> {
    copy_secret_for(text, CLEAR_AFTER)
}

/// Puts `text` on the clipboard and empties it after `after` if it still holds `text`.
pub fn copy_secret_for(text: &str, after: Duration) -> Result<(), String> {
    {
        let mut guard = CLIPBOARD.lock().unwrap_or_else(|e| e.into_inner());
        let cb = match guard.as_mut() {
            Some(cb) => cb,
            None => guard.insert(arboard::Clipboard::new().map_err(|e| e.to_string())?),
        };
        cb.set_text(text.to_owned()).map_err(|e| e.to_string())?;
    }
    let copied = text.to_owned();
    std::thread::spawn(move || {
        std::thread::sleep(after);
        let mut guard = CLIPBOARD.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(cb) = guard.as_mut()
            && cb.get_text().is_ok_and(|now| now == copied)
        {
            let _ = cb.clear();
        }
    });
    Ok(())
}
