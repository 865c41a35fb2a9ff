//! Diagnostics: problems found in a project, each tied to a file and line.
//!
//! The build never stops at the first problem in content: every stage returns the
//! diagnostics it found, and the orchestrator reports them all at the end, sorted so
//! that the report is the same on every run.

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};

/// How serious a problem is. Errors make `build` exit with status 1.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A line of source with the part at fault.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct Excerpt {
    pub text: String,
    /// Characters before the part at fault.
    pub start: usize,
    /// Characters at fault (at least 1).
    pub width: usize,
}

/// One problem, with where it is and what to do about it.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path relative to the project root (or absolute when outside it).
    pub file: PathBuf,
    /// 1-based line, 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column (in characters), 0 when unknown.
    pub column: usize,
    /// The offending line's text, to show with the part at fault underlined.
    pub excerpt: Option<Excerpt>,
    /// Language of the page in which the problem shows, when it depends on it.
    pub lang: Option<String>,
    pub message: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(file: impl Into<PathBuf>, line: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            line,
            column: 0,
            excerpt: None,
            lang: None,
            message: message.into(),
            hint: None,
        }
    }

    pub fn warning(file: impl Into<PathBuf>, line: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, line, message)
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Points at characters `start..start + width` of `text`, the line's text.
    pub fn at(mut self, text: &str, start: usize, width: usize) -> Self {
        self.column = start + 1;
        self.excerpt = Some(Excerpt {
            text: text.to_string(),
            start,
            width: width.max(1),
        });
        self
    }

    pub fn with_lang(mut self, lang: &str) -> Self {
        self.lang = Some(lang.to_string());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{kind}: {}", self.file.display())?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
            if self.column > 0 {
                write!(f, ":{}", self.column)?;
            }
        }
        if let Some(lang) = &self.lang {
            write!(f, " [{lang}]")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(ex) = &self.excerpt {
            let no = self.line.to_string();
            let pad = " ".repeat(no.len());
            let text = ex.text.replace('\t', " ");
            write!(
                f,
                "\n {pad} |\n {no} | {text}\n {pad} | {}{}",
                " ".repeat(ex.start),
                "^".repeat(ex.width)
            )?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// Sorts and de-duplicates diagnostics so that reports are stable.
pub fn normalise(diags: &mut Vec<Diagnostic>) {
    diags.sort_by(|a, b| {
        // With the column, the same problem found by the render of each
        // language that shows a chapter is always next to its twins.
        (&a.file, a.line, a.column, &a.lang, &a.message, a.severity)
            .cmp(&(&b.file, b.line, b.column, &b.lang, &b.message, b.severity))
    });
    diags.dedup();
}

/// Line numbers of byte offsets asked for mostly in increasing order,
/// counted on the way: no table of line starts is built.
pub struct LineCounter<'a> {
    text: &'a [u8],
    pos: usize,
    line: usize,
    offset: usize,
}

impl<'a> LineCounter<'a> {
    /// `offset` lines precede `text` in its file, as for [`LineIndex::new`].
    pub fn new(text: &'a str, offset: usize) -> Self {
        LineCounter {
            text: text.as_bytes(),
            pos: 0,
            line: 1 + offset,
            offset,
        }
    }

    /// The line of byte `pos`, as [`LineIndex::line`] gives it.
    pub fn line(&mut self, pos: usize) -> usize {
        let pos = pos.min(self.text.len());
        if pos < self.pos {
            (self.pos, self.line) = (0, 1 + self.offset);
        }
        self.line += memchr::memchr_iter(b'\n', &self.text[self.pos..pos]).count();
        self.pos = pos;
        self.line
    }
}

/// Maps byte offsets of a text to 1-based line numbers.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
    /// Number of lines that precede the text in its file (front matter).
    offset: usize,
}

