//! The layers of `src/` (see `docs/architecture.md`), checked from the
//! source: every `crate::…` path in a module's code (line comments aside;
//! the scan is line by line, so a block comment or a `'"'` character can
//! only make it miss a path, never report one that is not there) names
//! a top-level module it depends on, and each module may depend only on
//! the modules its row of [`ALLOWED`] lists. Adding a dependency means
//! changing that table here and the document, on purpose.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Each top-level module and the modules it may use. The rows are in layer
/// order: a module uses only modules above it, so there are no cycles.
const ALLOWED: &[(&str, &[&str])] = &[
    // The pure core: no storage, no HTTP, no I/O but reading a definition file.
    ("proxies", &[]),
    ("telemetry", &[]),
    ("priority", &[]),
    ("config", &["proxies"]),
    ("csrf", &[]),
    ("fields", &[]),
    ("domain", &[]),
    ("paths", &["domain"]),
    ("stats", &["domain"]),
    ("synthetic", &["domain"]),
    ("charts", &["domain", "stats"]),
    ("report", &["domain", "stats"]),
    ("export", &["domain", "stats", "charts", "report"]),
    (
        "views",
        &["domain", "stats", "charts", "report", "fields", "paths"],
    ),
    // Storage, and what is built on it without HTTP.
    ("db", &["config", "domain", "stats", "telemetry"]),
    ("catalogue", &["domain", "db"]),
    ("seed", &["domain", "db", "synthetic"]),
    ("retention", &["domain", "db", "catalogue"]),
    // HTTP.
    ("error", &["db", "views", "paths"]),
    (
        "web",
        &[
            "csrf",
            "fields",
            "domain",
            "paths",
            "stats",
            "charts",
            "report",
            "export",
            "views",
            "db",
            "catalogue",
            "retention",
            "error",
            "proxies",
            "telemetry",
            "priority",
        ],
    ),
    // Wiring.
    (
        "startup",
        &[
            "config",
            "csrf",
            "domain",
            "paths",
            "db",
            "catalogue",
            "web",
        ],
    ),
    ("lib", &[]),
];

/// The code of a file with comments removed: `//` to the end of a line
/// (doc comments included), outside string literals.
fn code_of(text: &str) -> String {
    let mut code = String::with_capacity(text.len());
    for line in text.lines() {
        let mut in_string = false;
        let mut previous = ' ';
        let mut kept = String::new();
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '"' && previous != '\\' {
                in_string = !in_string;
            }
            if !in_string && c == '/' && chars.peek() == Some(&'/') {
                break;
            }
            kept.push(c);
            previous = c;
        }
        code.push_str(&kept);
        code.push('\n');
    }
    code
}

/// The top-level modules that `crate::` paths in `code` name, including
/// each name of a grouped `crate::{a, b::c}`.
fn crate_modules(code: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (i, _) in code.match_indices("crate::") {
        let before = code[..i].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue; // `civic_survey_crate::`, not ours
        }
        let rest = &code[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0;
            let mut name = String::new();
            let mut expecting = true;
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        if !name.is_empty() {
                            found.insert(std::mem::take(&mut name));
                        }
                        expecting = true;
                    }
                    c if expecting && (c.is_alphanumeric() || c == '_') => name.push(c),
                    _ if expecting && !name.is_empty() => {
                        found.insert(std::mem::take(&mut name));
                        expecting = false;
                    }
                    _ => {}
                }
            }
            if !name.is_empty() {
                found.insert(name);
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                found.insert(name);
            }
        }
    }
    found
}

/// Whether `code` names diesel (as a path or an identifier).
fn names_diesel(code: &str) -> bool {
    code.match_indices("diesel").any(|(i, _)| {
        let before = code[..i].chars().next_back();
        let after = code[i + "diesel".len()..].chars().next();
        !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
            && !after.is_some_and(|c| c.is_alphanumeric())
    })
}

/// Every `.rs` file under `dir`.
fn sources(dir: &Path, into: &mut Vec<std::path::PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("src is readable")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            sources(&path, into);
        } else if path.extension().is_some_and(|x| x == "rs") {
            into.push(path);
        }
    }
}

