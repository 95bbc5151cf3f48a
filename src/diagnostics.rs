//! Errors that point into a source file, rendered the way rustc does: the
//! message, the `file:line:column`, the offending line with a marker under
//! it, and the fix where one is known.

use std::fmt;
use std::path::{Path, PathBuf};

/// A problem at a known place in a known file.
///
/// This is the error type for everything a writer can get wrong in their own
/// files (front matter, Markdown, templates, config), so that the message
/// always says where to look. The details are boxed to keep `Result`s small
/// on the success path; fields read through `Deref`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceError(Box<Located>);

/// The details of a [`SourceError`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// The file, as the user would type it (relative to the site root when possible).
    pub path: PathBuf,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column in characters, when known.
    pub column: Option<usize>,
    /// What is wrong, in lower case, without a trailing full stop.
    pub message: String,
    /// The text of the offending line, shown under the location.
    pub source_line: Option<String>,
    /// How many characters the marker under the source line covers.
    pub marker_len: usize,
    /// How to fix it, where known.
    pub help: Option<String>,
    /// More problems found in the same file in the same pass (every script
    /// link of a body, say), shown after this one so one run reports all.
    pub also: Vec<SourceError>,
}

impl SourceError {
    /// An error about a whole file, with no position inside it.
    pub fn new(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        SourceError(Box::new(Located {
            path: path.into(),
            line: None,
            column: None,
            message: message.into(),
            source_line: None,
            marker_len: 1,
            help: None,
            also: Vec::new(),
        }))
    }

    /// Points the error at a byte offset of `text`, the full contents of the
    /// file, filling in line, column and the source line.
    pub fn at_offset(mut self, text: &str, offset: usize, len: usize) -> Self {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
        let line_text = text[line_start..line_end].trim_end_matches('\r');
        self.line = Some(text[..line_start].matches('\n').count() + 1);
        self.column = Some(text[line_start..offset].chars().count() + 1);
        let rest = line_text.len().saturating_sub(offset - line_start);
        let end = floor_char_boundary(text, offset + len.min(rest));
        let marked = &text[offset..end];
        self.marker_len = marked.chars().count().max(1);
        self.source_line = Some(line_text.to_string());
        self
    }

    /// Points the error at a 1-based line (and optionally column) of `text`.
    pub fn at_line(self, text: &str, line: usize, column: Option<usize>) -> Self {
        let mut offset = 0;
        for (i, l) in text.split_inclusive('\n').enumerate() {
            if i + 1 == line {
                let col = column.unwrap_or(1).saturating_sub(1);
                offset += l.char_indices().nth(col).map_or(0, |(b, _)| b);
                return self.at_offset(text, offset, 1);
            }
            offset += l.len();
        }
        let mut err = self;
        err.line = Some(line);
        err.column = column;
        err
    }

    /// Adds the fix.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// `path:line:column`, as far as it is known.
    pub fn location(&self) -> String {
        let mut s = self.path.display().to_string();
        if let Some(line) = self.line {
            s.push_str(&format!(":{line}"));
            if let Some(col) = self.column {
                s.push_str(&format!(":{col}"));
            }
        }
        s
    }
}

impl std::ops::Deref for SourceError {
    type Target = Located;
    fn deref(&self) -> &Located {
        &self.0
    }
}

