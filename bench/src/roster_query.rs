//! The store's share of a roster keystroke: the desk's `query_users` (count and first page) on a
//! seeded database, for the searches `bench/roster-filter.mjs` types, each asked 20 times; the
//! median per search. The window's figure adds the IPC, the render and the paint to this.
//!
//! `roster-query <database file>` (seed it with `seed-roster` first)

use desk::EnvironmentKind;
use desk::ledger::roster_query::RosterQuery;
use desk::store::Store;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: roster-query <database file>")?;
    let store = Store::open(std::path::Path::new(&path))?;
    for search in ["", "n", "no", "now", "nowa", "nowak", "lovelace12", "zzzz"] {
        let q = RosterQuery {
            search: search.into(),
            ..RosterQuery::default()
        };
        let mut times = Vec::new();
        let mut matching = 0;
        for _ in 0..20 {
            let t = Instant::now();
            let page = store.with_tx(|t| t.query_users(EnvironmentKind::Sandbox, &q))?;
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            matching = page.matching;
        }
        times.sort_by(f64::total_cmp);
        println!(
            "  search {search:?}: {matching} match, median {:.2} ms (min {:.2}, max {:.2})",
            (times[9] + times[10]) / 2.0,
            times[0],
            times[19]
        );
    }
    Ok(())
}
