//! One desk per data folder: a second desk — in this process or another — is refused while the
//! first has the folder open (it would share the SQLite file and the embedded sandbox's), and
//! may open it once the first is gone, however the first ended.

use desk::{Desk, Error};
use std::process::Command;

mod common;
use common::fresh_config;

/// The other process: tries to open the folder, says how it went on its exit code.
#[tokio::test]
#[ignore = "run by a_second_desk_is_refused_in_another_process"]
async fn child_opens_the_folder() {
    let dir = std::env::var("PD_INSTANCE_DIR").expect("run by the parent test");
    match Desk::open(fresh_config(std::path::Path::new(&dir))).await {
        Ok(_) => std::process::exit(0),
        Err(Error::AlreadyRunning(_)) => std::process::exit(3),
        Err(e) => panic!("{e}"),
    }
}

fn other_process_opens(dir: &std::path::Path) -> i32 {
    Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_opens_the_folder", "--ignored", "--quiet"])
        .env("PD_INSTANCE_DIR", dir)
        .status()
        .unwrap()
        .code()
        .unwrap_or(-1)
}

#[tokio::test]
async fn a_second_desk_is_refused_while_the_first_has_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let first = common::desk(dir.path()).await;
    let err = match Desk::open(fresh_config(dir.path())).await {
        Ok(_) => panic!("two desks on one folder"),
        Err(e) => e,
    };
    assert!(matches!(err, Error::AlreadyRunning(_)), "{err:?}");
    assert_eq!(err.kind(), "alreadyRunning");
    assert!(err.operator_message().contains("already running"));
    drop(first);
    Desk::open(fresh_config(dir.path()))
        .await
        .expect("free again once the first is gone");
}

#[tokio::test]
async fn a_second_desk_is_refused_in_another_process() {
    let dir = tempfile::tempdir().unwrap();
    let first = common::desk(dir.path()).await;
    assert_eq!(other_process_opens(dir.path()), 3, "refused while held");
    drop(first);
    assert_eq!(other_process_opens(dir.path()), 0, "opens once released");
}
