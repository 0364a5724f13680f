//! From a CSV table to what each row asks for: a user to create (P100's create body, checked by
//! the same rules as the form), a user to track (a row with only an `externalUserId`), or a
//! refusal at its fields. Nothing here talks to P100 or the roster: this is the dry run.

use super::csv::Table;
use p100::FieldError;
use p100::models::{CreateUserRequest, UserProfile};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Which P100 create field each column fills, by column index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    columns: Vec<Option<&'static str>>,
}

/// Why a header cannot be mapped at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MappingError {
    /// A column whose name is none of P100's create fields.
    UnknownColumn { column: String },
    /// Two columns for one field.
    RepeatedColumn { field: &'static str },
    /// No `externalUserId` column: no row could be created or tracked.
    NoExternalUserId,
    /// A chosen field that is none of P100's create fields.
    UnknownField { field: String },
    /// A choice for each column was not given.
    ColumnCount { columns: usize, chosen: usize },
}

/// A create field by its name, any case.
fn create_field(name: &str) -> Option<&'static str> {
    p100::validate::CREATE_FIELDS
        .iter()
        .copied()
        .find(|f| f.eq_ignore_ascii_case(name.trim()))
}

/// A column's name as choices are remembered by: lower case, letters and digits only.
pub fn column_key(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

impl std::fmt::Display for MappingError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MappingError::UnknownColumn { column } => write!(
                f,
                "column {column:?} is not one of P100's create fields ({})",
                p100::validate::CREATE_FIELDS.join(", ")
            ),
            MappingError::RepeatedColumn { field } => {
                write!(f, "two columns are named {field}")
            }
            MappingError::NoExternalUserId => write!(f, "no externalUserId column"),
            MappingError::UnknownField { field } => write!(
                f,
                "{field:?} is not one of P100's create fields ({})",
                p100::validate::CREATE_FIELDS.join(", ")
            ),
            MappingError::ColumnCount { columns, chosen } => {
                write!(f, "the file has {columns} columns and {chosen} were mapped")
            }
        }
    }
}

impl std::error::Error for MappingError {}

impl Mapping {
    /// The operator's choice: for each column, the P100 create field it fills, or none (the
    /// column is left out). Checked like a header: known fields, each once, and an
    /// `externalUserId`.
    pub fn chosen(header: &[String], fields: &[Option<String>]) -> Result<Self, MappingError> {
        if fields.len() != header.len() {
            return Err(MappingError::ColumnCount {
                columns: header.len(),
                chosen: fields.len(),
            });
        }
        let mut columns = Vec::with_capacity(fields.len());
        for field in fields {
            let field = match field.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(name) => {
                    Some(
                        create_field(name).ok_or_else(|| MappingError::UnknownField {
                            field: name.to_owned(),
                        })?,
                    )
                }
            };
            if field.is_some() && columns.contains(&field) {
                return Err(MappingError::RepeatedColumn {
                    field: field.unwrap_or_default(),
                });
            }
            columns.push(field);
        }
        if !columns.contains(&Some("externalUserId")) {
            return Err(MappingError::NoExternalUserId);
        }
        Ok(Self { columns })
    }

    /// A first guess for a header: what the operator chose for a column of that name before
    /// (`remembered`, by [`column_key`]), else the create field its name spells, whatever the
    /// case, spaces and punctuation ("First name", "E-mail"), else nothing. A field goes to
    /// one column at most.
    pub fn suggest(header: &[String], remembered: &HashMap<String, String>) -> Vec<Option<String>> {
        let mut taken: Vec<&'static str> = Vec::new();
        header
            .iter()
            .map(|name| {
                let key = column_key(name);
                let field = remembered
                    .get(&key)
                    .and_then(|f| create_field(f))
                    .or_else(|| {
                        p100::validate::CREATE_FIELDS
                            .iter()
                            .copied()
                            .find(|f| column_key(f) == key)
                    })
                    .filter(|f| !taken.contains(f))?;
                taken.push(field);
                Some(field.to_owned())
            })
            .collect()
    }

    /// The field each column fills, as chosen.
    pub fn fields(&self) -> Vec<Option<String>> {
        self.columns.iter().map(|c| c.map(str::to_owned)).collect()
    }

    /// Columns named as P100's create fields, in any order and any case (`EMAIL`, `firstname`).
    pub fn by_field_names(header: &[String]) -> Result<Self, MappingError> {
        let mut columns = Vec::with_capacity(header.len());
        for name in header {
            let name = name.trim();
            let field = p100::validate::CREATE_FIELDS
                .iter()
                .find(|f| f.eq_ignore_ascii_case(name))
                .copied()
                .ok_or_else(|| MappingError::UnknownColumn {
                    column: name.to_owned(),
                })?;
            if columns.contains(&Some(field)) {
                return Err(MappingError::RepeatedColumn { field });
            }
            columns.push(Some(field));
        }
        if !columns.contains(&Some("externalUserId")) {
            return Err(MappingError::NoExternalUserId);
        }
        Ok(Self { columns })
    }
}