/// The library's modules (not `main.rs`, the binary), each with the
/// modules it uses, and the files of each that name diesel.
struct Graph {
    uses: BTreeMap<String, BTreeSet<String>>,
    diesel: BTreeMap<String, Vec<String>>,
}

fn graph() -> Graph {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let mut graph = Graph {
        uses: BTreeMap::new(),
        diesel: BTreeMap::new(),
    };
    for file in files {
        let relative = file.strip_prefix(&src).expect("under src");
        let module = relative
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .map(|c| c.trim_end_matches(".rs").to_owned())
            .expect("a module name");
        if module == "main" {
            continue;
        }
        let code = code_of(&std::fs::read_to_string(&file).expect("readable"));
        let used = crate_modules(&code);
        let entry = graph.uses.entry(module.clone()).or_default();
        entry.extend(used.into_iter().filter(|m| *m != module));
        if names_diesel(&code) {
            graph
                .diesel
                .entry(module)
                .or_default()
                .push(relative.display().to_string());
        }
    }
    graph
}

fn uses<'a>(graph: &'a Graph, module: &str) -> &'a BTreeSet<String> {
    graph
        .uses
        .get(module)
        .unwrap_or_else(|| panic!("no module {module} in src/"))
}

#[test]
fn every_module_uses_only_the_layers_its_row_allows() {
    let graph = graph();
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let mut problems = Vec::new();
    for (module, used) in &graph.uses {
        let Some(may) = allowed.get(module.as_str()) else {
            problems.push(format!(
                "{module} is a new top-level module: give it a row in ALLOWED and docs/architecture.md"
            ));
            continue;
        };
        for other in used {
            if !may.contains(&other.as_str()) {
                problems.push(format!("{module} uses {other}, which its layer may not"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_pure_side_never_reaches_storage_or_http() {
    let graph = graph();
    for module in ["domain", "stats", "charts", "report", "export"] {
        for forbidden in ["db", "web", "catalogue", "startup", "error"] {
            assert!(
                !uses(&graph, module).contains(forbidden),
                "{module} must not use {forbidden}"
            );
        }
    }
    for forbidden in ["db", "web", "catalogue", "error"] {
        assert!(
            !uses(&graph, "views").contains(forbidden),
            "views must not use {forbidden}"
        );
    }
    for forbidden in ["web", "views", "error", "startup"] {
        assert!(
            !uses(&graph, "db").contains(forbidden),
            "db must not use {forbidden}"
        );
    }
}

#[test]
fn only_storage_names_diesel() {
    let graph = graph();
    let outside: Vec<_> = graph
        .diesel
        .iter()
        .filter(|(module, _)| module.as_str() != "db")
        .flat_map(|(_, files)| files.clone())
        .collect();
    assert!(outside.is_empty(), "diesel named outside db/: {outside:?}");
    assert!(
        graph.diesel.contains_key("db"),
        "the scan finds diesel in db/"
    );
}

#[test]
fn the_allowed_table_has_no_cycles() {
    // Each row may use only rows above it.
    for (i, (module, may)) in ALLOWED.iter().enumerate() {
        for other in *may {
            let above = ALLOWED[..i].iter().any(|(m, _)| m == other);
            assert!(above, "{module} may use {other}, which is not above it");
        }
    }
}

#[test]
fn the_scanner_sees_paths_groups_and_diesel_but_not_comments() {
    let code = code_of(
        "use crate::{db::{self, x}, fields, paths::route};\n\
         let n = crate::db::now(); // crate::web is only a comment\n\
         /// [`crate::startup`] in a doc comment\n\
         let s = \"// not a comment\"; let t = crate::stats::x;\n\
         let c: diesel::Conn; let d = my_diesel_thing;",
    );
    let found: Vec<_> = crate_modules(&code).into_iter().collect();
    assert_eq!(found, ["db", "fields", "paths", "stats"]);
    assert!(names_diesel(&code));
    assert!(!names_diesel(&code_of(
        "let d = my_diesel_thing; // diesel"
    )));
}

#[test]
fn the_small_base_setting_defaults_to_what_results_assume() {
    let settings = civic_survey::config::Settings::from_lookup(|_| None).expect("defaults");
    assert_eq!(settings.small_base, civic_survey::stats::DEFAULT_SMALL_BASE);
}
