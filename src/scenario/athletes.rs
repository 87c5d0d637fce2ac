//! Validation of who the athletes are: `[model] preset`, correlations, `require`, `sample_from`,
//! and `[athlete] start`.

use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use super::presets;
use super::spec::{Correlation, Dist, Joint, LoadMap, ModelSpec, Require, SampleTable, Start};
use super::tree::{self, Key, Node, Val};
use super::collector::V;
use crate::model::ModelKind;

/// Draws the validation pilot makes to estimate how often `require` rejects an athlete.
const PILOT: u64 = 4096;
/// The largest share of draws `require` may reject.
const MAX_REJECTED: f64 = 0.99;

/// `[model]` with its preset (if any) filled in: the preset's keys, then the scenario's on top.
/// An unknown preset or a `kind` that contradicts the preset's is reported.
pub(super) fn expand_preset(v: &mut V, m: &Node) -> Option<Node> {
    let Some(pn) = m.get("preset") else {
        return Some(m.clone());
    };
    let Val::Str(name) = &pn.val else {
        v.bad(&pn.span, format!("model.preset = {}: expected a preset name (a string)", pn.show()));
        return None;
    };
    let Some(p) = presets::find(name) else {
        v.bad(&pn.span, format!("model.preset = \"{name}\": unknown preset; expected one of {} (see `periodize presets`)", presets::names().join(", ")));
        return None;
    };
    if let Some(k) = m.get("kind")
        && k.val != Val::Str(p.kind.to_string())
    {
        v.bad(&k.span, format!("model.kind = {}: preset \"{name}\" is a {} model; leave kind out or choose another preset", k.show(), p.kind));
        return None;
    }
    // The presets are tested to parse; a failure here would be a bug, reported at the preset key.
    let base = match tree::parse(p.toml) {
        Ok(b) => b,
        Err((_, msg)) => {
            v.bad(&pn.span, format!("model.preset = \"{name}\": the preset does not parse ({msg})"));
            return None;
        }
    };
    // Preset values carry the preset key's span, so any message about them points there.
    let mut entries: Vec<(Key, Node)> = base
        .table()
        .unwrap_or(&[])
        .iter()
        .map(|(k, n)| (Key { name: k.name.clone(), span: pn.span.clone() }, respan(n, &pn.span)))
        .collect();
    for (k, n) in m.table().unwrap_or(&[]) {
        match entries.iter_mut().find(|(e, _)| e.name == k.name) {
            Some(e) => *e = (k.clone(), n.clone()),
            None => entries.push((k.clone(), n.clone())),
        }
    }
    // A parameter the scenario fixes takes no part in the preset's correlations (a fixed value
    // cannot be correlated); the scenario's own `correlation` is checked as written.
    if m.get("correlation").is_none() {
        let fixed: Vec<String> = m.table().unwrap_or(&[]).iter().filter(|(_, n)| n.as_f64().is_some()).map(|(k, _)| k.name.clone()).collect();
        let names_fixed = |c: &Node| c.get("params").is_some_and(|p| matches!(&p.val, Val::Array(a) if a.iter().any(|x| matches!(&x.val, Val::Str(s) if fixed.contains(s)))));
        for (k, n) in entries.iter_mut() {
            if k.name == "correlation"
                && let Val::Array(list) = &mut n.val
            {
                list.retain(|c| !names_fixed(c));
            }
        }
        entries.retain(|(k, n)| !(k.name == "correlation" && matches!(&n.val, Val::Array(a) if a.is_empty())));
    }
    Some(Node { val: Val::Table(entries), span: m.span.clone() })
}

fn respan(n: &Node, span: &Range<usize>) -> Node {
    let val = match &n.val {
        Val::Array(a) => Val::Array(a.iter().map(|x| respan(x, span)).collect()),
        Val::Table(t) => Val::Table(t.iter().map(|(k, x)| (Key { name: k.name.clone(), span: span.clone() }, respan(x, span))).collect()),
        other => other.clone(),
    };
    Node { val, span: span.clone() }
}

