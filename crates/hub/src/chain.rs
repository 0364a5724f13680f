//! The journal's hash chain. Each row's hash is SHA-256 over its fields and the previous row's
//! hash, so changing, removing or inserting a row breaks every hash after it: `journal verify`
//! walks the chain and names the first row that does not hold. (A chain cannot show that rows
//! were cut from its end; exporting the journal keeps a copy whose last hash proves the rest.)

use sha2::{Digest, Sha256};

/// The `prev_hash` of the first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// A journal row as the chain sees it: every field that the journal shows.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChainedRow {
    pub id: i64,
    pub at: String,
    pub operator: String,
    pub environment: String,
    pub operation: String,
    pub target: Option<String>,
    pub outcome: String,
    pub p100_code: Option<String>,
    pub http_status: Option<i32>,
    pub duration_ms: i64,
    pub message: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl ChainedRow {
    /// The hash this row must carry: over a JSON array of its fields in a fixed order (JSON so
    /// that no field's text can be mistaken for a separator).
    pub fn expected_hash(&self) -> String {
        let fields = serde_json::json!([
            self.id,
            self.at,
            self.operator,
            self.environment,
            self.operation,
            self.target,
            self.outcome,
            self.p100_code,
            self.http_status,
            self.duration_ms,
            self.message,
            self.prev_hash,
        ]);
        hex::encode(Sha256::digest(fields.to_string().as_bytes()))
    }
}

/// Where a chain stops holding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Break {
    /// The first row that does not hold.
    pub id: i64,
    pub why: &'static str,
}

/// Walks rows in id order and checks each against the one before it.
#[derive(Debug)]
pub struct Verifier {
    prev_id: i64,
    prev_hash: String,
    pub rows: u64,
}

impl Default for Verifier {
    fn default() -> Self {
        Self {
            prev_id: 0,
            prev_hash: GENESIS.to_owned(),
            rows: 0,
        }
    }
}

impl Verifier {
    /// Checks the next row; the first break stops the walk.
    pub fn next(&mut self, row: &ChainedRow) -> Result<(), Break> {
        let broken = |why| Err(Break { id: row.id, why });
        if row.id != self.prev_id + 1 {
            return broken("a row is missing before this one (ids must follow each other)");
        }
        if row.prev_hash != self.prev_hash {
            return broken("its prev_hash is not the previous row's hash");
        }
        if row.hash != row.expected_hash() {
            return broken("its fields do not match its hash (the row was altered)");
        }
        self.prev_id = row.id;
        self.prev_hash = row.hash.clone();
        self.rows += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64, prev: &str, outcome: &str) -> ChainedRow {
        let mut r = ChainedRow {
            id,
            at: "2026-12-03T10:00:00.000Z".into(),
            operator: "ana".into(),
            environment: "sandbox".into(),
            operation: "createUser".into(),
            target: Some("u-1".into()),
            outcome: outcome.into(),
            p100_code: None,
            http_status: Some(200),
            duration_ms: 12,
            message: None,
            prev_hash: prev.into(),
            hash: String::new(),
        };
        r.hash = r.expected_hash();
        r
    }

    #[test]
    fn a_chain_holds_until_a_row_is_altered_removed_or_reordered() {
        let a = row(1, GENESIS, "ok");
        let b = row(2, &a.hash, "ok");
        let c = row(3, &b.hash, "failed");
        let mut v = Verifier::default();
        for r in [&a, &b, &c] {
            v.next(r).unwrap();
        }
        assert_eq!(v.rows, 3);

        let mut altered = b.clone();
        altered.outcome = "failed".into();
        let mut v = Verifier::default();
        v.next(&a).unwrap();
        assert_eq!(v.next(&altered).unwrap_err().id, 2);

        let mut v = Verifier::default();
        v.next(&a).unwrap();
        let gap = v.next(&c).unwrap_err();
        assert_eq!((gap.id, gap.why.contains("missing")), (3, true));

        // Re-hashing an altered row does not help: the next row names the old hash.
        let mut rehashed = altered;
        rehashed.hash = rehashed.expected_hash();
        let mut v = Verifier::default();
        v.next(&a).unwrap();
        v.next(&rehashed).unwrap();
        assert_eq!(v.next(&c).unwrap_err().id, 3);
    }
}
