//! Bulk import jobs in PostgreSQL: any replica's import worker takes a running job by a lease
//! (`FOR UPDATE SKIP LOCKED`), so a job outlives the desktop that started it and the replica
//! that ran it.

use super::{PgTx, db, word};
use desk::EnvironmentKind;
use desk::Result;
use desk::ledger::imports::{
    ImportJob, ImportState, ImportsTx, NewImportJob, RowResult, StoredImportRow,
};

const JOB_COLUMNS: &str = "id, environment, file_name, created_by, created_at, updated_at, state, \
                           per_second, rows, created, tracked, refused, failed";

/// A count as the jobs give it.
fn count(r: &postgres::Row, col: usize) -> u32 {
    u32::try_from(r.get::<_, i32>(col)).unwrap_or(0)
}

fn job_from_row(r: &postgres::Row) -> Result<ImportJob> {
    Ok(ImportJob {
        id: r.get(0),
        environment: word(r.get(1), "environment")?,
        file_name: r.get(2),
        created_by: r.get(3),
        created_at: r.get(4),
        updated_at: r.get(5),
        state: word(r.get(6), "import state")?,
        per_second: r.get(7),
        rows: count(r, 8),
        created: count(r, 9),
        tracked: count(r, 10),
        refused: count(r, 11),
        failed: count(r, 12),
    })
}

/// A row number as stored (at most the reader's 200,000 rows).
fn row_no(row: u32) -> i32 {
    i32::try_from(row).unwrap_or(i32::MAX)
}

