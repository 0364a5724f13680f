//! Logs go to stderr and, once the app knows its log folder, to a file there as well, rotated
//! daily with a week kept (`~/.local/share/io.partnerdesk.app/logs/partner-desk.YYYY-MM-DD.log`
//! on Linux; the platform's log folder elsewhere). Level from `RUST_LOG`, `info` by default.
//! Nothing secret is logged: the types that hold keys and tokens print `***`, and the secrets
//! scan (`e2e/zz-secrets.test.mjs`) reads the file too, at `debug` and at `trace`.

use std::path::Path;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer, Registry, fmt, reload};

type FileLayer = Box<dyn Layer<Registry> + Send + Sync>;

/// Where the file layer is put once the log folder is known.
pub struct LogFile {
    handle: reload::Handle<Option<FileLayer>, Registry>,
}

/// Days of log files kept.
const KEEP: usize = 7;

/// Starts logging to stderr; the file joins with [`LogFile::open`].
pub fn init() -> LogFile {
    let (file, handle) = reload::Layer::new(None::<FileLayer>);
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::registry()
        .with(file)
        .with(
            fmt::layer()
                .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
                .with_writer(std::io::stderr),
        )
        .with(filter)
        .init();
    LogFile { handle }
}

impl LogFile {
    /// Adds the rotating file in `dir` (made private like the data folder).
    pub fn open(&self, dir: &Path) {
        if let Err(e) = std::fs::create_dir_all(dir) {
            tracing::warn!(error = %e, dir = %dir.display(), "no log file");
            return;
        }
        let appender = tracing_appender::rolling::RollingFileAppender::builder()
            .rotation(tracing_appender::rolling::Rotation::DAILY)
            .filename_prefix("partner-desk")
            .filename_suffix("log")
            .max_log_files(KEEP)
            .build(dir);
        match appender {
            Ok(appender) => {
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt;
                    let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
                }
                let layer: FileLayer = Box::new(
                    fmt::layer()
                        .with_ansi(false)
                        .with_writer(std::sync::Mutex::new(appender)),
                );
                if let Err(e) = self.handle.modify(|l| *l = Some(layer)) {
                    tracing::warn!(error = %e, "the log file could not be added");
                } else {
                    tracing::info!(dir = %dir.display(), "logging to a file as well");
                }
            }
            Err(e) => tracing::warn!(error = %e, dir = %dir.display(), "no log file"),
        }
    }
}
