//! What `periodize sensitivity` needs of a scenario's text: the varied path resolved to a number
//! (a distribution's centre), and the scenario's text at given values of it, as a `[sweep]`
//! appended to the file, so that every other line keeps its place in error messages and every
//! value reaches every row as a sweep's does (common random numbers across the values).

use super::tree::{Node, Val, parse};

/// The varied path: a number, or the centre of a distribution.
#[derive(Clone, Debug, PartialEq)]
pub struct VariedPath {
    /// The path as given (`model.k2_easy`).
    pub path: String,
    /// The variants that write the path themselves: the swept value replaces theirs (a sweep's
    /// value reaches every row), so their comparison may no longer ask what it was written to.
    pub overridden: Vec<String>,
    /// What the values replace: `None` for a number; for a distribution, the distribution as
    /// written (TOML inline table) and the key of its centre (`median`, `mean`).
    dist: Option<(Vec<(String, String)>, &'static str)>,
}

impl VariedPath {
    /// The key of the distribution's centre the values set, if the path holds a distribution.
    pub fn centre(&self) -> Option<&'static str> {
        self.dist.as_ref().map(|(_, c)| *c)
    }

    /// The parameter's short name for sentences: the path's last segment (`k2_easy`).
    pub fn short(&self) -> &str {
        self.path.rsplit('.').next().unwrap_or(&self.path)
    }

    /// The TOML of one value: the number, or the distribution with its centre at `x`.
    fn value(&self, x: f64) -> String {
        match &self.dist {
            None => format!("{x:?}"),
            Some((keys, centre)) => {
                let inner: Vec<String> = keys.iter().map(|(k, v)| if k == centre { format!("{k} = {x:?}") } else { format!("{k} = {v}") }).collect();
                format!("{{ {} }}", inner.join(", "))
            }
        }
    }

    /// The scenario's text with the values `xs` swept at the path.
    pub fn swept_text(&self, text: &str, xs: &[f64]) -> String {
        let values: Vec<String> = xs.iter().map(|&x| self.value(x)).collect();
        let sep = if text.ends_with('\n') { "" } else { "\n" };
        // `?model.X`: only the rows whose model has X (a scenario of several models).
        let opt = if self.path.starts_with("model.") { "?" } else { "" };
        format!("{text}{sep}\n[sweep] # added by periodize sensitivity --param {0}\n\"{opt}{0}\" = [{1}]\n", self.path, values.join(", "))
    }
}

/// Find `path` in the scenario text `text`: a number, a normal or lognormal
/// distribution (its centre is varied: `mean`, `median`), or a parameter a preset sets. The
/// error says why a path cannot be varied.
pub fn varied_path(text: &str, path: &str) -> Result<VariedPath, String> {
    if path.is_empty() || path.contains(['"', '\\', '\n']) || path.split('.').any(str::is_empty) {
        return Err(format!("--param {path:?}: expected a dotted path such as model.k2_easy or plan.easy_load"));
    }
    let root = parse(text).map_err(|(_, m)| m)?;
    for (key, why) in [("sweep", "sensitivity sweeps --param itself; run it on a copy without [sweep]"), ("optimize", "sensitivity runs the scenario's comparisons; run it on a copy without [optimize]")] {
        if root.get(key).is_some() {
            return Err(format!("the scenario has [{key}]: {why}"));
        }
    }
    let parts: Vec<&str> = path.split('.').collect();
    // As the base writes it, else as a preset sets it, else as the first variant writes it
    // (a model that only some variants use).
    let in_variant = || match root.get("variant").map(|n| &n.val) {
        Some(Val::Array(list)) => list.iter().find_map(|var| walk(var, &parts).cloned()),
        _ => None,
    };
    let found = walk(&root, &parts).cloned().or_else(|| preset_value(&root, &parts)).or_else(in_variant);
    let dist = match found.as_ref() {
        None => None,
        Some(n) => match &n.val {
            Val::Int(_) | Val::Float(_) => None,
            Val::Table(t) if n.get("dist").is_some() => {
                let kind = n.get("dist").map(Node::label).unwrap_or_default();
                let centre = match kind.as_str() {
                    "lognormal" => "median",
                    "normal" => "mean",
                    _ => return Err(format!("--param {path}: is a {kind} distribution; give one of its ends (--param {path}.min or {path}.max) or write it as a normal or lognormal")),
                };
                Some((t.iter().map(|(k, v)| (k.name.clone(), v.show())).collect(), centre))
            }
            _ => return Err(format!("--param {path}: is {} ({}); expected a number or a normal or lognormal distribution", n.kind(), n.show())),
        },
    };
    let overridden = match root.get("variant").map(|n| &n.val) {
        Some(Val::Array(list)) => list.iter().filter(|var| walk(var, &parts).is_some()).map(|var| var.get("name").map(Node::label).unwrap_or_default()).collect(),
        _ => Vec::new(),
    };
    Ok(VariedPath { path: path.to_string(), dist, overridden })
}

fn walk<'a>(n: &'a Node, parts: &[&str]) -> Option<&'a Node> {
    parts.iter().try_fold(n, |n, p| n.get(p))
}

/// `model.X` that the scenario's `[model] preset` sets.
fn preset_value(root: &Node, parts: &[&str]) -> Option<Node> {
    let [first, rest @ ..] = parts else { return None };
    if *first != "model" {
        return None;
    }
    let name = root.get("model")?.get("preset")?.label();
    let preset = super::presets::find(&name)?;
    let tree = parse(preset.toml).ok()?;
    walk(&tree, rest).cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_distribution_is_varied_at_its_centre_and_keeps_its_spread() {
        let text = "[model]\nk2_easy = { dist = \"lognormal\", median = 0.05, sigma = 0.3 }\nk1 = 0.1\n";
        let v = varied_path(text, "model.k2_easy").unwrap();
        assert_eq!(v.centre(), Some("median"));
        assert_eq!(v.value(0.07), "{ dist = \"lognormal\", median = 0.07, sigma = 0.3 }");
        assert_eq!(varied_path(text, "model.k1").unwrap().value(0.25), "0.25");
        let u = "[model]\nk1 = { dist = \"uniform\", min = 0.1, max = 0.2 }\n";
        assert!(varied_path(u, "model.k1").unwrap_err().contains("model.k1.min"));
        assert!(varied_path("[sweep]\n\"model.k1\" = [1]\n", "model.k1").unwrap_err().contains("[sweep]"));
        assert!(varied_path("[plan]\nspacing = \"spread\"\n", "plan.spacing").unwrap_err().contains("expected a number"));
        // busso2003's k1 is a lognormal: the preset's spread is kept.
        let p = varied_path("[model]\npreset = \"busso2003\"\n", "model.k1").unwrap();
        assert_eq!(p.centre(), Some("median"));
        assert!(p.swept_text("x = 1", &[0.02]).ends_with("\"?model.k1\" = [{ dist = \"lognormal\", median = 0.02, sigma = 0.11 }]\n"));
    }
}
