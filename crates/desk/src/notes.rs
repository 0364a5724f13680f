//! Notes, tags and assignment as the operations offer them: on the selected environment's
//! users, written in one unit of work (`ledger::notes`), and announced to whoever follows the
//! roster, as P100's changes are.

use crate::desk::Desk;
use crate::environment::EnvironmentKind;
use crate::error::Result;
use crate::ledger::Tx;
use crate::ledger::notes::{Tag, TagColour};
use crate::ledger::roster::UserRecord;

impl Desk {
    /// Every tag defined, by name.
    pub async fn tags(&self) -> Result<Vec<Tag>> {
        self.db(|s| s.tags()).await
    }

    /// Defines a tag or recolours it; every tag.
    pub async fn save_tag(&self, name: String, colour: TagColour) -> Result<Vec<Tag>> {
        self.db(move |s| s.define_tag(&name, colour)).await
    }

    /// Who users may be assigned to.
    pub async fn operators(&self) -> Result<Vec<String>> {
        self.db(|s| s.operators()).await
    }

    pub async fn add_note(&self, ext: String, text: String) -> Result<UserRecord> {
        self.write_on_user(move |s, env| s.add_note(env, &ext, &text))
            .await
    }

    pub async fn set_tags(&self, ext: String, tags: Vec<String>) -> Result<UserRecord> {
        self.write_on_user(move |s, env| s.retag(env, &ext, &tags))
            .await
    }

    pub async fn assign(&self, ext: String, operator: Option<String>) -> Result<UserRecord> {
        self.write_on_user(move |s, env| s.assign(env, &ext, operator.as_deref()))
            .await
    }

    /// Runs one change on a user of the selected environment and announces the user as it is
    /// now (the window, and in team mode the hub's stream, follow it).
    async fn write_on_user(
        &self,
        change: impl FnOnce(&dyn Tx, EnvironmentKind) -> Result<UserRecord> + Send + 'static,
    ) -> Result<UserRecord> {
        let user = self.db_current(change).await?;
        self.announce(user.clone());
        Ok(user)
    }
}
