//! A TOML document as an owned tree whose every key and value keeps its byte span, so that
//! errors found after variants and sweeps were applied still point at the line that set a value.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Datetime(String),
    Array(Vec<Node>),
    Table(Vec<(Key, Node)>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Key {
    pub name: String,
    pub span: Range<usize>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub val: Val,
    pub span: Range<usize>,
}

impl Node {
    pub fn table(&self) -> Option<&[(Key, Node)]> {
        match &self.val {
            Val::Table(t) => Some(t),
            _ => None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.table()?.iter().find(|(k, _)| k.name == key).map(|(_, v)| v)
    }

    pub fn key_span(&self, key: &str) -> Option<Range<usize>> {
        self.table()?.iter().find(|(k, _)| k.name == key).map(|(k, _)| k.span.clone())
    }

    /// The value as a number, integers included.
    pub fn as_f64(&self) -> Option<f64> {
        match self.val {
            Val::Int(i) => Some(i as f64),
            Val::Float(f) => Some(f),
            _ => None,
        }
    }

    /// The value as written, for error messages: `9`, `"fast"`, `[2, 3]`, `{ ... }`.
    pub fn show(&self) -> String {
        match &self.val {
            Val::Str(s) => format!("\"{s}\""),
            Val::Int(i) => i.to_string(),
            Val::Float(f) => format!("{f:?}"),
            Val::Bool(b) => b.to_string(),
            Val::Datetime(d) => d.clone(),
            Val::Array(a) => format!("[{}]", a.iter().map(Node::show).collect::<Vec<_>>().join(", ")),
            Val::Table(t) => {
                let inner: Vec<String> = t.iter().map(|(k, v)| format!("{} = {}", k.name, v.show())).collect();
                format!("{{ {} }}", inner.join(", "))
            }
        }
    }

    /// The value in a short form for row labels (strings unquoted).
    pub fn label(&self) -> String {
        match &self.val {
            Val::Str(s) => s.clone(),
            Val::Array(a) => a.iter().map(Node::label).collect::<Vec<_>>().join("+"),
            _ => self.show(),
        }
    }

    /// The kind of value, for "expected X, found Y" messages.
    pub fn kind(&self) -> &'static str {
        match self.val {
            Val::Str(_) => "a string",
            Val::Int(_) => "an integer",
            Val::Float(_) => "a float",
            Val::Bool(_) => "a boolean",
            Val::Datetime(_) => "a datetime",
            Val::Array(_) => "an array",
            Val::Table(_) => "a table",
        }
    }

    /// Remove a key from a table.
    pub fn remove(&mut self, key: &str) {
        if let Val::Table(t) = &mut self.val {
            t.retain(|(k, _)| k.name != key);
        }
    }

    /// Set `path` (already split) to `value`, creating tables on the way. Tables are merged key
    /// by key, except a distribution (a table with a `dist` key), which replaces what was there.
    /// `key_span` is the span reported for keys this creates.
    pub fn set_path(&mut self, path: &[&str], value: Node, key_span: &Range<usize>) {
        let Some((first, rest)) = path.split_first() else { return };
        if !matches!(self.val, Val::Table(_)) {
            self.val = Val::Table(Vec::new());
        }
        let Val::Table(t) = &mut self.val else { return };
        let idx = match t.iter().position(|(k, _)| k.name == *first) {
            Some(i) => i,
            None => {
                let child = Node { val: Val::Table(Vec::new()), span: value.span.clone() };
                t.push((Key { name: first.to_string(), span: key_span.clone() }, child));
                t.len() - 1
            }
        };
        let child = &mut t[idx].1;
        if rest.is_empty() {
            child.merge(value);
        } else {
            child.set_path(rest, value, key_span);
        }
    }

    /// Merge an override into this node.
    pub fn merge(&mut self, value: Node) {
        match (&mut self.val, value.val) {
            (Val::Table(mine), Val::Table(theirs)) if !theirs.iter().any(|(k, _)| k.name == "dist") => {
                for (k, v) in theirs {
                    match mine.iter_mut().find(|(mk, _)| mk.name == k.name) {
                        Some((_, mv)) => mv.merge(v),
                        None => mine.push((k, v)),
                    }
                }
            }
            (_, val) => {
                self.val = val;
                self.span = value.span;
            }
        }
    }
}

/// Parse TOML text into a spanned tree; a syntax error comes back with its span and message.
pub fn parse(text: &str) -> Result<Node, (Range<usize>, String)> {
    let doc = DeTable::parse(text).map_err(|e| (e.span().unwrap_or(0..0), e.message().trim().to_string()))?;
    let span = doc.span();
    convert_table(doc.into_inner(), span)
}

/// Whether `c` is an invisible format character (Unicode category Cf: soft hyphen, zero-width
/// spaces and joiners, bidirectional controls, the byte-order mark, tags): a name holding one
/// looks like another name.
pub fn is_format_char(c: char) -> bool {
    matches!(c as u32,
        0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x890..=0x891 | 0x8E2 | 0x180E | 0x200B..=0x200F | 0x202A..=0x202E
        | 0x2060..=0x2064 | 0x2066..=0x206F | 0xFEFF | 0xFFF9..=0xFFFB | 0x110BD | 0x110CD | 0x13430..=0x1343F
        | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A | 0xE0001 | 0xE0020..=0xE007F)
}

/// Text of a scenario is printed on terminals, written to CSV and drawn in SVG: control
/// characters (other than tab and line breaks) and invisible format characters are refused.
fn printable(s: &str, span: &Range<usize>) -> Result<(), (Range<usize>, String)> {
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let crlf = c == '\r' && chars.peek() == Some(&'\n');
        let bad_control = c.is_control() && !matches!(c, '\n' | '\t') && !crlf;
        if bad_control || is_format_char(c) {
            let what = if bad_control { "the control character" } else { "the invisible format character" };
            return Err((
                span.clone(),
                format!("contains {what} U+{:04X}; text in a scenario is printed, written to CSV and drawn, so control characters (other than tab and line breaks) and invisible ones (zero-width spaces, bidirectional controls) are not allowed", c as u32),
            ));
        }
    }
    Ok(())
}

fn convert_table(t: DeTable<'_>, span: Range<usize>) -> Result<Node, (Range<usize>, String)> {
    let mut out = Vec::with_capacity(t.len());
    for (k, v) in t {
        let key = Key { name: k.get_ref().to_string(), span: k.span() };
        printable(&key.name, &key.span)?;
        out.push((key, convert(v)?));
    }
    Ok(Node { val: Val::Table(out), span })
}

fn convert(v: Spanned<DeValue<'_>>) -> Result<Node, (Range<usize>, String)> {
    let span = v.span();
    let val = match v.into_inner() {
        DeValue::String(s) => {
            printable(&s, &span)?;
            Val::Str(s.into_owned())
        }
        DeValue::Integer(i) => {
            let digits = i.as_str().replace('_', "");
            Val::Int(i64::from_str_radix(&digits, i.radix()).map_err(|_| (span.clone(), "integer out of range".to_string()))?)
        }
        DeValue::Float(f) => Val::Float(f.as_str().replace('_', "").parse().map_err(|_| (span.clone(), "invalid float".to_string()))?),
        DeValue::Boolean(b) => Val::Bool(b),
        DeValue::Datetime(d) => Val::Datetime(d.to_string()),
        DeValue::Array(a) => Val::Array(a.into_iter().map(convert).collect::<Result<_, _>>()?),
        DeValue::Table(t) => return convert_table(t, span),
    };
    Ok(Node { val, span })
}
