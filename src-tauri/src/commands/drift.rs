//! What comes from the command list, checked against it: the names `build.rs` declared as
//! permissions, the capability, the TypeScript command map and the `#[tauri::command]`s written
//! by hand. `UPDATE_BINDINGS=1 cargo test -p partner-desk --lib drift` rewrites the two
//! generated files (`src-tauri/capabilities/main.json`, `ui/src/api/commands.ts`).
//!
//! The core's commands are generated with the list's types, so the compiler holds them to it;
//! a shell command's arguments are written twice (its fn and its entry), which the UI's
//! typecheck against `commands.ts` and the e2e suite's calls through the real window cover.

#[cfg(test)]
mod tests {
    use std::marker::PhantomData;
    use ts_rs::{Config, TS};

    const ROOT: &str = env!("CARGO_MANIFEST_DIR");

    fn config() -> Config {
        // JSON numbers, not bigint, as in bindings.ts.
        Config::default().with_large_int("number")
    }

    /// A type's name in TypeScript; a Tauri channel is named by what it carries (autoref
    /// specialisation: `Channel` has no `TS` impl, and one cannot be added for a foreign type).
    struct Probe<T>(PhantomData<T>);
    trait ChannelName {
        fn ts(&self) -> String;
    }
    impl<T: TS> ChannelName for &Probe<tauri::ipc::Channel<T>> {
        fn ts(&self) -> String {
            format!("Channel<{}>", T::name(&config()))
        }
    }
    /// Raw bytes (`tauri::ipc::Response`) reach the page as an ArrayBuffer.
    trait BytesName {
        fn ts(&self) -> String;
    }
    impl BytesName for &Probe<tauri::ipc::Response> {
        fn ts(&self) -> String {
            "ArrayBuffer".into()
        }
    }
    trait PlainName {
        fn ts(&self) -> String;
    }
    impl<T: TS> PlainName for Probe<T> {
        fn ts(&self) -> String {
            T::name(&config())
        }
    }

    struct Entry {
        name: &'static str,
        docs: Vec<&'static str>,
        args: Vec<(&'static str, String)>,
        answer: String,
        /// `None` for the core's operations.
        module: Option<&'static str>,
    }

