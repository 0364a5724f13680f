//! Asking the roster for one page: the search, filters and sort of the roster screen, and the
//! board's columns, answered by the store (SQLite's FTS5, PostgreSQL's trigram index), so that a
//! 100,000-user roster is never shipped whole to the webview and start-up does not grow with it.
//!
//! The vocabulary and the parts of the SQL both stores share are here; each store adds its own
//! search clause and placeholders.

use super::notes::MAX_TAG;
use super::roster::UserRecord;
use crate::error::{Error, Result};
use crate::onboarding::Stage;
use p100::FieldError;
use p100::models::UserStatus;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Rows one page may hold: a screen and its overscan, many times over.
pub const MAX_PAGE: u32 = 500;
/// Longest search text: a name, an e-mail or an id with room to spare.
const MAX_SEARCH: usize = 200;
/// Words of a search that count; more narrow nothing a person types.
const MAX_TERMS: usize = 8;
/// Cards each board column shows; the rest are a click away in the roster.
pub const BOARD_CARDS: u32 = 25;

/// The column the roster is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum RosterSort {
    #[default]
    Created,
    Name,
    Country,
    Status,
    Stage,
    /// When the user entered their stage: the board's order, longest waiting first.
    Waiting,
}

/// Whose users: the roster's and the board's assignment filter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum AssigneeFilter {
    /// Assigned to the operator asking ("mine").
    Me,
    /// Assigned to nobody.
    Nobody,
    /// Assigned to this operator.
    Operator(String),
}

/// What the board is narrowed to: a tag and whose users.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BoardFilter {
    #[serde(default)]
    #[ts(optional)]
    pub tag: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub assignee: Option<AssigneeFilter>,
}

/// What the roster screen asks: a search over names, e-mail, external user id, tags and notes
/// (every word must appear, case-insensitively), filters, a sort, and the slice of matching rows
/// to answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RosterQuery {
    pub search: String,
    pub stage: Option<Stage>,
    pub status: Option<UserStatus>,
    pub country: Option<String>,
    /// Users carrying this tag.
    #[serde(default)]
    #[ts(optional)]
    pub tag: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub assignee: Option<AssigneeFilter>,
    pub sort: RosterSort,
    pub descending: bool,
    /// The first matching row to answer, counted from 0 in the sort's order.
    pub offset: u32,
    /// Rows to answer, 1 to 500.
    pub limit: u32,
}

impl Default for RosterQuery {
    /// Every user, newest first: the roster's first screen.
    fn default() -> Self {
        RosterQuery {
            search: String::new(),
            stage: None,
            status: None,
            country: None,
            tag: None,
            assignee: None,
            sort: RosterSort::Created,
            descending: true,
            offset: 0,
            limit: 100,
        }
    }
}

/// One page of the roster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RosterPage {
    /// Users in the environment, tombstones included.
    pub total: u32,
    /// Users the search and filters match.
    pub matching: u32,
    pub offset: u32,
    pub rows: Vec<UserRecord>,
}

/// One board column: how many users are in the stage, and those waiting longest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BoardColumn {
    pub stage: Stage,
    pub count: u32,
    /// Oldest arrival in the stage first, at most [`BOARD_CARDS`].
    pub cards: Vec<UserRecord>,
}

/// The values the roster's filters offer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RosterFacets {
    pub statuses: Vec<UserStatus>,
    pub countries: Vec<String>,
}

impl RosterQuery {
    /// Refuses a query no screen sends, at its field.
    pub fn check(&self) -> Result<()> {
        let mut errors = Vec::new();
        if self.limit == 0 || self.limit > MAX_PAGE {
            errors.push(FieldError::new(
                "limit",
                format!("must be between 1 and {MAX_PAGE}"),
            ));
        }
        if self.search.chars().count() > MAX_SEARCH {
            errors.push(FieldError::new(
                "search",
                format!("must be at most {MAX_SEARCH} characters"),
            ));
        }
        if self.country.as_ref().is_some_and(|c| c.chars().count() > 3) {
            errors.push(FieldError::new("country", "must be a country code"));
        }
        if self
            .tag
            .as_ref()
            .is_some_and(|t| t.chars().count() > MAX_TAG)
        {
            errors.push(FieldError::new("tag", "must be a tag's name"));
        }
        match errors.is_empty() {
            true => Ok(()),
            false => Err(Error::Invalid(errors)),
        }
    }

