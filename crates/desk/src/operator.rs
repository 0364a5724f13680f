//! Who is at the desk: the OS user, recorded in the journal.

/// The logged-in OS user's name, or `unknown` when the platform does not say.
pub fn os_user() -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.trim().is_empty()))
        .unwrap_or_else(|| "unknown".to_owned())
}