impl ImportsTx for PgTx<'_> {
    fn insert_import_job(&self, job: &NewImportJob<'_>, rows: &[StoredImportRow]) -> Result<()> {
        let mut pg = self.pg();
        let at = desk::ledger::now();
        let total = i32::try_from(rows.len()).unwrap_or(i32::MAX);
        pg.execute(
            "INSERT INTO import_jobs (id, environment, file_name, created_by, created_at, updated_at,
                                      state, per_second, rows)
             VALUES ($1, $2, $3, $4, $5, $5, 'running', $6, $7)",
            &[
                &job.id,
                &job.environment.as_str(),
                &job.file_name,
                &job.created_by,
                &at,
                &job.per_second,
                &total,
            ],
        )
        .map_err(db)?;
        // One statement for the whole file: its columns as arrays, unnested.
        let numbers: Vec<i32> = rows.iter().map(|r| row_no(r.row)).collect();
        let ids: Vec<&str> = rows.iter().map(|r| r.external_user_id.as_str()).collect();
        let plans: Vec<&str> = rows.iter().map(|r| r.plan_json.as_str()).collect();
        pg.execute(
            "INSERT INTO import_rows (job_id, row_no, external_user_id, plan_json)
             SELECT $1, * FROM unnest($2::integer[], $3::text[], $4::text[])",
            &[&job.id, &numbers, &ids, &plans],
        )
        .map_err(db)?;
        Ok(())
    }

    fn import_job(&self, id: &str) -> Result<Option<ImportJob>> {
        self.pg()
            .query_opt(
                &format!("SELECT {JOB_COLUMNS} FROM import_jobs WHERE id = $1"),
                &[&id],
            )
            .map_err(db)?
            .as_ref()
            .map(job_from_row)
            .transpose()
    }

    fn import_jobs(&self, env: EnvironmentKind, limit: u32) -> Result<Vec<ImportJob>> {
        self.pg()
            .query(
                &format!(
                    "SELECT {JOB_COLUMNS} FROM import_jobs WHERE environment = $1
                     ORDER BY created_at DESC, id LIMIT $2"
                ),
                &[&env.as_str(), &i64::from(limit)],
            )
            .map_err(db)?
            .iter()
            .map(job_from_row)
            .collect()
    }

    fn set_import_state(&self, id: &str, state: ImportState, at: &str) -> Result<()> {
        self.pg()
            .execute(
                "UPDATE import_jobs SET state = $2, updated_at = $3,
                     taken_by = CASE WHEN $2 = 'running' THEN taken_by END,
                     lease_until = CASE WHEN $2 = 'running' THEN lease_until END
                 WHERE id = $1",
                &[&id, &state.as_str(), &at],
            )
            .map_err(db)?;
        Ok(())
    }

    fn take_import_job(
        &self,
        env: EnvironmentKind,
        worker: &str,
        now: &str,
        until: &str,
    ) -> Result<Option<String>> {
        Ok(self
            .pg()
            .query_opt(
                "UPDATE import_jobs SET taken_by = $2, lease_until = $4
                 WHERE id = (SELECT id FROM import_jobs
                             WHERE environment = $1 AND state = 'running'
                               AND (lease_until IS NULL OR lease_until < $3 OR taken_by = $2)
                             ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
                 RETURNING id",
                &[&env.as_str(), &worker, &now, &until],
            )
            .map_err(db)?
            .map(|r| r.get(0)))
    }

    fn renew_import_lease(&self, id: &str, worker: &str, until: &str) -> Result<bool> {
        Ok(self
            .pg()
            .execute(
                "UPDATE import_jobs SET lease_until = $3 WHERE id = $1 AND taken_by = $2",
                &[&id, &worker, &until],
            )
            .map_err(db)?
            == 1)
    }

    fn pending_import_rows(&self, id: &str, limit: u32) -> Result<Vec<StoredImportRow>> {
        Ok(self
            .pg()
            .query(
                "SELECT row_no, external_user_id, plan_json FROM import_rows
                 WHERE job_id = $1 AND outcome IS NULL ORDER BY row_no LIMIT $2",
                &[&id, &i64::from(limit)],
            )
            .map_err(db)?
            .into_iter()
            .map(|r| StoredImportRow {
                row: u32::try_from(r.get::<_, i32>(0)).unwrap_or(0),
                external_user_id: r.get(1),
                plan_json: r.get(2),
            })
            .collect())
    }

    fn record_import_row(&self, id: &str, result: &RowResult, at: &str) -> Result<()> {
        let fields = serde_json::to_string(&result.fields)
            .map_err(|e| desk::Error::Internal(e.to_string()))?;
        let mut pg = self.pg();
        let changed = pg
            .execute(
                "UPDATE import_rows SET outcome = $3, fields_json = $4, message = $5
                 WHERE job_id = $1 AND row_no = $2 AND outcome IS NULL",
                &[
                    &id,
                    &row_no(result.row),
                    &result.outcome.as_str(),
                    &fields,
                    &result.message,
                ],
            )
            .map_err(db)?;
        if changed == 1 {
            // Each outcome has its counter, named as the outcome: a fixed word, never input.
            let column = result.outcome.as_str();
            pg.execute(
                &format!(
                    "UPDATE import_jobs SET {column} = {column} + 1, updated_at = $2 WHERE id = $1"
                ),
                &[&id, &at],
            )
            .map_err(db)?;
        }
        Ok(())
    }

    fn import_results(&self, id: &str) -> Result<Vec<RowResult>> {
        self.pg()
            .query(
                "SELECT row_no, external_user_id, outcome, fields_json, message FROM import_rows
                 WHERE job_id = $1 AND outcome IS NOT NULL ORDER BY row_no",
                &[&id],
            )
            .map_err(db)?
            .into_iter()
            .map(|r| {
                let fields: Option<String> = r.get(3);
                Ok(RowResult {
                    row: u32::try_from(r.get::<_, i32>(0)).unwrap_or(0),
                    external_user_id: r.get(1),
                    outcome: word(r.get(2), "import outcome")?,
                    fields: match fields {
                        None => Vec::new(),
                        Some(f) => {
                            serde_json::from_str(&f).map_err(|e| desk::Error::Unreadable {
                                what: "an import row's refused fields",
                                value: e.to_string(),
                            })?
                        }
                    },
                    message: r.get(4),
                })
            })
            .collect()
    }
}
