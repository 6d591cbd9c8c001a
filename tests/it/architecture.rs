//! The layering DESIGN.md asks for, checked on the sources so it cannot quietly erode: front
//! ends and the CLI reach the store only through `service`; `notify` names no platform; a
//! platform's crate is named only in its folder; no cycles among top-level modules or among
//! the files of one module (`mod.rs` re-exports aside).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Folders that talk to people (chat platforms, the command line).
const FRONT_ENDS: [&str; 4] = ["discord", "slack", "cli", "web"];
/// Store methods a front end may call: opening and closing the process's store.
const LIFECYCLE: [&str; 1] = ["close"];
/// Each platform's crates, and the only folder that may name them.
const PLATFORM_CRATES: [(&str, &str); 5] = [
    ("serenity", "discord"),
    ("poise", "discord"),
    ("slack_morphism", "slack"),
    ("maud", "web"),
    ("atom_syndication", "web"),
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `dir`, with its text up to its unit tests.
fn sources(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                let code = match text.find("#[cfg(test)]") {
                    Some(at) => text[..at].to_string(),
                    None => text,
                };
                out.push((path, code));
            }
        }
    }
    out.sort();
    out
}

/// Identifiers that follow `prefix` in `code` (`crate::` gives the modules named).
fn after<'a>(code: &'a str, prefix: &str) -> Vec<&'a str> {
    code.match_indices(prefix)
        .map(|(at, _)| {
            let rest = &code[at + prefix.len()..];
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            &rest[..end]
        })
        .collect()
}

/// Methods `Store` has: `pub fn name(&self` anywhere under src/store.
fn store_methods() -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for (_, code) in sources(&src().join("store")) {
        for name in after(&code, "fn ") {
            let rest = &code[code.find(&format!("fn {name}")).unwrap()..];
            let head = &rest[..rest.find('{').unwrap_or(rest.len())];
            if head.contains("&self") || head.contains("&mut self") {
                names.insert(name.to_string());
            }
        }
    }
    names
}

#[test]
fn front_ends_reach_the_store_only_through_service() {
    let methods = store_methods();
    assert!(methods.contains("subscriptions") && methods.contains("autocomplete"));
    let mut calls = Vec::new();
    for front in FRONT_ENDS {
        for (path, code) in sources(&src().join(front)) {
            let called = after(&code, ".");
            for name in called {
                let is_call = code.contains(&format!(".{name}("));
                if methods.contains(name) && is_call && !LIFECYCLE.contains(&name) {
                    calls.push(format!("{}: .{name}(", path.display()));
                }
            }
        }
    }
    calls.dedup();
    assert!(calls.is_empty(), "front ends calling the store: {calls:#?}");
}

#[test]
fn only_a_platforms_folder_names_its_crate_and_notify_names_no_platform() {
    let mut wrong = Vec::new();
    for (path, code) in sources(&src()) {
        let rel = path
            .strip_prefix(src())
            .unwrap()
            .to_string_lossy()
            .to_string();
        for (krate, folder) in PLATFORM_CRATES {
            let named =
                code.contains(&format!("{krate}::")) || code.contains(&format!("use {krate}"));
            if named && !rel.starts_with(&format!("{folder}/")) {
                wrong.push(format!("{rel} names {krate}"));
            }
        }
        if rel.starts_with("notify/") {
            for platform in ["discord", "slack"] {
                if after(&code, "crate::").contains(&platform) {
                    wrong.push(format!("{rel} names crate::{platform}"));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// Whether `graph` has a cycle; the first edge found on one, if so.
fn cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<(String, String)> {
    for (from, tos) in graph {
        for to in tos {
            let (mut seen, mut stack) = (BTreeSet::new(), vec![to.clone()]);
            while let Some(at) = stack.pop() {
                if at == *from {
                    return Some((from.clone(), to.clone()));
                }
                if seen.insert(at.clone()) {
                    stack.extend(graph.get(&at).into_iter().flatten().cloned());
                }
            }
        }
    }
    None
}

#[test]
fn top_level_modules_form_no_cycle() {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (path, code) in sources(&src()) {
        let rel = path.strip_prefix(src()).unwrap();
        let top = rel.iter().next().unwrap().to_string_lossy();
        let top = top.trim_end_matches(".rs").to_string();
        if top == "lib" || top == "main" {
            continue;
        }
        for used in after(&code, "crate::") {
            let module = src().join(used).exists() || src().join(format!("{used}.rs")).exists();
            if module && used != top {
                graph
                    .entry(top.clone())
                    .or_default()
                    .insert(used.to_string());
            }
        }
    }
    assert!(graph.contains_key("service"), "{graph:?}");
    assert_eq!(cycle(&graph), None, "{graph:#?}");
}

#[test]
fn the_files_of_a_module_form_no_cycle() {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (path, code) in sources(&src()) {
        let (Some(dir), Some(stem)) = (path.parent(), path.file_stem()) else {
            continue;
        };
        if stem == "mod" || dir == src() {
            continue;
        }
        let me = path.display().to_string();
        let mut siblings: Vec<&str> = after(&code, "super::");
        for group in code
            .match_indices("use super::{")
            .map(|(at, _)| &code[at..])
        {
            let list = &group[..group.find('}').unwrap_or(group.len())];
            siblings.extend(after(list, " ").into_iter().chain(after(list, "{")));
        }
        for sibling in siblings {
            let file = dir.join(format!("{sibling}.rs"));
            if file.exists() && file != path {
                graph
                    .entry(me.clone())
                    .or_default()
                    .insert(file.display().to_string());
            }
        }
    }
    assert_eq!(cycle(&graph), None, "{graph:#?}");
}
