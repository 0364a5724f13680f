//! Notes, tags and assignment in PostgreSQL.

use super::{PgTx, db, word};
use desk::EnvironmentKind;
use desk::Result;
use desk::ledger::notes::{NotesTx, Tag};

impl NotesTx for PgTx<'_> {
    fn tags(&self) -> Result<Vec<Tag>> {
        self.pg()
            .query(
                "SELECT name, colour FROM tags ORDER BY lower(name), name",
                &[],
            )
            .map_err(db)?
            .into_iter()
            .map(|r| {
                Ok(Tag {
                    name: r.get(0),
                    colour: word(r.get(1), "tag colour")?,
                })
            })
            .collect()
    }

    fn save_tag(&self, tag: &Tag) -> Result<()> {
        self.pg()
            .execute(
                "INSERT INTO tags (name, colour) VALUES ($1, $2)
                 ON CONFLICT (name) DO UPDATE SET colour = excluded.colour",
                &[&tag.name, &tag.colour.as_str()],
            )
            .map_err(db)?;
        Ok(())
    }

    fn set_user_tags(
        &self,
        env: EnvironmentKind,
        external_user_id: &str,
        tags: &[String],
    ) -> Result<()> {
        let mut pg = self.pg();
        pg.execute(
            "DELETE FROM user_tags WHERE environment = $1 AND external_user_id = $2",
            &[&env.as_str(), &external_user_id],
        )
        .map_err(db)?;
        pg.execute(
            "INSERT INTO user_tags (environment, external_user_id, tag)
             SELECT $1, $2, unnest($3::text[])",
            &[&env.as_str(), &external_user_id, &tags],
        )
        .map_err(db)?;
        pg.execute(
            "UPDATE users SET tags = $3 WHERE environment = $1 AND external_user_id = $2",
            &[&env.as_str(), &external_user_id, &tags.join("\n")],
        )
        .map_err(db)?;
        Ok(())
    }

    fn set_remarks(
        &self,
        env: EnvironmentKind,
        external_user_id: &str,
        remarks: &str,
        notes: u32,
    ) -> Result<()> {
        let notes = i32::try_from(notes).unwrap_or(i32::MAX);
        self.pg()
            .execute(
                "UPDATE users SET remarks = $3, notes = $4 WHERE environment = $1 AND external_user_id = $2",
                &[&env.as_str(), &external_user_id, &remarks, &notes],
            )
            .map_err(db)?;
        Ok(())
    }

    fn set_assignee(
        &self,
        env: EnvironmentKind,
        external_user_id: &str,
        assignee: Option<&str>,
    ) -> Result<()> {
        self.pg()
            .execute(
                "UPDATE users SET assignee = $3 WHERE environment = $1 AND external_user_id = $2",
                &[&env.as_str(), &external_user_id, &assignee],
            )
            .map_err(db)?;
        Ok(())
    }

    fn operators(&self) -> Result<Vec<String>> {
        Ok(self
            .pg()
            .query(
                "SELECT name FROM operators WHERE revoked_at IS NULL ORDER BY name",
                &[],
            )
            .map_err(db)?
            .into_iter()
            .map(|r| r.get(0))
            .collect())
    }
}