/// `correlation`, `require` and `sample_from` of a `[model]` whose parameters are `params`.
pub(super) fn validate_joint(v: &mut V, m: &Node, kind: ModelKind, params: &[(String, Dist)], dir: &Path) -> Option<Joint> {
    let errs = v.reported;
    let names: Vec<&str> = params.iter().map(|(n, _)| n.as_str()).collect();
    let mut joint = Joint { preset: m.get("preset").and_then(|p| if let Val::Str(s) = &p.val { Some(s.clone()) } else { None }), ..Default::default() };
    if let Some(c) = m.get("correlation") {
        joint.correlations = correlations(v, c, kind, params)?;
        if let Err(pairs) = crate::population::correlation_cholesky(&joint.copula(), &joint) {
            v.bad(&c.span, format!("model.correlation: the correlations {pairs} do not form a positive definite matrix (no population has them all); weaken some of them"));
        }
    }
    if let Some(r) = m.get("require") {
        let Val::Array(list) = &r.val else {
            v.bad(&r.span, format!("model.require = {}: expected a list of constraints such as [\"tau1 >= 1.5 * tau2\"]", r.show()));
            return None;
        };
        for n in list {
            match &n.val {
                Val::Str(s) => match parse_require(s, &names) {
                    Ok(req) => joint.require.push(req),
                    Err(e) => v.bad(&n.span, format!("model.require: \"{s}\": {e}")),
                },
                _ => v.bad(&n.span, format!("model.require: {}: expected a constraint as a string, e.g. \"tau1 >= 1.5 * tau2\"", n.show())),
            }
        }
    }
    // The model's own orders between parameters (fitness-delay: tau1 > tau3): fixed values
    // that break one are refused at the value; otherwise athletes are redrawn until they meet it.
    for &(a, b) in kind.info().requires {
        let (Some(i), Some(j)) = (names.iter().position(|n| *n == a), names.iter().position(|n| *n == b)) else { continue };
        if let (Dist::Fixed { value: x }, Dist::Fixed { value: y }) = (&params[i].1, &params[j].1) {
            if x <= y {
                let span = m.get(b).or_else(|| m.get(a)).map_or(m.span.clone(), |n| n.span.clone());
                v.bad(&span, format!("model.{b} = {y}: {} needs {a} > {b} ({a} = {x})", kind.name()));
            }
            continue;
        }
        let text = format!("{a} > {b}");
        if !joint.require.iter().any(|r| r.text == text)
            && let Ok(req) = parse_require(&text, &names)
        {
            joint.require.push(req);
        }
    }
    if let Some(s) = m.get("sample_from") {
        let Val::Str(file) = &s.val else {
            v.bad(&s.span, format!("model.sample_from = {}: expected a CSV file name", s.show()));
            return None;
        };
        if let Some(sum) = m.get("sample_from_sha256") {
            checksum(v, sum, &dir.join(file), "model.sample_from_sha256", file)?;
        }
        match read_table(&dir.join(file), kind, params) {
            Ok(t) => joint.sample_from = Some(t),
            Err(e) => v.bad(&s.span, format!("model.sample_from = \"{file}\": {e}")),
        }
    }
    if v.reported != errs {
        return None;
    }
    let verdict = if joint.require.is_empty() {
        None
    } else {
        let key = format!("{kind:?}{params:?}{joint:?}");
        match v.pilots.get(&key) {
            Some(m) => m.clone(),
            None => {
                let m = pilot(kind, params, &joint);
                v.pilots.insert(key, m.clone());
                m
            }
        }
    };
    if let Some((field, msg)) = verdict {
        let span = m.get(&field).map_or(m.span.clone(), |r| r.span.clone());
        v.bad(&span, format!("model.{field}: {msg}"));
        return None;
    }
    Some(joint)
}

