//! The app's command list is written in three places: the handler (`src-tauri/lib.rs`), the
//! permissions it generates (`src-tauri/build.rs`, which also writes the capability that grants
//! them, `capabilities/default.json`) and the UI's one door to Rust (`ui/src/lib/api.ts`). This
//! test fails, naming the command, when one of the four misses a command the others have.

use std::collections::BTreeSet;

fn read(path: &str) -> String {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The text between `start` and the next `end` after it.
fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("{start:?} not found"))
        + start.len();
    let to = text[from..]
        .find(end)
        .unwrap_or_else(|| panic!("{end:?} not found"));
    &text[from..from + to]
}

/// Every `"name"` (double-quoted) or `'name'` (single-quoted) in a piece of text.
fn quoted(text: &str, quote: char) -> BTreeSet<String> {
    text.split(quote)
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

#[test]
fn the_four_command_lists_agree() {
    let lib = read("src-tauri/lib.rs");
    let handler: BTreeSet<String> = between(&lib, "generate_handler![", "]")
        .split(',')
        .filter_map(|p| p.trim().rsplit("::").next().map(str::to_string))
        .filter(|n| !n.is_empty())
        .collect();

    let build = read("src-tauri/build.rs");
    let declared = quoted(between(&build, "COMMANDS: &[&str] = &[", "];"), '"');

    let caps = read("capabilities/default.json");
    let granted: BTreeSet<String> = quoted(between(&caps, "\"permissions\": [", "]"), '"')
        .into_iter()
        .filter_map(|p| p.strip_prefix("allow-").map(|c| c.replace('-', "_")))
        .collect();

    let api = read("ui/src/lib/api.ts");
    let called: BTreeSet<String> = api
        .split("call<")
        .skip(1)
        .filter_map(|rest| rest.split_once(">('").map(|(_, r)| r))
        .filter_map(|r| r.split('\'').next().map(str::to_string))
        .collect();

    assert!(
        handler.len() > 30,
        "the handler list was not read: {handler:?}"
    );
    for (name, list) in [
        ("src-tauri/build.rs", &declared),
        ("capabilities/default.json", &granted),
        ("ui/src/lib/api.ts", &called),
    ] {
        let missing: Vec<_> = handler.difference(list).collect();
        let extra: Vec<_> = list.difference(&handler).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{name} disagrees with the handler in src-tauri/lib.rs: missing {missing:?}, not in the handler {extra:?}"
        );
    }
}
