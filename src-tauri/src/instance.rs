//! One instance per data folder. The desk core holds the folder's lock (`Desk::open` refuses a
//! second desk on it); here the first instance listens on a socket in the folder, and a second
//! launch asks it, through that socket, to bring its window to the front — then leaves.
//!
//! Unix sockets only: on other systems a second launch says the desk is running and leaves
//! (the lock holds either way).

use std::path::Path;
use tauri::Runtime;

const SOCKET: &str = "partner-desk.sock";
const FOCUS: &[u8] = b"focus\n";

/// Asks the running instance to show its window; true when it said it did.
#[cfg(unix)]
pub fn ask_running_to_focus(data_dir: &Path) -> bool {
    use std::io::{Read, Write};
    use std::time::Duration;
    let Ok(mut s) = std::os::unix::net::UnixStream::connect(data_dir.join(SOCKET)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(3)));
    let _ = s.set_write_timeout(Some(Duration::from_secs(3)));
    let mut ack = [0u8; 3];
    s.write_all(FOCUS).is_ok() && s.read_exact(&mut ack).is_ok() && &ack == b"ok\n"
}

#[cfg(not(unix))]
pub fn ask_running_to_focus(_data_dir: &Path) -> bool {
    false
}

/// Listens for later launches' requests. Called once the desk holds the folder's lock, so a
/// socket file left by a crashed instance can be replaced safely.
#[cfg(unix)]
pub fn listen<R: Runtime>(app: tauri::AppHandle<R>, data_dir: &Path) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let path = data_dir.join(SOCKET);
    let _ = std::fs::remove_file(&path);
    let listener = {
        // Binding needs the runtime's reactor.
        let _guard = tauri::async_runtime::handle().inner().enter();
        match tokio::net::UnixListener::bind(&path) {
            Ok(l) => l,
            Err(e) => {
                tracing::warn!(error = %e, "a second launch will not be able to bring this window forward");
                return;
            }
        }
    };
    tauri::async_runtime::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            let app = app.clone();
            tauri::async_runtime::spawn(async move {
                let mut got = [0u8; 6];
                let read =
                    tokio::time::timeout(std::time::Duration::from_secs(2), s.read_exact(&mut got))
                        .await;
                if matches!(read, Ok(Ok(_))) && got == FOCUS {
                    crate::window::focus_main(&app);
                    let _ = s.write_all(b"ok\n").await;
                }
            });
        }
    });
}

#[cfg(not(unix))]
pub fn listen<R: Runtime>(_app: tauri::AppHandle<R>, _data_dir: &Path) {}