fn correlations(v: &mut V, c: &Node, kind: ModelKind, params: &[(String, Dist)]) -> Option<Vec<Correlation>> {
    let Val::Array(list) = &c.val else {
        v.bad(&c.span, format!("model.correlation = {}: expected [[model.correlation]] tables with params = [\"k1\", \"k2\"] and rho", c.show()));
        return None;
    };
    let errs = v.reported;
    let mut out: Vec<Correlation> = Vec::new();
    for (i, t) in list.iter().enumerate() {
        let path = format!("model.correlation[{i}]");
        if !v.keys(t, &path, &["params", "rho"]) {
            continue;
        }
        let rho = t.get("rho").and_then(|n| n.as_f64());
        let Some(rho) = rho.filter(|r| r.is_finite() && r.abs() < 1.0) else {
            let n = t.get("rho").map_or(t.span.clone(), |n| n.span.clone());
            v.bad(&n, format!("{path}.rho: expected a number strictly between -1 and 1"));
            continue;
        };
        let Some(Val::Array(ps)) = t.get("params").map(|n| &n.val) else {
            v.bad(&t.span, format!("{path}.params: expected two parameter names, e.g. params = [\"k1\", \"k2\"]"));
            continue;
        };
        let pspan = t.get("params").map_or(t.span.clone(), |n| n.span.clone());
        let got: Vec<&str> = ps.iter().filter_map(|n| if let Val::Str(s) = &n.val { Some(s.as_str()) } else { None }).collect();
        if got.len() != 2 || ps.len() != 2 || got[0] == got[1] {
            v.bad(&pspan, format!("{path}.params: expected two different parameter names"));
            continue;
        }
        let mut index = [0; 2];
        let mut ok = true;
        for (j, name) in got.iter().enumerate() {
            match params.iter().position(|(n, _)| n == name) {
                None => {
                    let all: Vec<&str> = kind.params().iter().map(|d| d.name).collect();
                    v.bad(&pspan, format!("{path}.params: \"{name}\" is not a {kind} parameter; expected one of {}", all.join(", ")));
                    ok = false;
                }
                Some(k) if params[k].1.is_fixed() => {
                    v.bad(&pspan, format!("{path}.params: \"{name}\" is fixed; only parameters drawn from a distribution can be correlated"));
                    ok = false;
                }
                Some(k) => index[j] = k,
            }
        }
        if !ok {
            continue;
        }
        if out.iter().any(|c| c.index == index || c.index == [index[1], index[0]]) {
            v.bad(&pspan, format!("{path}.params: the pair {}-{} is correlated twice", got[0], got[1]));
            continue;
        }
        out.push(Correlation { params: [got[0].to_string(), got[1].to_string()], index, rho });
    }
    (v.reported == errs).then_some(out)
}

/// A population constraint: `SUM op SUM`, op one of `>= <= > <`, each sum of terms `c`, `p`,
/// `c * p * q ...` or `p / c` (p, q parameter names, c numbers), with `+` and `-` between them.
pub fn parse_require(text: &str, names: &[&str]) -> Result<Require, String> {
    let ops = [">=", "<=", ">", "<"];
    let Some((pos, op)) = ops.iter().filter_map(|op| text.find(op).map(|p| (p, *op))).min_by_key(|(p, op)| (*p, usize::MAX - op.len())) else {
        return Err("expected a comparison with >=, <=, > or <, e.g. \"tau1 >= 1.5 * tau2\"".into());
    };
    let (lhs, rhs) = (&text[..pos], &text[pos + op.len()..]);
    if ops.iter().any(|o| rhs.contains(o)) {
        return Err("expected one comparison".into());
    }
    let mut terms: Vec<(f64, Vec<usize>)> = Vec::new();
    let mut constant = 0.0;
    // lhs - rhs >= 0 for >= and >; rhs - lhs for <= and <.
    let sign = if op.starts_with('>') { 1.0 } else { -1.0 };
    for (side, s) in [(lhs, sign), (rhs, -sign)] {
        for (c, idx) in sum(side, names)? {
            if idx.is_empty() {
                constant += s * c;
            } else {
                terms.push((s * c, idx));
            }
        }
    }
    if terms.is_empty() {
        return Err("names no parameter".into());
    }
    Ok(Require { text: text.trim().to_string(), terms, constant, strict: !op.ends_with('=') })
}