    macro_rules! entries {
        ([ $( $(#[$doc:meta])* $access:ident $name:ident ( $($arg:ident : $ty:ty),* ) -> $answer:ty ; )* ]
         [ $( $(#[$sdoc:meta])* $module:ident :: $shell:ident ( $($sarg:ident : $sty:ty),* ) -> $sanswer:ty ; )* ]) => {
            vec![
                $(Entry {
                    name: stringify!($name),
                    docs: vec![$(stringify!($doc)),*],
                    args: vec![$((stringify!($arg), (&Probe::<$ty>(PhantomData)).ts())),*],
                    answer: (&Probe::<$answer>(PhantomData)).ts(),
                    module: None,
                },)*
                $(Entry {
                    name: stringify!($shell),
                    docs: vec![$(stringify!($sdoc)),*],
                    args: vec![$((stringify!($sarg), (&Probe::<$sty>(PhantomData)).ts())),*],
                    answer: (&Probe::<$sanswer>(PhantomData)).ts(),
                    module: Some(stringify!($module)),
                },)*
            ]
        };
    }

    fn listed() -> Vec<Entry> {
        with_commands!(entries)
    }

    /// As Tauri names a command's argument on the wire.
    fn camel(snake: &str) -> String {
        desk::api::camel_case(snake)
    }

    /// `doc = r" text"` (a doc comment's attribute, stringified) as the text.
    fn doc_text(meta: &str) -> String {
        let literal = meta.split_once('=').map_or(meta, |(_, v)| v).trim();
        let text = match literal.strip_prefix('r') {
            // A raw string: no escapes inside.
            Some(raw) => raw.trim_matches('#').trim_matches('"').to_owned(),
            None => serde_json::from_str::<String>(literal).unwrap_or_else(|_| literal.to_owned()),
        };
        text.trim().to_owned()
    }

    fn capability() -> String {
        let permissions: Vec<String> = listed()
            .iter()
            .map(|e| format!("allow-{}", e.name.replace('_', "-")))
            .collect();
        let doc = serde_json::json!({
            "$schema": "../../gen/schemas/desktop-schema.json",
            "identifier": "main",
            "description": "The main window may call exactly the app's own commands (generated from src-tauri/src/command_list.rs) — its events (dropped documents, roster changes from live sync, retry waits) come over a channel it opens with events_subscribe; it may not listen to Tauri's events (whose drag-and-drop ones carry paths), and has no plugins or other core APIs.",
            "windows": ["main"],
            "permissions": permissions,
        });
        serde_json::to_string_pretty(&doc).expect("json") + "\n"
    }

    fn command_map() -> String {
        let entries = listed();
        let mut body = String::new();
        let mut names = std::collections::BTreeSet::new();
        for e in &entries {
            for d in &e.docs {
                body.push_str(&format!("  /** {} */\n", doc_text(d)));
            }
            let args: Vec<String> = e
                .args
                .iter()
                .map(|(a, t)| format!("{}: {t}", camel(a)))
                .collect();
            let args = if args.is_empty() {
                "Record<never, never>".to_owned()
            } else {
                format!("{{ {} }}", args.join("; "))
            };
            body.push_str(&format!(
                "  {}: {{ args: {args}; answer: {} }};\n",
                e.name, e.answer
            ));
            for t in e.args.iter().map(|(_, t)| t).chain([&e.answer]) {
                for word in t.split(|c: char| !c.is_ascii_alphanumeric()) {
                    if word.starts_with(|c: char| c.is_ascii_uppercase())
                        && !matches!(word, "Array" | "ArrayBuffer" | "Channel" | "Record")
                    {
                        names.insert(word.to_owned());
                    }
                }
            }
        }
        let imports: Vec<String> = names.into_iter().collect();
        let list: Vec<String> = entries.iter().map(|e| format!("  '{}',", e.name)).collect();
        format!(
            "// Generated from src-tauri/src/command_list.rs (and the desk core's operations) by\n\
             // `UPDATE_BINDINGS=1 cargo test -p partner-desk --lib drift`. Do not edit: a test fails\n\
             // when this file differs from the list.\n\
             \n\
             import type {{\n{}\n}} from './bindings';\n\
             \n\
             /** What a Tauri channel is to the page: Rust calls `onmessage` with each message. */\n\
             export interface Channel<T> {{\n  onmessage: (message: T) => void;\n}}\n\
             \n\
             /** Every command the window may call: its arguments (as sent) and its answer. */\n\
             export interface Commands {{\n{body}}}\n\
             \n\
             export type CommandName = keyof Commands;\n\
             export type CommandArgs<K extends CommandName> = Commands[K]['args'];\n\
             export type CommandAnswer<K extends CommandName> = Commands[K]['answer'];\n\
             \n\
             export const COMMAND_NAMES: readonly CommandName[] = [\n{}\n];\n",
            imports
                .iter()
                .map(|n| format!("  {n},"))
                .collect::<Vec<_>>()
                .join("\n"),
            list.join("\n"),
        )
    }

    /// Compares a generated file with the committed one, or rewrites it under UPDATE_BINDINGS.
    fn up_to_date(relative: &str, fresh: &str) {
        let path = format!("{ROOT}/{relative}");
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::write(&path, fresh).expect("write generated file");
            return;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == fresh,
            "{relative} differs from the command list: run `UPDATE_BINDINGS=1 cargo test -p partner-desk --lib drift`"
        );
    }

    #[test]
    fn build_script_declared_the_listed_commands() {
        let declared: Vec<&str> = env!("PARTNER_DESK_COMMANDS").split(',').collect();
        let listed: Vec<&str> = listed().iter().map(|e| e.name).collect();
        assert_eq!(declared, listed, "build.rs read the lists differently");
        let mut unique = listed.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), listed.len(), "a command is listed twice");
        let core: Vec<&str> = desk::api::OPERATIONS.iter().map(|o| o.name).collect();
        assert_eq!(&listed[..core.len()], &core[..]);
    }

    #[test]
    fn capability_allows_exactly_the_listed_commands() {
        up_to_date("src-tauri/capabilities/main.json", &capability());
    }

    #[test]
    fn typescript_command_map_matches_the_list() {
        up_to_date("ui/src/api/commands.ts", &command_map());
    }

    /// Every hand-written command is listed (a command left out of the list could never be
    /// called, and would be dead code the reader takes for live).
    #[test]
    fn every_written_command_is_listed() {
        let shell: Vec<(String, String)> = listed()
            .iter()
            .filter_map(|e| e.module.map(|m| (m.to_owned(), e.name.to_owned())))
            .collect();
        let mut written = Vec::new();
        let dir = format!("{ROOT}/src-tauri/src/commands");
        for file in std::fs::read_dir(&dir).expect("commands dir") {
            let path = file.expect("entry").path();
            let module = path.file_stem().unwrap().to_string_lossy().into_owned();
            if module == "core" {
                continue; // generated from the list
            }
            let text = std::fs::read_to_string(&path).expect("read");
            let mut lines = text.lines();
            while let Some(line) = lines.next() {
                if line.trim() != "#[tauri::command]" {
                    continue;
                }
                let sig = lines.next().unwrap_or_default();
                let name = sig
                    .split("fn ")
                    .nth(1)
                    .and_then(|r| r.split(['(', '<']).next())
                    .unwrap_or_default()
                    .to_owned();
                written.push((module.clone(), name));
            }
        }
        written.sort();
        let mut expected = shell;
        expected.sort();
        assert_eq!(written, expected);
        // No command outside src-tauri/src/commands: the scan above would not see it.
        let lib = std::fs::read_to_string(format!("{ROOT}/src-tauri/src/lib.rs")).unwrap();
        let events = std::fs::read_to_string(format!("{ROOT}/src-tauri/src/events.rs")).unwrap();
        assert!(!lib.contains("#[tauri::command]") && !events.contains("#[tauri::command]"));
    }
}
