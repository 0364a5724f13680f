//! Tauri's build step, with the app's commands declared so that the capability in
//! `src-tauri/capabilities/` can allow exactly them and nothing else.
//!
//! The commands are the entries of two lists: the desk core's operations
//! (`crates/desk/src/api/mod.rs`) and the shell's own (`src-tauri/src/command_list.rs`). A build
//! script cannot expand those macros, so it reads each entry's name between the list's markers;
//! `commands::drift` compares this reading (passed on as `PARTNER_DESK_COMMANDS`) with the
//! macros' expansion.

const LISTS: [(&str, &str); 2] = [
    ("crates/desk/src/api/mod.rs", "operations"),
    ("src-tauri/src/command_list.rs", "commands"),
];

/// The names of a list's entries: lines between `// <marker>:begin` and `// <marker>:end`
/// that are not comments, each `[Access] [module::]name(`.
fn entry_names(text: &str, marker: &str) -> Result<Vec<String>, String> {
    let begin = format!("// {marker}:begin");
    let end = format!("// {marker}:end");
    let mut inside = false;
    let mut names = Vec::new();
    for line in text.lines().map(str::trim) {
        if line == begin {
            inside = true;
        } else if line == end {
            return Ok(names);
        } else if inside && !line.starts_with("//") && !line.is_empty() {
            let head = line
                .split('(')
                .next()
                .ok_or_else(|| format!("no `(` in {line:?}"))?;
            let name = head
                .split_whitespace()
                .last()
                .and_then(|path| path.rsplit("::").next())
                .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
                .ok_or_else(|| format!("cannot read a command name in {line:?}"))?;
            names.push(name.to_owned());
        }
    }
    Err(format!("no `{end}` marker"))
}

fn main() {
    // The capability files live in src-tauri/, not beside tauri.conf.json; tell cargo to watch
    // them, or the build script would re-run (and relink) on every build.
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    let mut commands = Vec::new();
    for (path, marker) in LISTS {
        println!("cargo:rerun-if-changed={path}");
        let read = std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|text| entry_names(&text, marker));
        match read {
            Ok(names) => commands.extend(names),
            Err(e) => {
                eprintln!("cannot read the command list in {path}: {e}");
                std::process::exit(1);
            }
        }
    }
    println!(
        "cargo:rustc-env=PARTNER_DESK_COMMANDS={}",
        commands.join(",")
    );
    let names: &'static [&'static str] = commands
        .iter()
        .map(|c| &*c.clone().leak())
        .collect::<Vec<_>>()
        .leak();
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("./src-tauri/capabilities/**/*")
        .app_manifest(tauri_build::AppManifest::new().commands(names));
    if let Err(e) = tauri_build::try_build(attributes) {
        eprintln!("tauri build step failed: {e:#}");
        std::process::exit(1);
    }
}