impl std::ops::DerefMut for SourceError {
    fn deref_mut(&mut self) -> &mut Located {
        &mut self.0
    }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.as_os_str().is_empty() {
            // A problem of the whole build (no file to name): the message,
            // and the fix where one is known.
            write!(f, "{}", self.message)?;
            if let Some(help) = &self.help {
                write!(f, "\n  = help: {help}")?;
            }
            return Ok(());
        }
        writeln!(f, "{}", self.message)?;
        write!(f, "  --> {}", self.location())?;
        if let (Some(line), Some(src)) = (self.line, &self.source_line) {
            let num = line.to_string();
            let pad = " ".repeat(num.len());
            let col = self.column.unwrap_or(1);
            // Tabs would misalign the marker, so show them as single spaces.
            let shown: String = src
                .chars()
                .map(|c| if c == '\t' { ' ' } else { c })
                .collect();
            write!(f, "\n{pad} |\n{num} | {shown}\n{pad} | ")?;
            write!(
                f,
                "{}{}",
                " ".repeat(col.saturating_sub(1)),
                "^".repeat(self.marker_len)
            )?;
        }
        if let Some(help) = &self.help {
            write!(f, "\n  = help: {help}")?;
        }
        for more in &self.also {
            write!(f, "\n\nerror: {more}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SourceError {}

/// Every problem one stage of the build found, each on its own: the error
/// a stage returns so that the top level reports them all in one run,
/// and counts exactly what it lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problems(pub Vec<SourceError>);

impl Problems {
    /// `Ok(value)` when nothing was found, else these problems as the error.
    pub fn or_ok<T>(self, value: T) -> Result<T, Problems> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }

    /// Adds the problems of `error`: every one it holds (see [`flatten`]).
    pub fn add(&mut self, error: &anyhow::Error) {
        self.0.extend(flatten(error));
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                write!(f, "\n\nerror: ")?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Problems {}

impl From<SourceError> for Problems {
    fn from(e: SourceError) -> Problems {
        Problems(vec![e])
    }
}

/// Every problem an error holds, one entry each: the list of [`Problems`],
/// a [`SourceError`] (with the problems found with it), or any other error
/// as one message with its causes and no file.
pub fn flatten(error: &anyhow::Error) -> Vec<SourceError> {
    fn expand(e: &SourceError, out: &mut Vec<SourceError>) {
        let mut first = e.clone();
        let also = std::mem::take(&mut first.also);
        out.push(first);
        for more in &also {
            expand(more, out);
        }
    }
    let mut out = Vec::new();
    if let Some(problems) = error.downcast_ref::<Problems>() {
        for p in &problems.0 {
            expand(p, &mut out);
        }
    } else if let Some(located) = error.downcast_ref::<SourceError>() {
        expand(located, &mut out);
    } else {
        let mut parts: Vec<String> = error.chain().map(|c| c.to_string()).collect();
        parts.dedup();
        out.push(SourceError::new("", parts.join("\n  caused by: ")));
    }
    out
}

/// Shows `path` relative to `root` when it lies inside it, so messages name
/// files the way the user sees them from the site folder.
pub fn display_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_location_line_and_marker() {
        let text = "+++\ntitle = 1\n+++\n";
        let err = SourceError::new("content/a.md", "invalid type: integer, expected a string")
            .at_offset(text, 12, 1)
            .with_help("put the title in quotes");
        assert_eq!(err.line, Some(2));
        assert_eq!(err.column, Some(9));
        assert_eq!(
            err.to_string(),
            "invalid type: integer, expected a string\n  --> content/a.md:2:9\n  |\n2 | title = 1\n  |         ^\n  = help: put the title in quotes"
        );
    }

    #[test]
    fn shows_every_problem_found_with_it() {
        let text = "a\nb\n";
        let mut err = SourceError::new("f", "first").at_offset(text, 0, 1);
        err.also
            .push(SourceError::new("f", "second").at_offset(text, 2, 1));
        assert_eq!(
            err.to_string(),
            "first\n  --> f:1:1\n  |\n1 | a\n  | ^\n\nerror: second\n  --> f:2:1\n  |\n2 | b\n  | ^"
        );
    }

    #[test]
    fn counts_columns_in_characters_not_bytes() {
        let text = "é = x";
        let err = SourceError::new("a", "m").at_offset(text, "é = ".len(), 1);
        assert_eq!(err.column, Some(5));
    }

    #[test]
    fn at_line_finds_the_line() {
        let err = SourceError::new("a", "m").at_line("one\ntwo\nthree", 3, Some(2));
        assert_eq!(err.location(), "a:3:2");
        assert_eq!(err.source_line.as_deref(), Some("three"));
    }

    #[test]
    fn offset_inside_a_character_does_not_panic() {
        let err = SourceError::new("a", "m").at_offset("aé", 2, 1);
        assert_eq!(err.column, Some(2));
    }
}
