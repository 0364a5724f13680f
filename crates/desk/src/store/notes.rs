//! Notes, tags and assignment in SQLite.

use super::{SqliteTx, word};
use crate::environment::EnvironmentKind;
use crate::error::Result;
use crate::ledger::notes::{NotesTx, Tag};
use rusqlite::params;

impl NotesTx for SqliteTx<'_> {
    fn tags(&self) -> Result<Vec<Tag>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT name, colour FROM tags ORDER BY lower(name), name")?;
        let tags = stmt
            .query_map([], |r| {
                Ok(Tag {
                    name: r.get(0)?,
                    colour: word(r, 1, "tag colour")?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(tags)
    }

    fn save_tag(&self, tag: &Tag) -> Result<()> {
        self.conn.execute(
            "INSERT INTO tags (name, colour) VALUES (?1, ?2)
             ON CONFLICT (name) DO UPDATE SET colour = excluded.colour",
            params![tag.name, tag.colour.as_str()],
        )?;
        Ok(())
    }

    fn set_user_tags(
        &self,
        env: EnvironmentKind,
        external_user_id: &str,
        tags: &[String],
    ) -> Result<()> {
        self.conn.execute(
            "DELETE FROM user_tags WHERE environment = ?1 AND external_user_id = ?2",
            params![env.as_str(), external_user_id],
        )?;
        let mut insert = self.conn.prepare_cached(
            "INSERT INTO user_tags (environment, external_user_id, tag) VALUES (?1, ?2, ?3)",
        )?;
        for tag in tags {
            insert.execute(params![env.as_str(), external_user_id, tag])?;
        }
        self.conn.execute(
            "UPDATE users SET tags = ?3 WHERE environment = ?1 AND external_user_id = ?2",
            params![env.as_str(), external_user_id, tags.join("\n")],
        )?;
        Ok(())
    }

    fn set_remarks(
        &self,
        env: EnvironmentKind,
        external_user_id: &str,
        remarks: &str,
        notes: u32,
    ) -> Result<()> {
        self.conn.execute(
            "UPDATE users SET remarks = ?3, notes = ?4 WHERE environment = ?1 AND external_user_id = ?2",
            params![env.as_str(), external_user_id, remarks, notes],
        )?;
        Ok(())
    }

    fn set_assignee(
        &self,
        env: EnvironmentKind,
        external_user_id: &str,
        assignee: Option<&str>,
    ) -> Result<()> {
        self.conn.execute(
            "UPDATE users SET assignee = ?3 WHERE environment = ?1 AND external_user_id = ?2",
            params![env.as_str(), external_user_id, assignee],
        )?;
        Ok(())
    }

    fn operators(&self) -> Result<Vec<String>> {
        // Solo mode: the one operator is whoever is at this desk.
        Ok(vec![self.actor.to_owned()])
    }
}
