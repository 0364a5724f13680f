//! The desk's data folder (roster with customers' personal data, timeline with the thumbnails of
//! their identity documents, the embedded sandbox's users) is closed to other local users.
#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

mod common;
use common::desk;

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[tokio::test]
async fn the_data_folder_is_private_to_the_os_user() {
    let root = tempfile::tempdir().unwrap();
    let fresh = root.path().join("share/io.partnerdesk.app");
    let d = desk(&fresh).await;
    assert_eq!(mode(&fresh), 0o700, "a new data folder");
    d.create_user(common::new_user("private@example.com", "PL"))
        .await
        .unwrap();
    for file in ["partner-desk.sqlite3", "embedded-sandbox.sqlite3"] {
        assert!(fresh.join(file).exists(), "{file} lives inside it");
    }
    assert_eq!(mode(&fresh), 0o700);

    // A folder an older version (or a umask of 022) left world-readable is closed on open.
    let older = root.path().join("older");
    std::fs::create_dir(&older).unwrap();
    std::fs::set_permissions(&older, std::fs::Permissions::from_mode(0o755)).unwrap();
    let _d = desk(&older).await;
    assert_eq!(mode(&older), 0o700, "an existing data folder");
}