impl LineIndex {
    /// Line, column (1-based, in characters) and the line's text for byte
    /// `pos` of `text`, and the width in characters of `pos..end` on that line.
    pub fn locate(&self, text: &str, pos: usize, end: usize) -> (usize, usize, String, usize) {
        let pos = pos.min(text.len());
        let idx = match self.starts.binary_search(&pos) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.starts[idx];
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let line_text = text[start..line_end].trim_end_matches('\r');
        let col = text.get(start..pos).map_or(0, |s| s.chars().count());
        let width = text
            .get(pos..end.min(line_end).max(pos))
            .map_or(1, |s| s.chars().count());
        (idx + 1 + self.offset, col + 1, line_text.to_string(), width)
    }

    pub fn new(text: &str, offset: usize) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts, offset }
    }

    /// The 1-based line in the file of byte `pos` of the text.
    pub fn line(&self, pos: usize) -> usize {
        let idx = match self.starts.binary_search(&pos) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        idx + 1 + self.offset
    }
}

/// Turns an absolute path into one relative to `root` for messages.
pub fn display_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// Remembers which problems were shown, so that each rebuild of `serve` and
/// `build --watch` shows only new ones.
#[derive(Debug, Default, Clone)]
pub struct Shown(HashSet<String>);

impl Shown {
    /// The problems of `all` not shown before; `all` becomes what was shown
    /// (a problem that went away and comes back is new again).
    pub fn update<'a>(&mut self, all: &'a [Diagnostic]) -> Vec<&'a Diagnostic> {
        let texts: Vec<String> = all.iter().map(ToString::to_string).collect();
        let new = all
            .iter()
            .zip(&texts)
            .filter(|(_, t)| !self.0.contains(*t))
            .map(|(d, _)| d)
            .collect();
        self.0 = texts.into_iter().collect();
        new
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_counter_agrees_with_line_index() {
        let text = "a\nbb\n\nccc\nd";
        let index = LineIndex::new(text, 3);
        let mut counter = LineCounter::new(text, 3);
        // In order, then back to the start, then past the end.
        for pos in (0..=text.len()).chain([0, 5, 2, 100]) {
            assert_eq!(counter.line(pos), index.line(pos.min(text.len())), "{pos}");
        }
    }

    #[test]
    fn line_index_counts_from_offset() {
        let idx = LineIndex::new("a\nbc\n\nd", 3);
        assert_eq!(idx.line(0), 4);
        assert_eq!(idx.line(2), 5);
        assert_eq!(idx.line(3), 5);
        assert_eq!(idx.line(5), 6);
        assert_eq!(idx.line(6), 7);
    }

    #[test]
    fn shown_problems_are_not_shown_again_until_they_come_back() {
        let a = Diagnostic::warning("a.md", 1, "one");
        let b = Diagnostic::error("b.md", 2, "two");
        let mut shown = Shown::default();
        assert_eq!(shown.update(std::slice::from_ref(&a)), [&a]);
        assert_eq!(shown.update(&[a.clone(), b.clone()]), [&b]);
        assert!(shown.update(std::slice::from_ref(&b)).is_empty());
        assert_eq!(shown.update(&[a.clone(), b.clone()]), [&a]);
    }

    #[test]
    fn locate_gives_column_excerpt_and_width() {
        let text = "first\nsee [x](y.md) now\n";
        let idx = LineIndex::new(text, 2);
        assert_eq!(
            idx.locate(text, 10, 19),
            (4, 5, "see [x](y.md) now".to_string(), 9)
        );
        let d = Diagnostic::error("a.md", 4, "broken").at("see [x](y.md) now", 4, 9);
        assert_eq!(
            d.to_string(),
            "error: a.md:4:5: broken\n   |\n 4 | see [x](y.md) now\n   |     ^^^^^^^^^"
        );
    }

    #[test]
    fn display_names_file_line_language_and_hint() {
        let d = Diagnostic::error("manuals/a/es/x.md", 12, "broken link")
            .with_lang("es")
            .with_hint("did you mean `y.md`?");
        assert_eq!(
            d.to_string(),
            "error: manuals/a/es/x.md:12 [es]: broken link\n  hint: did you mean `y.md`?"
        );
    }
}
