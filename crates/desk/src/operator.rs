//! Who is at the desk: the OS user, recorded in the journal and on the timeline.

/// The logged-in OS user's name: from the environment, else (a service, a container, a session
/// that sets no `USER`) the account the process runs as, else its uid — never a word like
/// "unknown" standing where a person's name should.
pub fn os_user() -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.trim().is_empty()))
        .or_else(account_name)
        .unwrap_or_else(|| "this desk's user".to_owned())
}

/// The name `/etc/passwd` gives the uid this process runs as (the owner of `/proc/self`).
#[cfg(target_os = "linux")]
fn account_name() -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let uid = std::fs::metadata("/proc/self").ok()?.uid();
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    let named = passwd.lines().find_map(|line| {
        let mut fields = line.split(':');
        let name = fields.next()?;
        let _password = fields.next()?;
        (fields.next()?.parse::<u32>().ok()? == uid && !name.is_empty()).then(|| name.to_owned())
    });
    Some(named.unwrap_or_else(|| format!("uid {uid}")))
}

#[cfg(not(target_os = "linux"))]
fn account_name() -> Option<String> {
    None
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    #[test]
    fn the_account_is_named_even_without_user_in_the_environment() {
        let name = super::account_name().expect("a name on Linux");
        assert!(!name.is_empty());
        // This process's own account, as the system says it.
        let whoami = std::process::Command::new("id")
            .arg("-un")
            .output()
            .expect("id");
        assert_eq!(name, String::from_utf8_lossy(&whoami.stdout).trim());
    }
}
