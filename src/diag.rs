//! Diagnostics: problems found in a project, each tied to a file and line.
//!
//! The build never stops at the first problem in content: every stage returns the
//! diagnostics it found, and the orchestrator reports them all at the end, sorted so
//! that the report is the same on every run.

use std::fmt;
use std::path::{Path, PathBuf};

/// How serious a problem is. Errors make `build` exit with status 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem, with where it is and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path relative to the project root (or absolute when outside it).
    pub file: PathBuf,
    /// 1-based line, 0 when the problem concerns the whole file.
    pub line: usize,
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
        }
        if let Some(lang) = &self.lang {
            write!(f, " [{lang}]")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// Sorts and de-duplicates diagnostics so that reports are stable.
pub fn normalise(diags: &mut Vec<Diagnostic>) {
    diags.sort_by(|a, b| {
        (&a.file, a.line, &a.lang, &a.message, a.severity)
            .cmp(&(&b.file, b.line, &b.lang, &b.message, b.severity))
    });
    diags.dedup();
}

/// Maps byte offsets of a text to 1-based line numbers.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
    /// Number of lines that precede the text in its file (front matter).
    offset: usize,
}

impl LineIndex {
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

#[cfg(test)]
mod tests {
    use super::*;

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
