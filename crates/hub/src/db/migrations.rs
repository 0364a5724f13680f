//! The hub's schema, migrated in order under an advisory lock so that replicas started together
//! migrate once. Versions are counted in `hub_schema`. Timestamps are RFC 3339 text, as the desk
//! core writes them (sortable, the same strings in SQLite and here).

use super::Db;
use crate::error::{Error, Result};

/// Any number, the same for every replica: the lock that serialises migrations.
const MIGRATION_LOCK: i64 = 0x5044_4855_424d_4947; // "PDHUBMIG"

const MIGRATIONS: &[&str] = &[
    // 1: the desk core's ledger (roster, timeline, stages reached, journal, outbox, settings).
    r#"
    CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE users (
        -- Insertion order: the tie-break of a roster sorted by creation time.
        seq                       BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
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
        poa_required_for_extended BOOLEAN NOT NULL DEFAULT false,
        extended                  BOOLEAN NOT NULL DEFAULT false,
        kyc_method                TEXT,
        verification_id           TEXT,
        verification_status       TEXT,
        attempt_status            TEXT,
        rejection_reason          TEXT,
        poa_status                TEXT,
        created_at                TEXT NOT NULL,
        updated_at                TEXT NOT NULL,
        deleted_at                TEXT,
        stage                     TEXT NOT NULL DEFAULT 'created',
        stage_since               TEXT,
        next_action               TEXT,
        PRIMARY KEY (environment, external_user_id)
    );
    CREATE INDEX users_by_created ON users (environment, created_at DESC, seq DESC);
    CREATE INDEX users_by_stage ON users (environment, stage);
    CREATE TABLE events (
        id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        environment      TEXT NOT NULL,
        external_user_id TEXT NOT NULL,
        at               TEXT NOT NULL,
        kind             TEXT NOT NULL,
        source           TEXT NOT NULL,
        actor            TEXT,
        detail           JSONB NOT NULL DEFAULT '{}'
    );
    CREATE INDEX events_by_user ON events (environment, external_user_id, id);
    CREATE INDEX events_pending_claims ON events (id)
        WHERE kind = 'webhookClaim' AND detail->>'confirmation' = 'pending';
    CREATE TABLE stage_reached (
        environment      TEXT NOT NULL,
        external_user_id TEXT NOT NULL,
        stage            TEXT NOT NULL,
        at               TEXT NOT NULL,
        PRIMARY KEY (environment, external_user_id, stage)
    );
    -- The audit journal: append-only (a trigger refuses UPDATE and DELETE) and hash-chained
    -- (each row's hash covers its fields and the previous row's hash: `journal verify`).
    CREATE TABLE journal (
        id          BIGINT PRIMARY KEY,
        at          TEXT NOT NULL,
        operator    TEXT NOT NULL,
        environment TEXT NOT NULL,
        operation   TEXT NOT NULL,
        target      TEXT,
        outcome     TEXT NOT NULL,
        p100_code   TEXT,
        http_status INTEGER,
        duration_ms BIGINT NOT NULL,
        message     TEXT,
        prev_hash   TEXT NOT NULL,
        hash        TEXT NOT NULL
    );
    CREATE INDEX journal_by_at ON journal (at DESC);
    CREATE INDEX journal_by_operation ON journal (operation, at);
    CREATE FUNCTION journal_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'the journal is append-only';
    END $$;
    CREATE TRIGGER journal_append_only BEFORE UPDATE OR DELETE ON journal
        FOR EACH ROW EXECUTE FUNCTION journal_is_append_only();
    CREATE TRIGGER journal_no_truncate BEFORE TRUNCATE ON journal
        FOR EACH STATEMENT EXECUTE FUNCTION journal_is_append_only();
    CREATE TABLE outbox (
        seq          BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
        id           TEXT PRIMARY KEY,
        environment  TEXT NOT NULL,
        operation    TEXT NOT NULL,
        target       TEXT NOT NULL,
        payload_json TEXT NOT NULL,
        state        TEXT NOT NULL CHECK (state IN ('pending', 'done', 'failed', 'unknown')),
        attempts     BIGINT NOT NULL DEFAULT 0,
        created_at   TEXT NOT NULL,
        updated_at   TEXT NOT NULL,
        last_error   TEXT
    );
    CREATE INDEX outbox_open ON outbox (seq) WHERE state IN ('pending', 'unknown');
    -- Webhook claims waiting to be confirmed with P100: one job per claim, queued by the same
    -- transaction that records the claim (a trigger), taken by any replica's worker with
    -- FOR UPDATE SKIP LOCKED; `due` is both the retry time and the lease of the taker.
    CREATE TABLE claim_jobs (
        claim_id BIGINT PRIMARY KEY REFERENCES events (id) ON DELETE CASCADE,
        due      TIMESTAMPTZ NOT NULL DEFAULT now(),
        attempts INTEGER NOT NULL DEFAULT 0,
        taken_by TEXT
    );
    CREATE INDEX claim_jobs_due ON claim_jobs (due);
    CREATE FUNCTION queue_claim() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO claim_jobs (claim_id) VALUES (NEW.id);
        PERFORM pg_notify('partner_desk_claims', NEW.id::text);
        RETURN NEW;
    END $$;
    CREATE TRIGGER events_queue_claims AFTER INSERT ON events
        FOR EACH ROW WHEN (NEW.kind = 'webhookClaim') EXECUTE FUNCTION queue_claim();
    -- Live updates: every change to a user's row or timeline, in any replica, is announced to
    -- every replica (which tell their desktops) when its transaction commits. The payload names
    -- the user only; listeners read the row.
    CREATE FUNCTION announce_user() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM pg_notify('partner_desk_users',
            json_build_object('environment', NEW.environment, 'externalUserId', NEW.external_user_id)::text);
        RETURN NEW;
    END $$;
    CREATE TRIGGER users_announce AFTER INSERT OR UPDATE ON users
        FOR EACH ROW EXECUTE FUNCTION announce_user();
    CREATE TRIGGER events_announce AFTER INSERT OR UPDATE ON events
        FOR EACH ROW EXECUTE FUNCTION announce_user();
    -- The team: tokens are stored only as argon2id hashes, found by their public id.
    CREATE TABLE operators (
        name       TEXT PRIMARY KEY,
        role       TEXT NOT NULL CHECK (role IN ('operator', 'supervisor', 'auditor')),
        token_id   TEXT NOT NULL UNIQUE,
        token_hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        revoked_at TEXT
    );
    "#,
    // 2: polling of reviews as queued work. Which users are under review is one SQL function,
    // used by the ledger's `under_review` and by the trigger that keeps one poll row per user
    // under review (added when a user enters review, removed when they leave). Workers on any
    // replica take due rows with FOR UPDATE SKIP LOCKED, leased by moving `due` ahead.
    r#"
    CREATE FUNCTION under_review(u users) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
        SELECT u.deleted_at IS NULL AND (
            u.stage IN ('verificationSubmitted', 'proofOfAddress')
            OR (u.stage = 'identityDocuments' AND u.kyc_method = 'hosted'
                AND coalesce(u.attempt_status, '') NOT IN ('SUCCESSFUL', 'REJECTED_BY_PROVIDER')))
    $$;
    CREATE TABLE review_polls (
        environment      TEXT NOT NULL,
        external_user_id TEXT NOT NULL,
        due              TIMESTAMPTZ NOT NULL DEFAULT now(),
        -- The wait before the last poll's successor, without its jitter (the backoff's state).
        interval_secs    DOUBLE PRECISION,
        taken_by         TEXT,
        PRIMARY KEY (environment, external_user_id),
        FOREIGN KEY (environment, external_user_id) REFERENCES users ON DELETE CASCADE
    );
    CREATE INDEX review_polls_due ON review_polls (environment, due);
    CREATE FUNCTION schedule_review_poll() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF under_review(NEW) THEN
            INSERT INTO review_polls (environment, external_user_id)
                VALUES (NEW.environment, NEW.external_user_id) ON CONFLICT DO NOTHING;
        ELSE
            DELETE FROM review_polls
                WHERE environment = NEW.environment AND external_user_id = NEW.external_user_id;
        END IF;
        RETURN NEW;
    END $$;
    CREATE TRIGGER users_schedule_review_polls AFTER INSERT OR UPDATE ON users
        FOR EACH ROW EXECUTE FUNCTION schedule_review_poll();
    INSERT INTO review_polls (environment, external_user_id)
        SELECT environment, external_user_id FROM users u WHERE under_review(u);
    "#, // 3: the roster queried in the store, a page at a time: a trigram index over the text the
    // search reads (the same expression as `desk::ledger::roster_query::SEARCH_TEXT`, which the
    // queries must repeat exactly to use it), and indexes for the board's columns and the sorts.
    r#"
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
    CREATE INDEX users_search ON users USING gin ((lower(coalesce(first_name, '') || ' ' || coalesce(last_name, '') || ' ' || coalesce(email, '') || ' ' || external_user_id)) gin_trgm_ops);
    CREATE INDEX users_by_stage_since ON users (environment, stage, stage_since);
    CREATE INDEX users_by_name ON users (environment, (lower(coalesce(last_name, '') || ' ' || coalesce(first_name, ''))));
    CREATE INDEX users_by_country ON users (environment, country);
    CREATE INDEX users_by_status ON users (environment, status);
    -- Start-up looks for rows whose stage was never derived: without this, a scan of the roster.
    CREATE INDEX users_without_stage ON users (environment) WHERE stage_since IS NULL;
    "#, // 4: bulk imports as jobs, which any replica's import worker may take (by a lease).
    r#"
    CREATE TABLE import_jobs (
        id          TEXT PRIMARY KEY,
        environment TEXT NOT NULL,
        file_name   TEXT NOT NULL,
        created_by  TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        state       TEXT NOT NULL CHECK (state IN ('running', 'paused', 'cancelled', 'done')),
        per_second  DOUBLE PRECISION NOT NULL,
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
    "#, // 5: operators' notes, tags and assignment (`desk::ledger::notes`). A note is a timeline
    // event; the row keeps the tags and assignee to show and filter by, and `remarks` — the
    // tags' and notes' text — which the search's trigram index now reads with the names (the
    // same expression as `SEARCH_TEXT` again).
    r#"
    ALTER TABLE users ADD COLUMN assignee TEXT,
                      ADD COLUMN tags TEXT NOT NULL DEFAULT '',
                      ADD COLUMN notes INTEGER NOT NULL DEFAULT 0,
                      ADD COLUMN remarks TEXT NOT NULL DEFAULT '';
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
    DROP INDEX users_search;
    CREATE INDEX users_search ON users USING gin ((lower(coalesce(first_name, '') || ' ' || coalesce(last_name, '') || ' ' || coalesce(email, '') || ' ' || external_user_id || ' ' || remarks)) gin_trgm_ops);
    "#,
];