/// What one row asks for (a job keeps it as JSON until the row is sent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Plan {
    Create(Box<CreateUserRequest>),
    /// Only an `externalUserId`: a user that exists at P100 already.
    Track,
    Refuse(Vec<FieldError>),
}

/// One row, planned.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedRow {
    pub row: u32,
    pub external_user_id: String,
    pub plan: Plan,
}

/// Plans every row of `table` by `mapping`: the same checks as the create form, plus a row
/// whose `externalUserId` repeats an earlier row's is refused at that field.
pub fn plan(table: &Table, mapping: &Mapping, today: time::Date) -> Vec<PlannedRow> {
    let mut seen: HashMap<String, u32> = HashMap::new();
    table
        .rows
        .iter()
        .map(|r| {
            let mut values: HashMap<&'static str, String> = HashMap::new();
            let mut refusals = Vec::new();
            if r.cells.len() > mapping.columns.len() {
                refusals.push(FieldError::new(
                    "",
                    format!(
                        "{} cells where the header has {}",
                        r.cells.len(),
                        mapping.columns.len()
                    ),
                ));
            }
            for (cell, field) in r.cells.iter().zip(&mapping.columns) {
                let v = cell.trim();
                if let (Some(field), false) = (field, v.is_empty()) {
                    values.insert(field, v.to_owned());
                }
            }
            let ext = values.remove("externalUserId").unwrap_or_default();
            // At most `csv::MAX_ROWS` rows: a row number fits.
            let number = u32::try_from(r.number).unwrap_or(u32::MAX);
            let planned = |plan| PlannedRow {
                row: number,
                external_user_id: ext.clone(),
                plan,
            };
            if let Some(first) = seen.get(&ext).filter(|_| !ext.is_empty()) {
                refusals.push(FieldError::new(
                    "externalUserId",
                    format!("repeats row {first}'s externalUserId"),
                ));
            } else {
                seen.insert(ext.clone(), number);
            }
            if values.is_empty() {
                if let Some(problem) = p100::validate::external_user_id_problem(&ext) {
                    refusals.push(FieldError::new("externalUserId", problem));
                }
                return planned(if refusals.is_empty() {
                    Plan::Track
                } else {
                    Plan::Refuse(refusals)
                });
            }
            let accepted = match values.remove("hasAcceptedP100Tc").as_deref() {
                None => false,
                Some(v) => match v.to_ascii_lowercase().as_str() {
                    "true" | "yes" | "y" | "1" => true,
                    "false" | "no" | "n" | "0" => false,
                    _ => {
                        refusals.push(FieldError::new(
                            "hasAcceptedP100Tc",
                            format!("{v:?} is not true or false"),
                        ));
                        false
                    }
                },
            };
            let profile: UserProfile = match serde_json::to_value(&values)
                .and_then(serde_json::from_value::<UserProfile>)
            {
                Ok(p) => p.normalized(),
                Err(e) => {
                    refusals.push(FieldError::new("", e.to_string()));
                    UserProfile::default()
                }
            };
            let request = CreateUserRequest {
                external_user_id: ext.clone(),
                has_accepted_p100_tc: accepted,
                profile,
            };
            for e in p100::validate::create_user(&request, today) {
                if !refusals.iter().any(|r| r.field == e.field) {
                    refusals.push(e);
                }
            }
            planned(if refusals.is_empty() {
                Plan::Create(Box::new(request))
            } else {
                Plan::Refuse(refusals)
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::csv::parse;

    const HEADER: &str =
        "EXTERNALUSERID;email;FirstName;lastName;country;citizenship;hasAcceptedP100Tc;birthDate";

    fn planned(rows: &str) -> Vec<PlannedRow> {
        let t = parse(format!("{HEADER}\n{rows}").as_bytes()).unwrap();
        let m = Mapping::by_field_names(&t.header).unwrap();
        plan(
            &t,
            &m,
            time::Date::from_calendar_date(2026, time::Month::December, 3).unwrap(),
        )
    }

    fn fields(p: &PlannedRow) -> Vec<&str> {
        match &p.plan {
            Plan::Refuse(f) => f.iter().map(|f| f.field.as_str()).collect(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn columns_are_p100s_field_names_in_any_order_and_case() {
        let h = |s: &str| s.split(',').map(str::to_owned).collect::<Vec<_>>();
        assert!(Mapping::by_field_names(&h("EMAIL,externaluserid")).is_ok());
        assert_eq!(
            Mapping::by_field_names(&h("externalUserId,e-mail")),
            Err(MappingError::UnknownColumn {
                column: "e-mail".into()
            })
        );
        assert_eq!(
            Mapping::by_field_names(&h("email,firstName")),
            Err(MappingError::NoExternalUserId)
        );
        assert_eq!(
            Mapping::by_field_names(&h("externalUserId,email,Email")),
            Err(MappingError::RepeatedColumn { field: "email" })
        );
    }

    #[test]
    fn every_kind_of_bad_field_is_refused_at_that_field() {
        let rows = [
            // 1: good
            "crm-1;ada@example.com;Ada;Lovelace;PL;PL;true;1990-02-03",
            // 2: bad e-mail
            "crm-2;not-an-email;Ada;Lovelace;PL;PL;true;1990-02-03",
            // 3: no T&C
            "crm-3;b@example.com;Ada;Lovelace;PL;PL;false;1990-02-03",
            // 4: a country that is not one
            "crm-4;c@example.com;Ada;Lovelace;XX;PL;yes;1990-02-03",
            // 5: a birth date in the future, and no last name
            "crm-5;d@example.com;Ada;;PL;PL;1;2030-01-01",
            // 6: a path in the id
            "crm/6;e@example.com;Ada;Lovelace;PL;PL;true;1990-02-03",
            // 7: repeats row 1
            "crm-1;f@example.com;Ada;Lovelace;PL;PL;true;1990-02-03",
            // 8: only the id: tracked
            "crm-8;;;;;;;",
            // 9: T&C neither true nor false
            "crm-9;g@example.com;Ada;Lovelace;PL;PL;maybe;1990-02-03",
            // 10: too many cells
            "crm-10;h@example.com;Ada;Lovelace;PL;PL;true;1990-02-03;extra",
        ];
        let p = planned(&rows.join("\r\n"));
        assert!(matches!(p[0].plan, Plan::Create(_)), "{:?}", p[0]);
        assert_eq!(fields(&p[1]), ["email"]);
        assert_eq!(fields(&p[2]), ["hasAcceptedP100Tc"]);
        assert_eq!(fields(&p[3]), ["country"]);
        let five = fields(&p[4]);
        assert!(
            five.contains(&"lastName") && five.contains(&"birthDate"),
            "{five:?}"
        );
        assert_eq!(fields(&p[5]), ["externalUserId"]);
        assert_eq!(fields(&p[6]), ["externalUserId"]);
        assert_eq!(p[7].plan, Plan::Track);
        assert_eq!(fields(&p[8]), ["hasAcceptedP100Tc"]);
        assert_eq!(fields(&p[9]), [""]);
        let rows: Vec<u32> = p.iter().map(|r| r.row).collect();
        assert_eq!(rows, (1..=10).collect::<Vec<_>>());
    }
}
