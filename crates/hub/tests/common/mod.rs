//! Fixtures of the hub's tests: a fresh database on the throwaway PostgreSQL cluster that
//! `scripts/with-postgres.sh` starts (the test command runs every Rust test under it).
#![allow(dead_code)]

use hub::Db;
use postgres::NoTls;

/// The cluster's URL; a clear failure when the tests run without one.
pub fn server_url() -> String {
    std::env::var("PARTNER_DESK_TEST_DATABASE_URL").unwrap_or_else(|_| {
        panic!(
            "the hub's tests need PostgreSQL: run them under scripts/with-postgres.sh \
             (scripts/test.sh does), e.g. `scripts/with-postgres.sh cargo test -p partner-desk-hub`"
        )
    })
}

/// A new, empty database on the cluster: its URL.
pub fn fresh_database_url() -> String {
    let server = server_url();
    let name = format!("t_{}", uuid::Uuid::new_v4().simple());
    let mut admin = postgres::Client::connect(&server, NoTls).expect("the test cluster answers");
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .expect("a test database can be created");
    let (base, _) = server.rsplit_once('/').expect("a URL with a database name");
    format!("{base}/{name}")
}

/// A fresh database, migrated, and a pool on it.
pub fn fresh_db() -> (String, Db) {
    let url = fresh_database_url();
    let db = Db::connect(&url, 8).expect("a pool");
    hub::db::migrate(&db).expect("the schema migrates");
    (url, db)
}

/// A direct connection (what an administrator with psql has).
pub fn psql(url: &str) -> postgres::Client {
    postgres::Client::connect(url, NoTls).expect("the test database answers")
}

/// Runs the hub's binary with `args`; its exit code, stdout and stderr.
pub fn hub_cli(args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_partner-desk-hub"))
        .args(args)
        .output()
        .expect("the hub's binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
