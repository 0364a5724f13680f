//! The P100 key and the webhook token, read from files (systemd credentials fit): never from the
//! database, never in an answer or a log (their types print `***`).

use crate::error::{Error, Result};
use desk::credentials::WebhookToken;
use p100::ApiKey;
use std::io::Read;
use std::path::Path;

/// A secret file is a line of text; anything longer is not one.
const MAX_BYTES: u64 = 4096;

fn read(path: &Path, what: &str) -> Result<String> {
    let refuse = |why: String| Error::Secret(format!("{what} file {}: {why}", path.display()));
    let file = std::fs::File::open(path).map_err(|e| refuse(e.to_string()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = file
            .metadata()
            .map_err(|e| refuse(e.to_string()))?
            .permissions()
            .mode();
        if mode & 0o007 != 0 {
            return Err(refuse(
                "anyone on the machine may read it: chmod o-rwx (or 600) first".into(),
            ));
        }
    }
    let mut text = String::new();
    file.take(MAX_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(|e| refuse(e.to_string()))?;
    if text.len() as u64 > MAX_BYTES {
        return Err(refuse(format!("longer than {MAX_BYTES} bytes")));
    }
    // A trailing newline is how editors and `echo` end a file; it is not part of the secret.
    Ok(text.trim_end_matches(['\n', '\r']).to_owned())
}

pub fn api_key(path: &Path) -> Result<ApiKey> {
    let raw = read(path, "P100 key")?;
    ApiKey::new(raw).map_err(|e| Error::Secret(format!("P100 key file {}: {e}", path.display())))
}

pub fn webhook_token(path: &Path) -> Result<WebhookToken> {
    let raw = read(path, "webhook token")?;
    WebhookToken::typed(raw)
        .map_err(|why| Error::Secret(format!("webhook token file {}: {why}", path.display())))
}
