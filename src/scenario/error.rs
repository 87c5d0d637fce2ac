//! Scenario errors: every problem found, each pointing at a line and column of the TOML source.

use std::fmt;
use std::ops::Range;

/// One problem in a scenario file.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    /// Byte range of the offending value (or key) in the source.
    pub span: Range<usize>,
    /// 1-based line and column of the span's start.
    pub line: usize,
    /// 1-based column (in characters).
    pub column: usize,
    /// `path = value: what was expected`.
    pub message: String,
}

/// A scenario that could not be read, parsed or validated.
#[derive(Clone, Debug)]
pub struct ScenarioError {
    /// The scenario file, as the user named it.
    pub path: String,
    /// Its text, to quote the offending lines.
    pub source_text: String,
    /// Every problem found, in file order.
    pub problems: Vec<Problem>,
}

impl ScenarioError {
    /// An error of file `path` with no problems yet.
    pub fn new(path: &str, source_text: &str) -> Self {
        ScenarioError { path: path.to_string(), source_text: source_text.to_string(), problems: Vec::new() }
    }

    /// Record a problem at a byte span.
    pub fn push(&mut self, span: Range<usize>, message: impl Into<String>) {
        let (line, column) = line_col(&self.source_text, span.start);
        self.problems.push(Problem { span, line, column, message: message.into() });
    }

    /// Whether no problem was recorded.
    pub fn is_empty(&self) -> bool {
        self.problems.is_empty()
    }

    /// The problems as `file:line:column: message` lines, each followed by the source line and a
    /// caret under the offending value, as the CLI prints them after `error: `.
    pub fn render(&self) -> String {
        let mut s = String::new();
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                s.push_str("error: ");
            }
            s.push_str(&format!("{}:{}:{}: {}\n", self.path, p.line, p.column, p.message));
            let src_line = self.source_text.lines().nth(p.line - 1).unwrap_or("");
            let width = p.line.to_string().len();
            let caret_len = self.source_text[p.span.clone()].lines().next().map_or(1, |l| l.chars().count().max(1));
            let pad: String = src_line.chars().take(p.column - 1).map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
            s.push_str(&format!("{:width$} |\n{} | {}\n{:width$} | {}{}\n", "", p.line, src_line, "", pad, "^".repeat(caret_len)));
        }
        s
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines: Vec<String> =
            self.problems.iter().map(|p| format!("{}:{}:{}: {}", self.path, p.line, p.column, p.message)).collect();
        f.write_str(&lines.join("\nerror: "))
    }
}

impl std::error::Error for ScenarioError {}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Why a scenario file could not be loaded: it could not be read, or it did not validate.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read.
    #[error(transparent)]
    Io(#[from] crate::io::IoError),
    /// The scenario did not validate.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
}
