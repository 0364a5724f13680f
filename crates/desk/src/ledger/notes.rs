//! What operators write on a user, for each other: free-text notes, coloured tags and who the
//! user is assigned to. None of it goes to P100. Each change is a timeline event (a note is one:
//! its actor and time are the note's author and time) and a journal line, and is kept on the
//! roster row — the tags and the assignee to show and filter by, and the notes' and tags' text
//! to search (`remarks`) — in the same transaction, whichever ledger keeps it.

use super::Tx;
use super::journal::NewJournalEntry;
use super::roster::UserRecord;
use crate::environment::EnvironmentKind;
use crate::error::{Error, Result};
use crate::timeline::{Event, EventSource};
use p100::FieldError;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Longest note: a paragraph or two, not a document.
pub const MAX_NOTE: usize = 2000;
/// Longest tag name: a chip, not a sentence.
pub const MAX_TAG: usize = 32;
/// Tags one user may carry.
pub const MAX_USER_TAGS: usize = 12;
/// Tags the team may define.
pub const MAX_TAGS: usize = 200;

/// A tag's colour: a few named ones, drawn from the app's palette in both themes (a free colour
/// would not stay readable in both).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum TagColour {
    Grey,
    Red,
    Orange,
    Yellow,
    Green,
    Teal,
    Blue,
    Purple,
}

impl TagColour {
    pub const ALL: [TagColour; 8] = [
        Self::Grey,
        Self::Red,
        Self::Orange,
        Self::Yellow,
        Self::Green,
        Self::Teal,
        Self::Blue,
        Self::Purple,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Grey => "grey",
            Self::Red => "red",
            Self::Orange => "orange",
            Self::Yellow => "yellow",
            Self::Green => "green",
            Self::Teal => "teal",
            Self::Blue => "blue",
            Self::Purple => "purple",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// A tag the team defined: its name (as users carry it) and colour.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Tag {
    pub name: String,
    pub colour: TagColour,
}

/// The primitives of notes, tags and assignment.
pub trait NotesTx {
    /// Every tag defined, by name.
    fn tags(&self) -> Result<Vec<Tag>>;
    /// Defines a tag, or changes its colour.
    fn save_tag(&self, tag: &Tag) -> Result<()>;
    /// Sets the user's tags to exactly `tags` (sorted, defined), and the row's search text and
    /// note count.
    fn set_user_tags(
        &self,
        env: EnvironmentKind,
        external_user_id: &str,
        tags: &[String],
    ) -> Result<()>;
    /// Keeps what the roster searches besides names — the tags and every note — and the count
    /// of notes, on the user's row.
    fn set_remarks(
        &self,
        env: EnvironmentKind,
        external_user_id: &str,
        remarks: &str,
        notes: u32,
    ) -> Result<()>;
    fn set_assignee(
        &self,
        env: EnvironmentKind,
        external_user_id: &str,
        assignee: Option<&str>,
    ) -> Result<()>;
    /// The operators a user may be assigned to: the team's (not revoked), or in solo mode the
    /// one at the desk.
    fn operators(&self) -> Result<Vec<String>>;
}

/// A user's tags as the roster row keeps them: one per line.
pub fn tag_list(stored: &str) -> Vec<String> {
    stored.lines().map(str::to_owned).collect()
}

fn invalid(field: &str, message: impl Into<String>) -> Error {
    Error::Invalid(vec![FieldError::new(field, message)])
}

/// A tag name as kept: trimmed, inner runs of spaces as one; refused at `field` when empty,
/// too long or holding anything but letters, digits, spaces, `-` and `_`.
pub fn tag_name(raw: &str, field: &str) -> Result<String> {
    let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err(invalid(field, "a tag needs a name"));
    }
    if name.chars().count() > MAX_TAG {
        return Err(invalid(
            field,
            format!("a tag's name is at most {MAX_TAG} characters"),
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_alphanumeric() || matches!(c, ' ' | '-' | '_')))
    {
        return Err(invalid(
            field,
            format!("a tag's name holds letters, digits, spaces, - and _ (not {c:?})"),
        ));
    }
    Ok(name)
}

impl dyn Tx + '_ {
    /// Defines a tag or recolours it; every tag, by name.
    pub fn define_tag(&self, name: &str, colour: TagColour) -> Result<Vec<Tag>> {
        let name = tag_name(name, "name")?;
        let tags = self.tags()?;
        // The same name in another case is the same tag: one "VIP", not "VIP" and "vip".
        let name = tags
            .iter()
            .find(|t| t.name.to_lowercase() == name.to_lowercase())
            .map_or(name, |t| t.name.clone());
        if tags.len() >= MAX_TAGS && !tags.iter().any(|t| t.name == name) {
            return Err(invalid(
                "name",
                format!("the team has {MAX_TAGS} tags, the most it may define"),
            ));
        }
        self.save_tag(&Tag { name, colour })?;
        self.tags()
    }

