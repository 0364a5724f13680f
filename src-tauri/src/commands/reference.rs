//! Static reference data for pickers.

use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Serialize, TS)]
pub struct Country {
    pub code: String,
    pub name: String,
}

#[tauri::command]
pub fn countries_list() -> Vec<Country> {
    p100::countries::COUNTRIES
        .iter()
        .map(|(code, name)| Country {
            code: (*code).to_owned(),
            name: (*name).to_owned(),
        })
        .collect()
}