/// The schema version a fully migrated database reports.
pub const LATEST: i64 = MIGRATIONS.len() as i64;

/// Brings the database to [`LATEST`]; returns the versions it applied (none when current).
pub fn migrate(db: &Db) -> Result<Vec<i64>> {
    let mut conn = db.get()?;
    let mut tx = conn.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS hub_schema (version BIGINT NOT NULL)")?;
    let found = current(&mut tx)?;
    if found > LATEST {
        return Err(Error::NewerDatabase {
            found,
            known: LATEST,
        });
    }
    let mut applied = Vec::new();
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        tx.batch_execute(sql)?;
        applied.push(i as i64 + 1);
    }
    tx.execute("DELETE FROM hub_schema", &[])?;
    tx.execute("INSERT INTO hub_schema (version) VALUES ($1)", &[&LATEST])?;
    tx.commit()?;
    Ok(applied)
}

/// The version the database is at (0 before the first migration).
pub fn schema_version(db: &Db) -> Result<i64> {
    let mut conn = db.get()?;
    let mut tx = conn.transaction()?;
    let exists: bool = tx
        .query_one("SELECT to_regclass('hub_schema') IS NOT NULL", &[])?
        .get(0);
    if !exists {
        return Ok(0);
    }
    current(&mut tx)
}

/// Refuses a database this hub cannot run on: not migrated yet, or migrated by a newer hub.
pub fn check(db: &Db) -> Result<()> {
    match schema_version(db)? {
        LATEST => Ok(()),
        found if found > LATEST => Err(Error::NewerDatabase {
            found,
            known: LATEST,
        }),
        found => Err(Error::NotMigrated {
            found,
            needed: LATEST,
        }),
    }
}

fn current(tx: &mut postgres::Transaction<'_>) -> Result<i64> {
    Ok(tx
        .query_opt("SELECT version FROM hub_schema", &[])?
        .map_or(0, |r| r.get(0)))
}