    /// Adds an operator's note to a user; the user as it is now.
    pub fn add_note(
        &self,
        env: EnvironmentKind,
        external_user_id: &str,
        text: &str,
    ) -> Result<UserRecord> {
        let text = text.trim();
        if text.is_empty() {
            return Err(invalid("text", "write the note first"));
        }
        if text.chars().count() > MAX_NOTE {
            return Err(invalid(
                "text",
                format!("a note is at most {MAX_NOTE} characters"),
            ));
        }
        self.writable_user(env, external_user_id)?;
        let event = Event::Noted { text: text.into() };
        self.record(env, external_user_id, &event, "addNote")
    }

    /// Sets the user's tags to `wanted` (each defined); a `tagged` or `untagged` event for each
    /// change. The user as it is now.
    pub fn retag(
        &self,
        env: EnvironmentKind,
        external_user_id: &str,
        wanted: &[String],
    ) -> Result<UserRecord> {
        let defined = self.tags()?;
        let mut tags = Vec::new();
        for raw in wanted {
            let name = tag_name(raw, "tags")?;
            let Some(tag) = defined
                .iter()
                .find(|t| t.name.to_lowercase() == name.to_lowercase())
            else {
                return Err(invalid(
                    "tags",
                    format!("there is no tag {name:?}: define it first"),
                ));
            };
            if !tags.contains(&tag.name) {
                tags.push(tag.name.clone());
            }
        }
        if tags.len() > MAX_USER_TAGS {
            return Err(invalid(
                "tags",
                format!("a user carries at most {MAX_USER_TAGS} tags"),
            ));
        }
        tags.sort();
        let user = self.writable_user(env, external_user_id)?;
        let mut changes: Vec<Event> = tags
            .iter()
            .filter(|t| !user.tags.contains(t))
            .map(|t| Event::Tagged { tag: t.clone() })
            .collect();
        changes.extend(
            user.tags
                .iter()
                .filter(|t| !tags.contains(t))
                .map(|t| Event::Untagged { tag: t.clone() }),
        );
        if changes.is_empty() {
            return Ok(user);
        }
        self.set_user_tags(env, external_user_id, &tags)?;
        let mut now = user;
        for event in &changes {
            let operation = match event {
                Event::Tagged { .. } => "tagUser",
                _ => "untagUser",
            };
            now = self.record(env, external_user_id, event, operation)?;
        }
        Ok(now)
    }

    /// Assigns the user to one of the team's operators, or to nobody; the user as it is now.
    pub fn assign(
        &self,
        env: EnvironmentKind,
        external_user_id: &str,
        operator: Option<&str>,
    ) -> Result<UserRecord> {
        if let Some(name) = operator
            && !self.operators()?.iter().any(|o| o == name)
        {
            return Err(invalid(
                "operator",
                format!("{name:?} is not an operator of this team"),
            ));
        }
        let user = self.writable_user(env, external_user_id)?;
        if user.assignee.as_deref() == operator {
            return Ok(user);
        }
        self.set_assignee(env, external_user_id, operator)?;
        let event = Event::Assigned {
            to: operator.map(str::to_owned),
        };
        self.record(env, external_user_id, &event, "assignUser")
    }

    /// A user of the roster that may still be written on: not deleted.
    fn writable_user(&self, env: EnvironmentKind, external_user_id: &str) -> Result<UserRecord> {
        let user = self
            .user(env, external_user_id)?
            .ok_or_else(|| invalid("externalUserId", "this user is not in the roster"))?;
        if user.deleted_at.is_some() {
            return Err(invalid("externalUserId", "this user was deleted"));
        }
        Ok(user)
    }

    /// The event on the timeline, a journal line, and the row's search text and note count
    /// kept from the timeline; the user as it is now.
    fn record(
        &self,
        env: EnvironmentKind,
        external_user_id: &str,
        event: &Event,
        operation: &str,
    ) -> Result<UserRecord> {
        self.add_event(env, external_user_id, EventSource::Operator, event)?;
        self.journal(&NewJournalEntry {
            operator: self.actor(),
            environment: env,
            operation,
            target: Some(external_user_id),
            outcome: "ok",
            p100_code: None,
            http_status: None,
            duration_ms: 0,
            message: None,
        })?;
        let user = self
            .user(env, external_user_id)?
            .ok_or_else(|| Error::Internal(format!("{external_user_id} is not in the roster")))?;
        let notes: Vec<String> = self
            .events(env, external_user_id)?
            .into_iter()
            .filter_map(|e| match e.event {
                Event::Noted { text } => Some(text),
                _ => None,
            })
            .collect();
        let remarks = user
            .tags
            .iter()
            .chain(&notes)
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join("\n");
        self.set_remarks(env, external_user_id, &remarks, notes.len() as u32)?;
        self.apply_to_user(env, external_user_id, &super::roster::RosterChange::Touch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_names_are_tidied_and_refused_at_their_field() {
        assert_eq!(tag_name("  needs   call ", "name").unwrap(), "needs call");
        assert_eq!(tag_name("vip-2_b", "name").unwrap(), "vip-2_b");
        for bad in ["", "   ", "a;b", &"x".repeat(MAX_TAG + 1)] {
            let Err(Error::Invalid(e)) = tag_name(bad, "tags") else {
                panic!("{bad:?} refused")
            };
            assert_eq!(e[0].field, "tags");
        }
        for c in TagColour::ALL {
            assert_eq!(TagColour::parse(c.as_str()), Some(c));
        }
    }
}