    /// The search's words, lower-cased, each to be found somewhere in the row.
    pub fn terms(&self) -> Vec<String> {
        self.search
            .split_whitespace()
            .take(MAX_TERMS)
            .map(str::to_lowercase)
            .collect()
    }
}

/// The SQL dialect a store speaks: its placeholders differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    fn placeholder(self, n: usize) -> String {
        match self {
            Dialect::Sqlite => format!("?{n}"),
            Dialect::Postgres => format!("${n}"),
        }
    }
}

/// The text a search runs over, lower-cased, as one expression: PostgreSQL's trigram index is
/// on this exact text.
pub const SEARCH_TEXT: &str = "lower(coalesce(first_name, '') || ' ' || coalesce(last_name, '') || ' ' || \
                               coalesce(email, '') || ' ' || external_user_id || ' ' || remarks)";

/// The name sort's key, as the roster shows names: last name, then first.
pub const NAME_KEY: &str = "lower(coalesce(last_name, '') || ' ' || coalesce(first_name, ''))";

/// A roster question as SQL for one store: the `WHERE` (after `environment = <1>`), its
/// parameters from the second on, and the `ORDER BY`.
pub struct RosterSql {
    pub filter: String,
    pub params: Vec<String>,
    pub order: String,
}

/// Builds the filters and sort of `q` for the operator `me` (whom "mine" means). `search` turns
/// a search word into a clause with one parameter, written `{}` (the placeholder goes there), and
/// that parameter's value; or `None` to leave the word to the store's own indexes (SQLite's FTS5
/// takes them in `MATCH`es).
pub fn roster_sql(
    q: &RosterQuery,
    dialect: Dialect,
    me: &str,
    mut search: impl FnMut(&str) -> Option<(String, String)>,
) -> RosterSql {
    let mut filter = String::new();
    let mut params: Vec<String> = Vec::new();
    // The environment is the first parameter; each value added takes the next placeholder.
    let mut add = |clause: &dyn Fn(&str) -> String, value: String| {
        params.push(value);
        filter.push_str(" AND ");
        filter.push_str(&clause(&dialect.placeholder(params.len() + 1)));
    };
    if let Some(stage) = q.stage {
        add(&|p| format!("stage = {p}"), stage.as_str().into());
    }
    if let Some(status) = q.status {
        add(&|p| format!("status = {p}"), status.as_str().into());
    }
    if let Some(country) = &q.country {
        add(&|p| format!("country = {p}"), country.clone());
    }
    if let Some(tag) = &q.tag {
        add(
            &|p| {
                format!(
                    "EXISTS (SELECT 1 FROM user_tags t WHERE t.environment = users.environment \
                     AND t.external_user_id = users.external_user_id AND t.tag = {p})"
                )
            },
            tag.clone(),
        );
    }
    let mut unassigned = false;
    match &q.assignee {
        None => {}
        Some(AssigneeFilter::Nobody) => unassigned = true,
        Some(AssigneeFilter::Me) => add(&|p| format!("assignee = {p}"), me.to_owned()),
        Some(AssigneeFilter::Operator(name)) => add(&|p| format!("assignee = {p}"), name.clone()),
    }
    for term in q.terms() {
        if let Some((clause, value)) = search(&term) {
            add(&|p| clause.replace("{}", p), value);
        }
    }
    if unassigned {
        filter.push_str(" AND assignee IS NULL");
    }
    let key = match q.sort {
        RosterSort::Created => "created_at".to_owned(),
        RosterSort::Name => NAME_KEY.to_owned(),
        RosterSort::Country => "coalesce(country, '')".to_owned(),
        RosterSort::Status => "status".to_owned(),
        RosterSort::Stage => stage_rank(),
        RosterSort::Waiting => "stage_since".to_owned(),
    };
    let dir = if q.descending { "DESC" } else { "ASC" };
    // Ties keep the roster's own order, newest first, so equal rows do not jump around.
    let order = match q.sort {
        RosterSort::Created => format!("created_at {dir}, external_user_id {dir}"),
        RosterSort::Waiting => format!("stage_since {dir}, external_user_id {dir}"),
        _ => format!("{key} {dir}, created_at DESC, external_user_id DESC"),
    };
    RosterSql {
        filter,
        params,
        order,
    }
}

