//! Schema migrations, applied in order and counted in `PRAGMA user_version`.

use rusqlite::Connection;

const MIGRATIONS: &[&str] = &[
    // 1: the first schema.
    r#"
    CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE users (
        environment               TEXT NOT NULL,
        external_user_id          TEXT NOT NULL,
        user_id                   TEXT,
        email                     TEXT,
        first_name                TEXT,
        last_name                 TEXT,
        country                   TEXT,
        citizenship               TEXT,
        profile_json              TEXT NOT NULL,
        status                    TEXT NOT NULL,
        poa_required_for_extended INTEGER NOT NULL DEFAULT 0,
        created_at                TEXT NOT NULL,
        updated_at                TEXT NOT NULL,
        deleted_at                TEXT,
        PRIMARY KEY (environment, external_user_id)
    );
    CREATE INDEX users_by_created ON users (environment, created_at DESC);
    CREATE TABLE events (
        id               INTEGER PRIMARY KEY,
        environment      TEXT NOT NULL,
        external_user_id TEXT NOT NULL,
        at               TEXT NOT NULL,
        kind             TEXT NOT NULL,
        source           TEXT NOT NULL,
        detail_json      TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX events_by_user ON events (environment, external_user_id, at);
    CREATE TABLE journal (
        id          INTEGER PRIMARY KEY,
        at          TEXT NOT NULL,
        operator    TEXT NOT NULL,
        environment TEXT NOT NULL,
        operation   TEXT NOT NULL,
        target      TEXT,
        outcome     TEXT NOT NULL,
        p100_code   TEXT,
        http_status INTEGER,
        duration_ms INTEGER NOT NULL,
        message     TEXT
    );
    CREATE INDEX journal_by_at ON journal (at DESC);
    CREATE TABLE outbox (
        id           TEXT PRIMARY KEY,
        environment  TEXT NOT NULL,
        operation    TEXT NOT NULL,
        target       TEXT NOT NULL,
        payload_json TEXT NOT NULL,
        state        TEXT NOT NULL CHECK (state IN ('pending', 'done', 'failed', 'unknown')),
        attempts     INTEGER NOT NULL DEFAULT 0,
        created_at   TEXT NOT NULL,
        updated_at   TEXT NOT NULL,
        last_error   TEXT
    );
    CREATE INDEX outbox_open ON outbox (state) WHERE state IN ('pending', 'unknown');
    "#,
    // 2: what the roster shows of KYC, POA and the account beyond its status.
    r#"
    ALTER TABLE users ADD COLUMN extended INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE users ADD COLUMN kyc_method TEXT;
    ALTER TABLE users ADD COLUMN verification_id TEXT;
    ALTER TABLE users ADD COLUMN verification_status TEXT;
    ALTER TABLE users ADD COLUMN attempt_status TEXT;
    ALTER TABLE users ADD COLUMN rejection_reason TEXT;
    ALTER TABLE users ADD COLUMN poa_status TEXT;
    "#,
    // 3: onboarding stages derived from the events, and who at the desk caused each event.
    r#"
    ALTER TABLE users ADD COLUMN stage TEXT NOT NULL DEFAULT 'created';
    ALTER TABLE users ADD COLUMN stage_since TEXT;
    ALTER TABLE users ADD COLUMN next_action TEXT;
    CREATE INDEX users_by_stage ON users (environment, stage);
    ALTER TABLE events ADD COLUMN actor TEXT;
    CREATE TABLE stage_reached (
        environment      TEXT NOT NULL,
        external_user_id TEXT NOT NULL,
        stage            TEXT NOT NULL,
        at               TEXT NOT NULL,
        PRIMARY KEY (environment, external_user_id, stage)
    );
    CREATE INDEX journal_by_operation ON journal (operation, at);
    "#,
    // 4: the roster queried in the store (a page at a time). Two full-text indexes over what the
    // search reads, kept by triggers: trigrams, for words of three characters or more found
    // anywhere, and words with a prefix index, for one or two characters that start a word. The
    // count of each environment's users, kept by triggers (a count of the roster is asked with
    // every page). Indexes for the board's columns and the sorts.
    r#"
    CREATE VIRTUAL TABLE users_fts USING fts5(
        first_name, last_name, email, external_user_id,
        content = 'users', content_rowid = 'rowid', tokenize = 'trigram'
    );
    CREATE VIRTUAL TABLE users_words USING fts5(
        first_name, last_name, email, external_user_id,
        content = 'users', content_rowid = 'rowid',
        tokenize = 'unicode61 remove_diacritics 0', prefix = '1 2'
    );
    INSERT INTO users_fts (users_fts) VALUES ('rebuild');
    INSERT INTO users_words (users_words) VALUES ('rebuild');
    CREATE TABLE roster_totals (
        environment TEXT PRIMARY KEY,
        users       INTEGER NOT NULL
    );
    INSERT INTO roster_totals (environment, users)
        SELECT environment, COUNT(*) FROM users GROUP BY environment;
    CREATE TRIGGER users_search_insert AFTER INSERT ON users BEGIN
        INSERT INTO users_fts (rowid, first_name, last_name, email, external_user_id)
        VALUES (new.rowid, new.first_name, new.last_name, new.email, new.external_user_id);
        INSERT INTO users_words (rowid, first_name, last_name, email, external_user_id)
        VALUES (new.rowid, new.first_name, new.last_name, new.email, new.external_user_id);
        INSERT INTO roster_totals (environment, users) VALUES (new.environment, 1)
            ON CONFLICT (environment) DO UPDATE SET users = users + 1;
    END;
    CREATE TRIGGER users_search_delete AFTER DELETE ON users BEGIN
        INSERT INTO users_fts (users_fts, rowid, first_name, last_name, email, external_user_id)
        VALUES ('delete', old.rowid, old.first_name, old.last_name, old.email, old.external_user_id);
        INSERT INTO users_words (users_words, rowid, first_name, last_name, email, external_user_id)
        VALUES ('delete', old.rowid, old.first_name, old.last_name, old.email, old.external_user_id);
        UPDATE roster_totals SET users = users - 1 WHERE environment = old.environment;
    END;
    CREATE TRIGGER users_search_update AFTER UPDATE OF first_name, last_name, email ON users BEGIN
        INSERT INTO users_fts (users_fts, rowid, first_name, last_name, email, external_user_id)
        VALUES ('delete', old.rowid, old.first_name, old.last_name, old.email, old.external_user_id);
        INSERT INTO users_fts (rowid, first_name, last_name, email, external_user_id)
        VALUES (new.rowid, new.first_name, new.last_name, new.email, new.external_user_id);
        INSERT INTO users_words (users_words, rowid, first_name, last_name, email, external_user_id)
        VALUES ('delete', old.rowid, old.first_name, old.last_name, old.email, old.external_user_id);
        INSERT INTO users_words (rowid, first_name, last_name, email, external_user_id)
        VALUES (new.rowid, new.first_name, new.last_name, new.email, new.external_user_id);
    END;
    CREATE INDEX users_by_stage_since ON users (environment, stage, stage_since);
    CREATE INDEX users_by_name ON users (environment, lower(coalesce(last_name, '') || ' ' || coalesce(first_name, '')));
    CREATE INDEX users_by_country ON users (environment, country);
    CREATE INDEX users_by_status ON users (environment, status);
    -- Start-up looks for rows whose stage was never derived: without this, a scan of the roster.
    CREATE INDEX users_without_stage ON users (environment) WHERE stage_since IS NULL;
    "#, // 5: bulk imports as jobs: every row of a file as planned, and its outcome once it has one.
    r#"
    CREATE TABLE import_jobs (
        id          TEXT PRIMARY KEY,
        environment TEXT NOT NULL,
        file_name   TEXT NOT NULL,
        created_by  TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        state       TEXT NOT NULL CHECK (state IN ('running', 'paused', 'cancelled', 'done')),
        per_second  REAL NOT NULL,
        rows        INTEGER NOT NULL,
        created     INTEGER NOT NULL DEFAULT 0,
        tracked     INTEGER NOT NULL DEFAULT 0,
        refused     INTEGER NOT NULL DEFAULT 0,
        failed      INTEGER NOT NULL DEFAULT 0,
        taken_by    TEXT,
        lease_until TEXT
    );
    CREATE INDEX import_jobs_by_environment ON import_jobs (environment, created_at DESC);
    CREATE TABLE import_rows (
        job_id           TEXT NOT NULL REFERENCES import_jobs (id) ON DELETE CASCADE,
        row_no           INTEGER NOT NULL,
        external_user_id TEXT NOT NULL,
        plan_json        TEXT NOT NULL,
        outcome          TEXT CHECK (outcome IN ('created', 'tracked', 'refused', 'failed')),
        fields_json      TEXT,
        message          TEXT,
        PRIMARY KEY (job_id, row_no)
    );
    CREATE INDEX import_rows_pending ON import_rows (job_id, row_no) WHERE outcome IS NULL;
    "#, // 6: operators' notes, tags and assignment (`ledger::notes`). A note is a timeline event;
    // the row keeps the tags and assignee to show and filter, and `remarks` — the tags' and
    // notes' text — which the search indexes now read with the names (rebuilt with it).
    r#"
    ALTER TABLE users ADD COLUMN assignee TEXT;
    ALTER TABLE users ADD COLUMN tags TEXT NOT NULL DEFAULT '';
    ALTER TABLE users ADD COLUMN notes INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE users ADD COLUMN remarks TEXT NOT NULL DEFAULT '';
    CREATE INDEX users_by_assignee ON users (environment, assignee);
    CREATE TABLE tags (
        name   TEXT PRIMARY KEY,
        colour TEXT NOT NULL
    );
    CREATE TABLE user_tags (
        environment      TEXT NOT NULL,
        external_user_id TEXT NOT NULL,
        tag              TEXT NOT NULL REFERENCES tags (name) ON UPDATE CASCADE,
        PRIMARY KEY (environment, external_user_id, tag)
    );
    CREATE INDEX user_tags_by_tag ON user_tags (environment, tag, external_user_id);
    DROP TRIGGER users_search_insert;
    DROP TRIGGER users_search_delete;
    DROP TRIGGER users_search_update;
    DROP TABLE users_fts;
    DROP TABLE users_words;
    CREATE VIRTUAL TABLE users_fts USING fts5(
        first_name, last_name, email, external_user_id, remarks,
        content = 'users', content_rowid = 'rowid', tokenize = 'trigram'
    );
    CREATE VIRTUAL TABLE users_words USING fts5(
        first_name, last_name, email, external_user_id, remarks,
        content = 'users', content_rowid = 'rowid',
        tokenize = 'unicode61 remove_diacritics 0', prefix = '1 2'
    );
    INSERT INTO users_fts (users_fts) VALUES ('rebuild');
    INSERT INTO users_words (users_words) VALUES ('rebuild');
    CREATE TRIGGER users_search_insert AFTER INSERT ON users BEGIN
        INSERT INTO users_fts (rowid, first_name, last_name, email, external_user_id, remarks)
        VALUES (new.rowid, new.first_name, new.last_name, new.email, new.external_user_id, new.remarks);
        INSERT INTO users_words (rowid, first_name, last_name, email, external_user_id, remarks)
        VALUES (new.rowid, new.first_name, new.last_name, new.email, new.external_user_id, new.remarks);
        INSERT INTO roster_totals (environment, users) VALUES (new.environment, 1)
            ON CONFLICT (environment) DO UPDATE SET users = users + 1;
    END;
    CREATE TRIGGER users_search_delete AFTER DELETE ON users BEGIN
        INSERT INTO users_fts (users_fts, rowid, first_name, last_name, email, external_user_id, remarks)
        VALUES ('delete', old.rowid, old.first_name, old.last_name, old.email, old.external_user_id, old.remarks);
        INSERT INTO users_words (users_words, rowid, first_name, last_name, email, external_user_id, remarks)
        VALUES ('delete', old.rowid, old.first_name, old.last_name, old.email, old.external_user_id, old.remarks);
        UPDATE roster_totals SET users = users - 1 WHERE environment = old.environment;
    END;
    CREATE TRIGGER users_search_update AFTER UPDATE OF first_name, last_name, email, remarks ON users BEGIN
        INSERT INTO users_fts (users_fts, rowid, first_name, last_name, email, external_user_id, remarks)
        VALUES ('delete', old.rowid, old.first_name, old.last_name, old.email, old.external_user_id, old.remarks);
        INSERT INTO users_fts (rowid, first_name, last_name, email, external_user_id, remarks)
        VALUES (new.rowid, new.first_name, new.last_name, new.email, new.external_user_id, new.remarks);
        INSERT INTO users_words (users_words, rowid, first_name, last_name, email, external_user_id, remarks)
        VALUES ('delete', old.rowid, old.first_name, old.last_name, old.email, old.external_user_id, old.remarks);
        INSERT INTO users_words (rowid, first_name, last_name, email, external_user_id, remarks)
        VALUES (new.rowid, new.first_name, new.last_name, new.email, new.external_user_id, new.remarks);
    END;
    "#,
];

pub fn run(conn: &mut Connection) -> rusqlite::Result<()> {
    let current: usize =
        conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))? as usize;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}

/// The schema version a fully migrated database reports.
pub const LATEST: i64 = MIGRATIONS.len() as i64;
