//! Settings in PostgreSQL.

use super::{PgTx, db};
use desk::Result;
use desk::ledger::settings::SettingsTx;

impl SettingsTx for PgTx<'_> {
    fn setting(&self, key: &str) -> Result<Option<String>> {
        let row = self
            .pg()
            .query_opt("SELECT value FROM settings WHERE key = $1", &[&key])
            .map_err(db)?;
        Ok(row.map(|r| r.get(0)))
    }

    fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.pg()
            .execute(
                "INSERT INTO settings (key, value) VALUES ($1, $2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                &[&key, &value],
            )
            .map_err(db)?;
        Ok(())
    }
}