/// A word as a `LIKE` pattern that finds it anywhere, its wildcards taken literally (`ESCAPE '\'`).
pub fn like_pattern(term: &str) -> String {
    let mut p = String::with_capacity(term.len() + 2);
    p.push('%');
    for c in term.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// The stages in the board's order, as a sort key.
fn stage_rank() -> String {
    let mut sql = String::from("CASE stage");
    for (i, s) in Stage::ALL.iter().enumerate() {
        sql.push_str(&format!(" WHEN '{}' THEN {i}", s.as_str()));
    }
    sql.push_str(" END");
    sql
}

/// Words of a search as one FTS5 `MATCH` expression: each a quoted string (its quotes doubled),
/// all required.
pub fn fts_match<'a>(terms: impl IntoIterator<Item = &'a str>) -> String {
    terms
        .into_iter()
        .map(quoted)
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// Words of a search as FTS5 prefix queries (`"no"*`): each starts a word, all required.
pub fn fts_prefixes<'a>(terms: impl IntoIterator<Item = &'a str>) -> String {
    terms
        .into_iter()
        .map(|t| format!("{}*", quoted(t)))
        .collect::<Vec<_>>()
        .join(" AND ")
}

fn quoted(term: &str) -> String {
    format!("\"{}\"", term.replace('"', "\"\""))
}

/// A short word as a PostgreSQL regular expression that finds it at the start of a word (`\m`),
/// its own characters taken literally.
pub fn word_start_pattern(term: &str) -> String {
    let mut p = String::from("\\m");
    for c in term.chars() {
        if !c.is_alphanumeric() {
            p.push('\\');
        }
        p.push(c);
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_no_screen_sends_is_refused_at_its_field() {
        let q = RosterQuery {
            limit: 0,
            search: "x".repeat(201),
            country: Some("Ukraine".into()),
            ..RosterQuery::default()
        };
        let Err(Error::Invalid(errors)) = q.check() else {
            panic!("refused")
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["limit", "search", "country"]);
        assert!(RosterQuery::default().check().is_ok());
        let too_many = RosterQuery {
            limit: MAX_PAGE + 1,
            ..RosterQuery::default()
        };
        assert!(too_many.check().is_err());
    }

    #[test]
    fn words_are_lower_cased_and_wildcards_taken_literally() {
        let q = RosterQuery {
            search: "  Ola  NOWAK 100%_\\ ".into(),
            ..RosterQuery::default()
        };
        assert_eq!(q.terms(), ["ola", "nowak", "100%_\\"]);
        assert_eq!(like_pattern("100%_\\"), "%100\\%\\_\\\\%");
        assert_eq!(fts_match(["ola", "a\"b"]), "\"ola\" AND \"a\"\"b\"");
        assert_eq!(fts_prefixes(["no", "a"]), "\"no\"* AND \"a\"*");
        assert_eq!(word_start_pattern("a."), "\\ma\\.");
    }

    #[test]
    fn filters_take_placeholders_in_order_after_the_environment() {
        let q = RosterQuery {
            search: "ola nowak".into(),
            stage: Some(Stage::Active),
            country: Some("PL".into()),
            sort: RosterSort::Stage,
            ..RosterQuery::default()
        };
        let sql = roster_sql(&q, Dialect::Postgres, "me", |t| {
            Some(("x LIKE {}".into(), like_pattern(t)))
        });
        assert_eq!(
            sql.filter,
            " AND stage = $2 AND country = $3 AND x LIKE $4 AND x LIKE $5"
        );
        assert_eq!(sql.params, ["active", "PL", "%ola%", "%nowak%"]);
        assert!(sql.order.starts_with("CASE stage WHEN 'created' THEN 0"));
        // A store that takes the words itself gets no clause and no parameter for them.
        let sql = roster_sql(&q, Dialect::Sqlite, "me", |_| None);
        assert_eq!(sql.filter, " AND stage = ?2 AND country = ?3");
    }
}