/// A sum of monomials: (coefficient, parameter indices).
fn sum(s: &str, names: &[&str]) -> Result<Vec<(f64, Vec<usize>)>, String> {
    #[derive(PartialEq)]
    enum Tok {
        Num(f64),
        Name(usize),
        Op(char),
    }
    let mut toks = Vec::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if "+-*/".contains(c) {
            toks.push(Tok::Op(c));
            i += 1;
        } else if c.is_ascii_digit() || c == '.' {
            let st = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '.' || ((chars[i] == '-' || chars[i] == '+') && matches!(chars[i - 1], 'e' | 'E'))) {
                i += 1;
            }
            let t: String = chars[st..i].iter().collect();
            toks.push(Tok::Num(t.parse::<f64>().ok().filter(|x| x.is_finite()).ok_or_else(|| format!("\"{t}\": expected a number"))?));
        } else if c.is_ascii_alphabetic() || c == '_' {
            let st = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let t: String = chars[st..i].iter().collect();
            let k = names.iter().position(|n| *n == t).ok_or_else(|| format!("\"{t}\" is not a parameter of this model; expected one of {}", names.join(", ")))?;
            toks.push(Tok::Name(k));
        } else {
            return Err(format!("unexpected '{c}'; expected numbers, parameter names, + - * / and one comparison"));
        }
    }
    let mut out = Vec::new();
    let mut it = toks.into_iter().peekable();
    loop {
        let mut c = 1.0;
        while let Some(Tok::Op(o @ ('+' | '-'))) = it.peek() {
            if *o == '-' {
                c = -c;
            }
            it.next();
        }
        let mut idx = Vec::new();
        let mut op = '*';
        loop {
            match (it.next(), op) {
                (Some(Tok::Num(x)), '*') => c *= x,
                (Some(Tok::Num(x)), '/') if x != 0.0 => c /= x,
                (Some(Tok::Name(k)), '*') => idx.push(k),
                (Some(Tok::Name(_)), _) => return Err("divide by numbers only (write \"a >= 2 * b\", not \"a / b >= 2\")".into()),
                _ => return Err("a term is missing or malformed (divide by non-zero numbers only)".into()),
            }
            match it.peek() {
                Some(Tok::Op(o @ ('*' | '/'))) => {
                    op = *o;
                    it.next();
                }
                _ => break,
            }
        }
        out.push((c, idx));
        match it.peek() {
            None => return Ok(out),
            Some(Tok::Op('+' | '-')) => {}
            Some(_) => return Err("expected + or - between terms".into()),
        }
    }
}

/// Estimate the share of first draws that break a constraint; a message when too many do.
/// The share of drawn athletes a model's own order between two parameters (fitness-delay:
/// tau1 > tau3) may redraw: more would silently truncate both distributions (a tau3 drawn
/// mostly above tau1 kept only its lowest 5%).
const MAX_IMPLICIT_REJECTED: f64 = 0.05;

/// Draw trial athletes without the constraints: None when they reject few enough, else the
/// field to point at and what is wrong. A user's `require` may reject up to [`MAX_REJECTED`]
/// (a deliberate truncation); the model's own orders at most [`MAX_IMPLICIT_REJECTED`].
fn pilot(kind: ModelKind, params: &[(String, Dist)], joint: &Joint) -> Option<(String, String)> {
    let free = Joint { require: Vec::new(), ..joint.clone() };
    let spec = super::ModelSpec { config: crate::model::ModelConfig::new(kind), params: params.to_vec(), joint: free };
    let sampler = crate::population::Sampler::new(0, &spec);
    let mut x = vec![0.0; params.len()];
    let mut rejected = 0u64;
    let mut by = vec![0u64; joint.require.len()];
    let mut cursor = sampler.cursor(0);
    for _ in 0..PILOT {
        cursor.next(&mut x);
        let mut bad = false;
        for (k, r) in joint.require.iter().enumerate() {
            if !r.holds(&x) {
                by[k] += 1;
                bad = true;
            }
        }
        rejected += bad as u64;
    }
    let pct = |n: u64| 100.0 * n as f64 / PILOT as f64;
    for &(a, b) in kind.info().requires {
        let text = format!("{a} > {b}");
        if let Some(k) = joint.require.iter().position(|r| r.text == text)
            && by[k] as f64 / PILOT as f64 > MAX_IMPLICIT_REJECTED
        {
            return Some((
                b.to_string(),
                format!(
                    "{} needs {a} > {b}, but {:.1}% of {PILOT} trial athletes drawn from these distributions have {b} >= {a}; redrawing them would silently truncate both distributions (at most {:.0}% may be redrawn). Put {b}'s distribution below {a}'s (a lower median, or max = below {a}'s lowest values)",
                    kind.name(),
                    pct(by[k]),
                    100.0 * MAX_IMPLICIT_REJECTED
                ),
            ));
        }
    }
    let share = rejected as f64 / PILOT as f64;
    if share <= MAX_REJECTED {
        return None;
    }
    let worst = (0..by.len()).max_by_key(|&k| by[k]).unwrap_or(0);
    Some((
        "require".to_string(),
        format!(
            "\"{}\" rejects {:.1}% of the drawn athletes (all constraints together {:.1}% of {PILOT} trial draws); at most {:.0}% may be rejected. Widen the distributions or loosen the constraint",
            joint.require[worst].text,
            pct(by[worst]),
            100.0 * share,
            100.0 * MAX_REJECTED
        ),
    ))
}

