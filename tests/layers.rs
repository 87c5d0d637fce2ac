//! The library's layers point only down: every `crate::MODULE` a module of `src/` names
//! (in code or docs, outside its tests) is in a lower layer than itself. The layers, bottom up,
//! are the README's "Architecture" list. A new module must be placed in a layer here.

use std::collections::BTreeMap;
use std::path::Path;

/// Bottom to top. A module may name modules of lower layers only (never its own layer's).
const LAYERS: &[&[&str]] = &[
    &["fmath", "stats", "progress", "plan"],
    &["io"],
    &["daily"],
    &["output", "model"],
    &["simd"],
    &["population"],
    &["summary"],
    &["scenario", "fit"],
    &["error", "plan_files"],
    &["montecarlo", "simulate"],
    &["result"],
    &["plots"],
    &["html_report"],
    &["export"],
    &["optimize", "sensitivity"],
];

fn layer_of(m: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&m))
}

/// The module a file belongs to: its first path component under src/.
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel.components().next().unwrap().as_os_str().to_string_lossy().into_owned();
    first.trim_end_matches(".rs").to_string()
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// `crate::NAME` references in a file's text before its `#[cfg(test)]` module.
fn references(text: &str) -> Vec<String> {
    let code = text.split("#[cfg(test)]").next().unwrap_or("");
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        let after = &rest[i + 7..];
        let name: String = after.chars().take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_').collect();
        if !name.is_empty() {
            out.push(name);
        }
        rest = after;
    }
    out
}

#[test]
fn modules_only_name_lower_layers() {
    let src = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../src"));
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let mut edges: BTreeMap<(String, String), String> = BTreeMap::new();
    let mut bad = Vec::new();
    for f in &files {
        let m = module_of(src, f);
        if m == "lib" {
            continue;
        }
        let Some(lm) = layer_of(&m) else {
            bad.push(format!("{m} ({}) is in no layer: add it to LAYERS in tests/layers.rs and to the README's Architecture", f.display()));
            continue;
        };
        for to in references(&std::fs::read_to_string(f).unwrap()) {
            if to == m {
                continue;
            }
            match layer_of(&to) {
                Some(lt) if lt < lm => {}
                _ => bad.push(format!("{} names crate::{to}, which is not in a lower layer", f.display())),
            }
            edges.insert((m.clone(), to), f.display().to_string());
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    // The checks above see real edges: the engine uses the models, the exporters the result.
    assert!(edges.contains_key(&("montecarlo".into(), "model".into())));
    assert!(edges.contains_key(&("export".into(), "result".into())));
    // Every module of lib.rs is in a layer.
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    for line in lib.lines().filter(|l| l.starts_with("pub mod ")) {
        let m = line.trim_start_matches("pub mod ").trim_end_matches(';');
        assert!(layer_of(m).is_some(), "module {m} is in no layer");
    }
}
