//! The audit journal in PostgreSQL: append-only (a trigger refuses UPDATE, DELETE and TRUNCATE)
//! and hash-chained (`crate::chain`). Appends are serialised by a transaction-scoped advisory
//! lock, so that replicas writing at once still make one chain.

use super::{PgTx, db, word};
use crate::chain::{self, Break, ChainedRow, Verifier};
use crate::db::Db;
use desk::Result;
use desk::ledger::journal::{JournalEntry, JournalFilter, JournalTx, NewJournalEntry};

/// Any number, the same for every replica: the lock that serialises journal appends.
const APPEND_LOCK: i64 = 0x5044_4855_424a_524e; // "PDHUBJRN"

const CHAIN_COLUMNS: &str = "id, at, operator, environment, operation, target, outcome, p100_code, \
                             http_status, duration_ms, message, prev_hash, hash";

fn chained(r: &postgres::Row) -> ChainedRow {
    ChainedRow {
        id: r.get(0),
        at: r.get(1),
        operator: r.get(2),
        environment: r.get(3),
        operation: r.get(4),
        target: r.get(5),
        outcome: r.get(6),
        p100_code: r.get(7),
        http_status: r.get(8),
        duration_ms: r.get(9),
        message: r.get(10),
        prev_hash: r.get(11),
        hash: r.get(12),
    }
}

impl JournalTx for PgTx<'_> {
    fn journal(&self, e: &NewJournalEntry<'_>) -> Result<i64> {
        let mut pg = self.pg();
        // Held until this transaction ends: the next append reads this row as its predecessor.
        pg.execute("SELECT pg_advisory_xact_lock($1)", &[&APPEND_LOCK])
            .map_err(db)?;
        let last = pg
            .query_opt("SELECT id, hash FROM journal ORDER BY id DESC LIMIT 1", &[])
            .map_err(db)?;
        let (prev_id, prev_hash) = last.map_or((0, chain::GENESIS.to_owned()), |r| {
            (r.get::<_, i64>(0), r.get::<_, String>(1))
        });
        let mut row = ChainedRow {
            id: prev_id + 1,
            at: desk::ledger::now(),
            operator: e.operator.to_owned(),
            environment: e.environment.as_str().to_owned(),
            operation: e.operation.to_owned(),
            target: e.target.map(str::to_owned),
            outcome: e.outcome.to_owned(),
            p100_code: e.p100_code.map(str::to_owned),
            http_status: e.http_status.map(i32::from),
            duration_ms: i64::from(e.duration_ms),
            message: e.message.map(str::to_owned),
            prev_hash,
            hash: String::new(),
        };
        row.hash = row.expected_hash();
        pg.execute(
            &format!(
                "INSERT INTO journal ({CHAIN_COLUMNS})
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
            ),
            &[
                &row.id,
                &row.at,
                &row.operator,
                &row.environment,
                &row.operation,
                &row.target,
                &row.outcome,
                &row.p100_code,
                &row.http_status,
                &row.duration_ms,
                &row.message,
                &row.prev_hash,
                &row.hash,
            ],
        )
        .map_err(db)?;
        Ok(row.id)
    }

    fn query_journal(&self, f: &JournalFilter) -> Result<Vec<JournalEntry>> {
        let blank = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let target = blank(&f.target).map(|t| {
            format!(
                "%{}%",
                t.replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_")
            )
        });
        let rows = self
            .pg()
            .query(
                "SELECT id, at, operator, environment, operation, target, outcome, p100_code, http_status,
                        duration_ms, message
                 FROM journal
                 WHERE ($1::text IS NULL OR environment = $1) AND ($2::text IS NULL OR operator = $2)
                   AND ($3::text IS NULL OR operation = $3) AND ($4::text IS NULL OR outcome = $4)
                   AND ($5::text IS NULL OR target LIKE $5 ESCAPE '\\') AND ($6::text IS NULL OR at >= $6)
                   AND ($7::text IS NULL OR at < $7)
                 ORDER BY id DESC LIMIT $8",
                &[
                    &f.environment.map(|e| e.as_str()),
                    &blank(&f.operator),
                    &blank(&f.operation),
                    &blank(&f.outcome),
                    &target,
                    &blank(&f.from),
                    &blank(&f.to),
                    &i64::from(f.limit.unwrap_or(500).clamp(1, 10_000)),
                ],
            )
            .map_err(db)?;
        rows.into_iter()
            .map(|r| {
                Ok(JournalEntry {
                    id: r.get(0),
                    at: r.get(1),
                    operator: r.get(2),
                    environment: word(r.get(3), "journal environment")?,
                    operation: r.get(4),
                    target: r.get(5),
                    outcome: r.get(6),
                    p100_code: r.get(7),
                    http_status: r
                        .get::<_, Option<i32>>(8)
                        .and_then(|s| u16::try_from(s).ok()),
                    duration_ms: u32::try_from(r.get::<_, i64>(9)).unwrap_or(u32::MAX),
                    message: r.get(10),
                })
            })
            .collect()
    }
}

/// How a walk of the whole journal ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// Rows that held, in order, before the break (all of them when there is none).
    pub rows: u64,
    pub first_break: Option<Break>,
}

/// How many rows are read at once by a walk of the journal (memory stays bounded).
const PAGE: i64 = 1_000;

/// Walks the journal in id order, page by page, checking the chain; stops at the first break.
pub fn verify_journal(db: &Db) -> crate::Result<Verified> {
    let mut v = Verifier::default();
    let mut first_break = None;
    for_each_row(db, &mut |row| match v.next(row) {
        Ok(()) => true,
        Err(b) => {
            first_break = Some(b);
            false
        }
    })?;
    Ok(Verified {
        rows: v.rows,
        first_break,
    })
}

/// Writes the whole journal, oldest first, one JSON object per line (with each row's hashes, so
/// that a copy kept elsewhere proves what the journal held).
pub fn export_journal(db: &Db, out: &mut dyn std::io::Write) -> crate::Result<u64> {
    let mut n = 0;
    let mut failed = None;
    for_each_row(db, &mut |row| {
        let line = serde_json::to_string(row).unwrap_or_default();
        match writeln!(out, "{line}") {
            Ok(()) => {
                n += 1;
                true
            }
            Err(e) => {
                failed = Some(e);
                false
            }
        }
    })?;
    match failed {
        Some(e) => Err(crate::Error::Io(e)),
        None => Ok(n),
    }
}

/// Calls `f` on every row in id order until it returns false.
fn for_each_row(db: &Db, f: &mut dyn FnMut(&ChainedRow) -> bool) -> crate::Result<()> {
    let mut conn = db.get()?;
    let mut after = 0_i64;
    loop {
        let rows = conn.query(
            &format!("SELECT {CHAIN_COLUMNS} FROM journal WHERE id > $1 ORDER BY id LIMIT $2"),
            &[&after, &PAGE],
        )?;
        if rows.is_empty() {
            return Ok(());
        }
        for r in &rows {
            let row = chained(r);
            after = row.id;
            if !f(&row) {
                return Ok(());
            }
        }
    }
}