/// A file named with its SHA-256 (`fit --scenario-out` writes both) must still have it: a
/// scenario beside a history or replicates it was not written with (a fit killed between its
/// files, a file edited or copied in) is refused instead of run.
fn checksum(v: &mut V, sum: &Node, path: &Path, field: &str, file: &str) -> Option<()> {
    let Val::Str(want) = &sum.val else {
        v.bad(&sum.span, format!("{field} = {}: expected the file's SHA-256 as 64 hex digits", sum.show()));
        return None;
    };
    let want = want.to_ascii_lowercase();
    if want.len() != 64 || !want.bytes().all(|b| b.is_ascii_hexdigit()) {
        v.bad(&sum.span, format!("{field} = \"{want}\": expected the file's SHA-256 as 64 hex digits"));
        return None;
    }
    match crate::output::file_sha256(path) {
        Some(got) if got == want => Some(()),
        Some(got) => {
            v.bad(&sum.span, format!("{field}: \"{file}\" has SHA-256 {got}, not the {want} this scenario was written with; the file changed after the scenario (re-run periodize fit --scenario-out, or remove {field} to accept the file as it is)"));
            None
        }
        None => {
            v.bad(&sum.span, format!("{field}: \"{file}\" cannot be read as a regular file"));
            None
        }
    }
}

/// A `sample_from` table: a header of parameter names, then rows of finite values that satisfy
/// each parameter's constraint.
fn read_table(path: &Path, kind: ModelKind, params: &[(String, Dist)]) -> Result<SampleTable, String> {
    let shown = path.display();
    let text = crate::output::read_input(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
    let mut rdr = csv::ReaderBuilder::new().trim(csv::Trim::All).flexible(true).from_reader(text.as_bytes());
    let headers = rdr.headers().map_err(|e| format!("{shown}: {e}"))?.clone();
    let all: Vec<&str> = kind.params().iter().map(|d| d.name).collect();
    let mut index = Vec::new();
    let mut columns = Vec::new();
    for h in headers.iter() {
        match params.iter().position(|(n, _)| n == h) {
            Some(k) => {
                if index.contains(&k) {
                    return Err(format!("{shown}:1: column `{h}` appears twice"));
                }
                index.push(k);
                columns.push(h.to_string());
            }
            None => return Err(format!("{shown}:1: column `{h}` is not a {kind} parameter; expected columns among {}", all.join(", "))),
        }
    }
    if index.is_empty() {
        return Err(format!("{shown}:1: no columns; expected a header of {kind} parameter names"));
    }
    let mut values = Vec::new();
    let mut rows = 0;
    for rec in rdr.records() {
        let rec = rec.map_err(|e| format!("{shown}: {e}"))?;
        let line = rec.position().map_or(0, |p| p.line());
        if rec.len() != columns.len() {
            return Err(format!("{shown}:{line}: {} values; expected {} ({})", rec.len(), columns.len(), columns.join(", ")));
        }
        for (j, cell) in rec.iter().enumerate() {
            let def = kind.params()[index[j]];
            let x = cell.parse::<f64>().map_err(|_| format!("{shown}:{line}: {} = \"{cell}\": expected a number", columns[j]))?;
            def.constraint.check(x).map_err(|e| format!("{shown}:{line}: {} = {cell}: expected {e}", columns[j]))?;
            values.push(x);
        }
        rows += 1;
    }
    if rows == 0 {
        return Err(format!("{shown}: no rows; expected at least one row of parameter values"));
    }
    Ok(SampleTable { path: path.to_path_buf(), columns, index, values: Arc::new(values), rows })
}

/// `[athlete]`: `start = "rested" | { steady_load = W } | { history = "file.csv" }`.
// Long on purpose: the three start forms and each history option, checked where it is read.
pub(super) fn validate_athlete(v: &mut V, a: &Node, dir: &Path) -> Option<Start> {
    if !v.keys(a, "athlete", &["start", "habitual_load"]) {
        return None;
    }
    let Some(s) = a.get("start") else {
        return Some(Start::Rested);
    };
    let expected = "expected \"rested\", { steady_load = 60.0 } or { history = \"history.csv\" }";
    match &s.val {
        Val::Str(x) if x == "rested" => Some(Start::Rested),
        Val::Table(t) if t.len() == 1 && t[0].0.name == "steady_load" => {
            let n = &t[0].1;
            match n.as_f64() {
                Some(w) if w.is_finite() && (0.0..=1e6).contains(&w) => Some(Start::SteadyLoad(w)),
                _ => {
                    v.bad(&n.span, format!("athlete.start.steady_load = {}: expected a daily load between 0 and 1e6", n.show()));
                    None
                }
            }
        }
        Val::Table(t) if t.iter().any(|(k, _)| k.name == "history") => {
            let n = &t.iter().find(|(k, _)| k.name == "history")?.1;
            const KEYS: [&str; 6] = ["history", "sha256", "format", "load_column", "date_column", "gap"];
            if let Some((k, _)) = t.iter().find(|(k, _)| !KEYS.contains(&k.name.as_str())) {
                v.bad(&k.span, format!("athlete.start.{}: unknown key; a history start takes {}", k.name, KEYS.join(", ")));
                return None;
            }
            let Val::Str(file) = &n.val else {
                v.bad(&n.span, format!("athlete.start.history = {}: expected a CSV file name (day,load or date,load, or an export)", n.show()));
                return None;
            };
            let path = dir.join(file);
            if let Some((_, sum)) = t.iter().find(|(k, _)| k.name == "sha256") {
                checksum(v, sum, &path, "athlete.start.sha256", file)?;
            }
            let errs = v.reported;
            let [format, load_column, date_column, gap] = ["format", "load_column", "date_column", "gap"].map(|k| v.string(s, k, "athlete.start").map(str::to_string));
            if v.reported != errs {
                return None;
            }
            let fmt = match format.as_deref().map(crate::daily::Format::parse) {
                None => crate::daily::Format::Auto,
                Some(Some(f)) => f,
                Some(None) => {
                    let x = s.get("format")?;
                    v.bad(&x.span, format!("athlete.start.format = {}: expected one of {}", x.show(), crate::daily::FORMAT_NAMES.map(|f| format!("\"{f}\"")).join(", ")));
                    return None;
                }
            };
            if let Some(g) = gap.as_deref().filter(|g| *g != "rest") {
                v.bad(&s.get("gap")?.span, format!("athlete.start.gap = \"{g}\": expected \"rest\" (fill the days between the history and the plan with rest)"));
                return None;
            }
            let opts = crate::daily::ReadOptions { format: fmt, load_column: load_column.as_deref(), date_column: date_column.as_deref(), ..Default::default() };
            match crate::daily::read_daily_with(&path, &opts) {
                Ok(series) => {
                    for note in series.notes() {
                        v.warn(&n.span, format!("athlete.start.history = \"{file}\": {note}"));
                    }
                    let last_date = series.last_date();
                    Some(Start::History { path, days: series.load.len(), loads: Arc::new(series.load), last_date, gap_rest: gap.is_some(), gap: 0 })
                }
                Err(e) => {
                    v.bad(&n.span, format!("athlete.start.history = \"{file}\": {e}"));
                    None
                }
            }
        }
        _ => {
            v.bad(&s.span, format!("athlete.start = {}: {expected}", s.show()));
            None
        }
    }
}

/// A dated history meets a dated plan: it must end on the day before the plan starts; a gap is
/// filled with rest days only with `gap = "rest"`, and an overlap is an error naming both dates.
pub(super) fn align_history(v: &mut V, t: &Node, start: &mut Start, plan_start: Option<i64>) -> Option<()> {
    let Start::History { path, loads, days, last_date: Some(last), gap_rest, gap } = start else {
        return Some(());
    };
    let Some(first) = plan_start else {
        return Some(());
    };
    let span = t.get("athlete").and_then(|a| a.get("start")).map(|n| n.span.clone()).unwrap_or_default();
    let file = path.file_name().map_or_else(|| path.display().to_string(), |f| f.to_string_lossy().into_owned());
    let (end, begins) = (crate::daily::format_date(*last), crate::daily::format_date(first));
    let missing = first - *last - 1;
    if missing < 0 {
        v.bad(&span, format!("athlete.start.history = \"{file}\": ends on {end}, but the plan starts on {begins} (plan.start_date): the history overlaps the plan by {} days; end the history on {} or start the plan on {}", -missing, crate::daily::format_date(first - 1), crate::daily::format_date(*last + 1)));
        return None;
    }
    if missing > 0 && !*gap_rest {
        v.bad(&span, format!("athlete.start.history = \"{file}\": ends on {end}, but the plan starts on {begins} (plan.start_date): {missing} days are missing between them; export the history to {}, or add gap = \"rest\" to count them as rest days", crate::daily::format_date(first - 1)));
        return None;
    }
    if missing > 0 {
        let mut filled = loads.as_ref().clone();
        filled.resize(filled.len() + missing as usize, 0.0);
        *loads = Arc::new(filled);
        *days += missing as usize;
        *gap = missing as usize;
    }
    Some(())
}

/// The row's [`LoadMap`]: `[model] load_scale` as given, else the preset's calibration load over
/// the athlete's habitual load (`[athlete] habitual_load`, the start's steady load, or the mean
/// of the start's history over its last 42 days), else 1.
pub(super) fn load_map(v: &mut V, t: &Node, model: &ModelSpec, start: &Start) -> Option<LoadMap> {
    let errs = v.reported;
    let in_range = |x: f64| (!(x.is_finite() && x > 0.0 && x <= 1e6)).then(|| "expected a number above 0 and at most 1e6".to_string());
    let scale = t.get("model").and_then(|m| v.float(m, "load_scale", "model", in_range));
    let habitual_node = t.get("athlete").and_then(|a| a.get("habitual_load"));
    let habitual = t.get("athlete").and_then(|a| v.float(a, "habitual_load", "athlete", in_range));
    if v.reported != errs {
        return None;
    }
    if let Some(scale) = scale {
        return Some(LoadMap { scale, from: "load_scale", habitual_load: habitual });
    }
    let preset = model.joint.preset.as_deref().and_then(presets::find);
    let Some(preset) = preset else {
        if let (Some(n), Some(_)) = (habitual_node, habitual) {
            v.bad(&n.span, format!("athlete.habitual_load = {}: maps the athlete's loads onto a preset's calibration, but this {} model has no preset; use a preset, or set model.load_scale (model units per load unit)", n.show(), model.config.kind));
            return None;
        }
        return Some(LoadMap::default());
    };
    let (h, from) = match (habitual, start) {
        (Some(h), _) => (h, "habitual_load"),
        (None, Start::SteadyLoad(w)) if *w > 0.0 => (*w, "steady_load"),
        (None, Start::History { loads, .. }) => {
            let last = &loads[loads.len().saturating_sub(42)..];
            let mean = last.iter().sum::<f64>() / last.len().max(1) as f64;
            if mean.is_nan() || mean <= 0.0 {
                return Some(LoadMap::default());
            }
            (mean, "history")
        }
        _ => return Some(LoadMap::default()),
    };
    Some(LoadMap { scale: preset.calibration_load / h, from, habitual_load: Some(h) })
}
